package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// The advised HCL is run through the real Terraform CLI with this provider, built from
// this tree and installed for Terraform by a dev_overrides CLI configuration (as `make
// install` would put it where terraform init finds it). The kubernetes provider cannot be
// installed without the network, so, as internal/provider's example tests do, every
// kubernetes_manifest becomes a terraform_data whose input is the same expression, and
// every kubernetes_labels a terraform_data whose input is the Namespace those labels make:
// what apply then holds is exactly what the kubernetes provider would send.

const terraformBin = "/usr/local/bin/terraform"

var (
	providerOnce sync.Once
	providerDir  string
	providerErr  error
)

// providerBinary builds terraform-provider-ekspodsec once for the test binary's lifetime.
func providerBinary(t *testing.T) string {
	t.Helper()
	providerOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ekspodsec-e2e-provider-")
		if err != nil {
			providerErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-ekspodsec"), ".")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			providerErr = fmt.Errorf("building the provider: %v\n%s", err, out)
			return
		}
		providerDir = dir
	})
	if providerErr != nil {
		t.Fatal(providerErr)
	}
	return providerDir
}

// withoutKubernetesProvider rewrites the advised configuration as described above.
func withoutKubernetesProvider(t *testing.T, src []byte) []byte {
	t.Helper()
	f, diags := hclwrite.ParseConfig(src, "advice.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("the advised HCL does not parse: %s", diags)
	}
	body := f.Body()
	tokens := func(b *hclwrite.Body, name string) string {
		a := b.GetAttribute(name)
		if a == nil {
			t.Fatalf("attribute %s missing", name)
		}
		return string(a.Expr().BuildTokens(nil).Bytes())
	}
	for _, b := range body.Blocks() {
		labels := b.Labels()
		switch {
		case b.Type() == "terraform":
			for _, rp := range b.Body().Blocks() {
				if rp.Type() == "required_providers" {
					rp.Body().RemoveAttribute("kubernetes")
				}
			}
		case b.Type() == "resource" && labels[0] == "kubernetes_manifest":
			b.SetLabels([]string{"terraform_data", labels[1]})
			expr := tokens(b.Body(), "manifest")
			b.Body().RemoveAttribute("manifest")
			b.Body().SetAttributeRaw("input", hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(expr)}})
		case b.Type() == "resource" && labels[0] == "kubernetes_labels":
			meta := b.Body().FirstMatchingBlock("metadata", nil)
			if meta == nil {
				t.Fatalf("kubernetes_labels.%s has no metadata", labels[1])
			}
			input := fmt.Sprintf("{\napiVersion = %s\nkind = %s\nmetadata = {\nname = %s\nlabels = %s\n}\n}",
				tokens(b.Body(), "api_version"), tokens(b.Body(), "kind"), tokens(meta.Body(), "name"), tokens(b.Body(), "labels"))
			nb := body.AppendNewBlock("resource", []string{"terraform_data", labels[1]})
			nb.Body().SetAttributeRaw("input", hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(input)}})
			body.RemoveBlock(b)
		}
	}
	return hclwrite.Format(bytes.ReplaceAll(f.Bytes(), []byte("kubernetes_manifest."), []byte("terraform_data.")))
}

// terraformManifests applies the advised HCL with the real Terraform CLI and returns what
// each kubernetes_* resource would apply, written to files under dir/out and read back.
func terraformManifests(t *testing.T, hclSrc []byte) []map[string]any {
	t.Helper()
	if _, err := os.Stat(terraformBin); err != nil {
		t.Fatalf("terraform not found at %s", terraformBin)
	}
	bin := providerBinary(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "advice.tf"), hclSrc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(terraformBin, "fmt", "-check", "-diff", filepath.Join(dir, "advice.tf")).CombinedOutput(); err != nil {
		t.Fatalf("the advised HCL is not terraform fmt clean: %v\n%s", err, out)
	}
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "main.tf"), withoutKubernetesProvider(t, hclSrc), 0o600); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"ekspodsec/ekspodsec\" = %q\n  }\n  direct {}\n}\n", bin)), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0")
	tf := func(args ...string) []byte {
		cmd := exec.Command(terraformBin, args...)
		cmd.Dir, cmd.Env = root, env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			main, _ := os.ReadFile(filepath.Join(root, "main.tf"))
			t.Fatalf("terraform %s: %v\n%s\n%s\n--- main.tf:\n%s", strings.Join(args, " "), err, out.String(), errb.String(), main)
		}
		return out.Bytes()
	}
	tf("apply", "-auto-approve", "-no-color")
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Type    string         `json:"type"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(tf("show", "-json"), &state); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, r := range state.Values.RootModule.Resources {
		if r.Type != "terraform_data" {
			continue
		}
		b, err := json.MarshalIndent(r.Values["output"], "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(outDir, r.Address+".json")
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	sort.Strings(files)
	var out []map[string]any
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// objectKey names an object: kind, namespace and name.
func objectKey(m map[string]any) string {
	meta, _ := m["metadata"].(map[string]any)
	return fmt.Sprintf("%v %v/%v", m["kind"], meta["namespace"], meta["name"])
}

// normalized is an object after a JSON round trip (numbers as float64, as Terraform's
// state holds them).
func normalized(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
