package provider

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The examples use kubernetes_manifest, whose provider cannot be installed without the
// network. These tests run each example as a user would, with one change: every
// kubernetes_manifest becomes a terraform_data (built into Terraform) whose input is the
// same expression as the manifest, and the kubernetes provider's configuration is
// dropped (and a for_each becomes a map in one terraform_data, as the test framework
// cannot read for_each instances). Apply then proves that the example's data sources, expressions, for_each and
// references work, and the checks read the manifests kubernetes_manifest would get.

// withoutKubernetes rewrites one example file as described above. A typed resource of the
// kubernetes provider (kubernetes_deployment_v1, ...) becomes a terraform_data too, whose
// input is its attributes as an object (nested blocks as lists of objects, as Terraform
// holds them), and references to the resource become references to that input.
func withoutKubernetes(t *testing.T, src []byte, name string) []byte {
	t.Helper()
	f, diags := hclwrite.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", name, diags)
	}
	body := f.Body()
	var typed []string
	for _, b := range body.Blocks() {
		labels := b.Labels()
		switch {
		case b.Type() == "provider" && len(labels) == 1 && labels[0] == "kubernetes":
			body.RemoveBlock(b)
		case b.Type() == "terraform":
			for _, rp := range b.Body().Blocks() {
				if rp.Type() == "required_providers" {
					rp.Body().RemoveAttribute("kubernetes")
				}
			}
		case b.Type() == "resource" && len(labels) == 2 && labels[0] == "kubernetes_manifest":
			b.SetLabels([]string{"terraform_data", labels[1]})
			manifest := b.Body().GetAttribute("manifest")
			if manifest == nil {
				t.Fatalf("%s: kubernetes_manifest.%s has no manifest", name, labels[1])
			}
			tokens := manifest.Expr().BuildTokens(nil)
			b.Body().RemoveAttribute("manifest")
			// terraform-plugin-testing cannot read the state of for_each instances: one
			// terraform_data holds the map of what each instance's manifest would be
			if forEach := b.Body().GetAttribute("for_each"); forEach != nil {
				each := strings.NewReplacer("each.value", "each_value", "each.key", "each_key").Replace(string(tokens.Bytes()))
				expr := "{ for each_key, each_value in " + string(forEach.Expr().BuildTokens(nil).Bytes()) + " : each_key => " + each + " }"
				b.Body().RemoveAttribute("for_each")
				tokens = hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(expr)}}
			}
			b.Body().SetAttributeRaw("input", tokens)
		case b.Type() == "resource" && len(labels) == 2 && strings.HasPrefix(labels[0], "kubernetes_"):
			typed = append(typed, labels[0]+"."+labels[1])
			input := blockObject(b.Body())
			b.SetLabels([]string{"terraform_data", labels[1]})
			b.Body().Clear()
			b.Body().AppendNewline()
			b.Body().SetAttributeRaw("input", input)
		}
	}
	out := f.Bytes()
	for _, addr := range typed {
		_, name, _ := strings.Cut(addr, ".")
		out = regexp.MustCompile(`\b`+regexp.QuoteMeta(addr)+`\b`).ReplaceAll(out, []byte("terraform_data."+name+".input"))
	}
	return bytes.ReplaceAll(out, []byte("kubernetes_manifest."), []byte("terraform_data."))
}

// blockObject is the object expression of a block's body: its attributes, and its nested
// blocks as lists of objects, by type.
func blockObject(body *hclwrite.Body) hclwrite.Tokens {
	var parts []string
	attrs := body.Attributes()
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		parts = append(parts, n+" = "+string(attrs[n].Expr().BuildTokens(nil).Bytes()))
	}
	byType := map[string][]string{}
	var types []string
	for _, nb := range body.Blocks() {
		if _, ok := byType[nb.Type()]; !ok {
			types = append(types, nb.Type())
		}
		byType[nb.Type()] = append(byType[nb.Type()], string(blockObject(nb.Body()).Bytes()))
	}
	for _, ty := range types {
		parts = append(parts, ty+" = ["+strings.Join(byType[ty], ", ")+"]")
	}
	return hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte("{ " + strings.Join(parts, ", ") + " }")}}
}

