package advise

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

const terraformBin = "/usr/local/bin/terraform"

// TestHCLIsTerraformFmtClean: the HCL of every fixture plan, in every mechanism, is what
// the real terraform fmt writes, and parses as HCL.
func TestHCLIsTerraformFmtClean(t *testing.T) {
	if _, err := os.Stat(terraformBin); err != nil {
		t.Skip("terraform CLI not at " + terraformBin)
	}
	dir := t.TempDir()
	files, _ := filepath.Glob(filepath.Join("testdata", "plans", "*.json"))
	n := 0
	for _, f := range files {
		for _, kv := range []string{"1.31", "1.24", "1.27"} {
			a := mustAdvise(t, planInput(t, filepath.Base(f)), Options{KubernetesVersion: kv, WarnLevel: kv == "1.31"})
			var b bytes.Buffer
			if err := WriteHCL(&b, a); err != nil {
				t.Fatal(err)
			}
			if _, diags := hclsyntax.ParseConfig(b.Bytes(), "advice.tf", hcl.InitialPos); diags.HasErrors() {
				t.Errorf("%s %s: %s", f, kv, diags)
			}
			name := strings.TrimSuffix(filepath.Base(f), ".json") + "-" + kv + ".tf"
			if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	out, err := exec.Command(terraformBin, "fmt", "-check", "-diff", "-recursive", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("terraform fmt -check on %d files: %v\n%s", n, err, out)
	}
}

// TestHCLEscapesInput: input text in comments cannot break out of them.
func TestHCLEscapesInput(t *testing.T) {
	in := planInput(t, "daemon_set_v1_violating.json")
	in.Source = "plan.json\nresource \"null_resource\" \"x\" {}\x1b[2K"
	a := mustAdvise(t, in, Options{KubernetesVersion: "1.31"})
	var b bytes.Buffer
	if err := WriteHCL(&b, a); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\nresource \"null_resource\"") || strings.Contains(b.String(), "\x1b") {
		t.Errorf("the source name broke out of its comment:\n%s", b.String())
	}
	var r bytes.Buffer
	if err := WriteReport(&r, a); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.String(), "\x1b") || strings.Contains(r.String(), "json\nresource") {
		t.Errorf("the report prints control characters")
	}
}

// TestHCLUsesTheDataSources: the namespace labels, policies and PodSecurityPolicies come
// from this provider's data sources; the kubernetes provider's resources apply them.
func TestHCLUsesTheDataSources(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHCL(&b, mustAdvise(t, planInput(t, "legacy_violating.json"), Options{KubernetesVersion: "1.31", WarnLevel: true})); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	for _, want := range []string{
		`data "ekspodsec_pod_security_admission" "default"`,
		`enforce            = "privileged"`,
		`warn               = "baseline"`,
		`resource "kubernetes_labels" "default"`,
		`labels = data.ekspodsec_pod_security_admission.default.manifest.metadata.labels`,
		`data "ekspodsec_validating_admission_policy" "default_legacy_bad"`,
		`manifest = merge(data.ekspodsec_validating_admission_policy.default_legacy_bad.policy, {`,
		`manifest   = data.ekspodsec_validating_admission_policy.default_legacy_bad.binding`,
		`fargate_selectors = []`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("missing %q", want)
		}
	}
	b.Reset()
	if err := WriteHCL(&b, mustAdvise(t, planInput(t, "daemon_set_v1_violating.json"), Options{KubernetesVersion: "1.24"})); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`data "ekspodsec_pod_security_policy" "kube_system_node_agent"`,
		`profile            = "privileged"`,
		`data "ekspodsec_pod_security_policy_rbac" "kube_system_node_agent"`,
		`service_accounts = ["node-agent"]`,
		`manifest   = data.ekspodsec_pod_security_policy_rbac.kube_system_node_agent.role_bindings["kube-system"]`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("legacy: missing %q in\n%s", want, b.String())
		}
	}
}