// exampleDir copies example files, rewritten, into a new Terraform root.
func exampleDir(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Ext(file) != ".tf" {
			continue
		}
		out := filepath.Join(dir, filepath.Base(filepath.Dir(file))+"-"+filepath.Base(file))
		if err := os.WriteFile(out, withoutKubernetes(t, src, file), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestAccExampleDataSources: each examples/data-sources/*/data-source*.tf, with
// examples/provider/provider.tf (the real source address ekspodsec/ekspodsec), applies.
func TestAccExampleDataSources(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "ekspodsec")
	checks := map[string][]statecheck.StateCheck{
		"ekspodsec_pod_security_policy": {
			statecheck.ExpectKnownValue("terraform_data.restricted_psp", tfjsonpath.New("output").AtMapKey("spec").AtMapKey("requiredDropCapabilities"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("ALL")})),
			statecheck.ExpectKnownValue("data.ekspodsec_pod_security_policy.log_readers", tfjsonpath.New("manifest").AtMapKey("spec").AtMapKey("allowedHostPaths"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"pathPrefix": knownvalue.StringExact("/var/log"), "readOnly": knownvalue.Bool(true)})})),
		},
		"ekspodsec_pod_security_policy_rbac": {
			statecheck.ExpectKnownValue("terraform_data.psp_bindings", tfjsonpath.New("output").AtMapKey("web").AtMapKey("subjects").AtSliceIndex(0).AtMapKey("name"),
				knownvalue.StringExact("system:serviceaccounts:web")),
			statecheck.ExpectKnownValue("terraform_data.psp_bindings", tfjsonpath.New("output").AtMapKey("payments").AtMapKey("subjects").AtSliceIndex(1).AtMapKey("name"),
				knownvalue.StringExact("worker")),
			statecheck.ExpectKnownValue("terraform_data.psp_role", tfjsonpath.New("output").AtMapKey("rules").AtSliceIndex(0).AtMapKey("resourceNames"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("restricted")})),
		},
		"ekspodsec_limit_range": {
			statecheck.ExpectKnownValue("terraform_data.limit_range", tfjsonpath.New("output").AtMapKey("spec").AtMapKey("limits").AtSliceIndex(0).AtMapKey("defaultRequest").AtMapKey("memory"),
				knownvalue.StringExact("128Mi")),
			// data-source-fargate.tf: 500m and 768Mi + 256 MB
			statecheck.ExpectKnownOutputValue("fargate_pod_size", knownvalue.StringExact("0.5 vCPU / 1 GB")),
			statecheck.ExpectKnownValue("terraform_data.fargate_limit_range", tfjsonpath.New("output").AtMapKey("metadata").AtMapKey("namespace"), knownvalue.StringExact("fargate-apps")),
		},
		"ekspodsec_pod_security_admission": {
			statecheck.ExpectKnownValue("terraform_data.web_namespace", tfjsonpath.New("output").AtMapKey("metadata").AtMapKey("labels"), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"team":                               knownvalue.StringExact("web"),
				"pod-security.kubernetes.io/enforce": knownvalue.StringExact("baseline"),
				"pod-security.kubernetes.io/enforce-version": knownvalue.StringExact("v1.31"),
				"pod-security.kubernetes.io/audit":           knownvalue.StringExact("restricted"),
				"pod-security.kubernetes.io/audit-version":   knownvalue.StringExact("v1.31"),
				"pod-security.kubernetes.io/warn":            knownvalue.StringExact("restricted"),
				"pod-security.kubernetes.io/warn-version":    knownvalue.StringExact("v1.31"),
			})),
			statecheck.ExpectKnownValue("terraform_data.payments_namespace", tfjsonpath.New("output").AtMapKey("metadata").AtMapKey("labels").AtMapKey("pod-security.kubernetes.io/enforce"),
				knownvalue.StringExact("restricted")),
			statecheck.ExpectKnownValue("terraform_data.payments_namespace", tfjsonpath.New("output").AtMapKey("metadata").AtMapKey("name"), knownvalue.StringExact("payments")),
		},
		"ekspodsec_validating_admission_policy": {
			statecheck.ExpectKnownValue("terraform_data.pod_policy", tfjsonpath.New("output").AtMapKey("kind"), knownvalue.StringExact("ValidatingAdmissionPolicy")),
			statecheck.ExpectKnownValue("terraform_data.pod_policy_binding", tfjsonpath.New("output").AtMapKey("spec").AtMapKey("policyName"), knownvalue.StringExact("ekspodsec-pod-security")),
			statecheck.ExpectKnownOutputValue("enforced_rules", knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("EPS006"), knownvalue.StringExact("EPS007"), knownvalue.StringExact("EPS008"), knownvalue.StringExact("EPS009"),
				knownvalue.StringExact("EPS014"), knownvalue.StringExact("EPS015"), knownvalue.StringExact("EPS019"),
			})),
		},
		"ekspodsec_namespace": {
			statecheck.ExpectKnownValue("terraform_data.payments_namespace", tfjsonpath.New("output").AtMapKey("kind"), knownvalue.StringExact("Namespace")),
			// the for_each over every kind but the namespace
			statecheck.ExpectKnownValue("terraform_data.payments", tfjsonpath.New("output"), knownvalue.MapSizeExact(2)),
			statecheck.ExpectKnownValue("terraform_data.payments", tfjsonpath.New("output").AtMapKey("limit_range").AtMapKey("spec").AtMapKey("limits").AtSliceIndex(0).AtMapKey("defaultRequest").AtMapKey("cpu"),
				knownvalue.StringExact("250m")),
			statecheck.ExpectKnownValue("terraform_data.payments", tfjsonpath.New("output").AtMapKey("resource_quota").AtMapKey("spec").AtMapKey("hard").AtMapKey("limits.memory"),
				knownvalue.StringExact("32Gi")),
		},
		"ekspodsec_resource_quota": {
			statecheck.ExpectKnownValue("terraform_data.quota", tfjsonpath.New("output").AtMapKey("spec").AtMapKey("hard").AtMapKey("limits.memory"),
				knownvalue.StringExact("32Gi")),
		},
	}
	dirs, err := filepath.Glob(filepath.Join("..", "..", "examples", "data-sources", "*"))
	if err != nil || len(dirs) != len(checks) {
		t.Fatalf("examples %v (%v), want one per data source: %d", dirs, err, len(checks))
	}
	for _, d := range dirs {
		name := filepath.Base(d)
		t.Run(name, func(t *testing.T) {
			c, ok := checks[name]
			if !ok {
				t.Fatalf("no checks for example %s", name)
			}
			files, err := filepath.Glob(filepath.Join(d, "data-source*.tf"))
			if err != nil || len(files) == 0 {
				t.Fatalf("example files %v: %v", files, err)
			}
			dir := exampleDir(t, append([]string{filepath.Join("..", "..", "examples", "provider", "provider.tf")}, files...)...)
			// the example has a provider block: the factories go on the step
			resource.UnitTest(t, resource.TestCase{
				Steps: []resource.TestStep{{ProtoV6ProviderFactories: protoV6, ConfigDirectory: config.StaticDirectory(dir), ConfigStateChecks: c}},
			})
		})
	}
}

// TestAccExampleHardenedNamespace: examples/hardened-namespace applies and yields the
// objects the guide describes; a 1.25 cluster is refused.
func TestAccExampleHardenedNamespace(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "ekspodsec")
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "hardened-namespace", "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("example files %v: %v", files, err)
	}
	dir := exampleDir(t, files...)
	out := func(addr string, p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, p, v)
	}
	spec := tfjsonpath.New("output").AtMapKey("spec")
	resource.UnitTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: protoV6,
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigStateChecks: []statecheck.StateCheck{
					out("terraform_data.namespace", tfjsonpath.New("output").AtMapKey("metadata").AtMapKey("labels").AtMapKey("pod-security.kubernetes.io/enforce"), knownvalue.StringExact("restricted")),
					out("terraform_data.pod_security_policy", tfjsonpath.New("output").AtMapKey("metadata").AtMapKey("name"), knownvalue.StringExact("payments-restricted")),
					out("terraform_data.pod_security_policy", spec.AtMapKey("privileged"), knownvalue.Bool(false)),
					out("terraform_data.pod_security_policy", spec.AtMapKey("allowPrivilegeEscalation"), knownvalue.Bool(false)),
					out("terraform_data.pod_security_policy", spec.AtMapKey("readOnlyRootFilesystem"), knownvalue.Bool(true)),
					out("terraform_data.pod_security_policy", spec.AtMapKey("runAsUser").AtMapKey("rule"), knownvalue.StringExact("MustRunAsNonRoot")),
					out("terraform_data.psp_cluster_role", tfjsonpath.New("output").AtMapKey("rules").AtSliceIndex(0).AtMapKey("resourceNames"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("payments-restricted")})),
					out("terraform_data.psp_role_bindings", tfjsonpath.New("output").AtMapKey("payments").AtMapKey("subjects"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"kind": knownvalue.StringExact("ServiceAccount"), "name": knownvalue.StringExact("api"), "namespace": knownvalue.StringExact("payments")}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"kind": knownvalue.StringExact("ServiceAccount"), "name": knownvalue.StringExact("worker"), "namespace": knownvalue.StringExact("payments")}),
					})),
					out("terraform_data.psp_role_bindings", tfjsonpath.New("output").AtMapKey("payments").AtMapKey("roleRef").AtMapKey("name"), knownvalue.StringExact("psp:payments-restricted")),
					out("terraform_data.limit_range", spec.AtMapKey("limits").AtSliceIndex(0).AtMapKey("default").AtMapKey("cpu"), knownvalue.StringExact("500m")),
					out("terraform_data.resource_quota", spec.AtMapKey("hard").AtMapKey("requests.memory"), knownvalue.StringExact("16Gi")),
				},
				Check: resource.TestCheckOutput("manifests_yaml", mustRead(t, filepath.Join("testdata", "hardened-namespace.yaml"))),
			},
			{
				ProtoV6ProviderFactories: protoV6,
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigVariables:          config.Variables{"kubernetes_version": config.StringVariable("1.25")},
				ExpectError:              regexp.MustCompile(`PodSecurityPolicy does not exist in Kubernetes 1.25`),
			},
		},
	})
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAccExampleFunctions: each examples/functions/*/function.tf applies with
// examples/provider/provider.tf, and refuses (or reports) what it is written to refuse
// once the example's workload is made privileged.
func TestAccExampleFunctions(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "ekspodsec")
	provider := filepath.Join("..", "..", "examples", "provider", "provider.tf")
	// edited is the example with old replaced by new, as a new Terraform root.
	edited := func(t *testing.T, name, old, new string) string {
		src, err := os.ReadFile(filepath.Join("..", "..", "examples", "functions", name, "function.tf"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(src, []byte(old)) {
			t.Fatalf("example %s has no %q", name, old)
		}
		file := filepath.Join(t.TempDir(), name, "function.tf")
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, bytes.Replace(src, []byte(old), []byte(new), 1), 0o600); err != nil {
			t.Fatal(err)
		}
		return exampleDir(t, provider, file)
	}
	str := knownvalue.StringExact
	steps := map[string]func(t *testing.T, dir string) []resource.TestStep{
		"violations": func(t *testing.T, dir string) []resource.TestStep {
			return []resource.TestStep{
				{
					ConfigDirectory: config.StaticDirectory(dir),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("terraform_data.web", tfjsonpath.New("output").AtMapKey("kind"), str("Deployment")),
						// the LimitRange covers the job's limits; no Fargate finding
						statecheck.ExpectKnownOutputValue("batch_findings", knownvalue.ListExact([]knownvalue.Check{
							str("EPS002 Job/report: Privilege escalation not disabled"),
							str("EPS003 Job/report: Container may run as root"),
							str("EPS013 Job/report: Capabilities not dropping ALL"),
							str("EPS016 Job/report: Seccomp profile not RuntimeDefault or Localhost"),
							str("EPS020 Job/report: Service account token automounted"),
							str("EPS023 Job/report: Root filesystem not read-only"),
							str("EPS024 Job/report: Service links not disabled"),
						})),
					},
				},
				{
					ConfigDirectory: config.StaticDirectory(edited(t, "violations", "allowPrivilegeEscalation = false", "privileged = true")),
					ExpectError:     wrapped(`The web Deployment breaks the EKS pod security guidance: EPS001 spec.template.spec.containers\[0\].securityContext.privileged: The container web runs privileged`),
				},
			}
		},
		"pss_level": func(t *testing.T, dir string) []resource.TestStep {
			return []resource.TestStep{
				{
					ConfigDirectory:   config.StaticDirectory(dir),
					ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("workload_level_v1_24", str("restricted"))},
				},
				{
					ConfigDirectory: config.StaticDirectory(edited(t, "pss_level", "allowPrivilegeEscalation = false", "privileged = true")),
					ExpectError:     wrapped(`The workload must meet the restricted Pod Security Standard; it meets privileged`),
				},
			}
		},
		"fargate_size": func(t *testing.T, dir string) []resource.TestStep {
			return []resource.TestStep{{
				ConfigDirectory:   config.StaticDirectory(dir),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("worker_fargate_size", str("1 vCPU / 2 GB"))},
			}}
		},
		"kubernetes_object": func(t *testing.T, dir string) []resource.TestStep {
			return []resource.TestStep{
				{
					ConfigDirectory: config.StaticDirectory(dir),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownOutputValue("app_findings", knownvalue.ListExact(nil)),
						statecheck.ExpectKnownOutputValue("app_pss_level", str("restricted")),
					},
				},
				{
					ConfigDirectory: config.StaticDirectory(edited(t, "kubernetes_object", "allow_privilege_escalation = false", "privileged = true")),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownOutputValue("app_findings", knownvalue.ListExact([]knownvalue.Check{
							str("EPS001 (critical)"),
						})),
						statecheck.ExpectKnownOutputValue("app_pss_level", str("privileged")),
					},
				},
			}
		},
	}
	dirs, err := filepath.Glob(filepath.Join("..", "..", "examples", "functions", "*"))
	if err != nil || len(dirs) != len(steps) {
		t.Fatalf("function examples %v (%v), want one per function", dirs, err)
	}
	for _, d := range dirs {
		name := filepath.Base(d)
		t.Run(name, func(t *testing.T) {
			mk, ok := steps[name]
			if !ok {
				t.Fatalf("no checks for example %s", name)
			}
			s := mk(t, exampleDir(t, provider, filepath.Join(d, "function.tf")))
			for i := range s {
				s[i].ProtoV6ProviderFactories = protoV6
			}
			resource.UnitTest(t, resource.TestCase{Steps: s})
		})
	}
}
