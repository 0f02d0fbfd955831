package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func stringsExact(ss ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(ss))
	for _, s := range ss {
		checks = append(checks, knownvalue.StringExact(s))
	}
	return knownvalue.ListExact(checks)
}

func TestAccValidatingAdmissionPolicy_defaults(t *testing.T) {
	const addr = "data.ekspodsec_validating_admission_policy.p"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_validating_admission_policy" "p" {
  kubernetes_version = "1.31"
}
resource "terraform_data" "policy" {
  input = data.ekspodsec_validating_admission_policy.p.policy
}
resource "terraform_data" "binding" {
  input = data.ekspodsec_validating_admission_policy.p.binding
}
output "kinds" { value = join(",", [for m in data.ekspodsec_validating_admission_policy.p.manifests : m.kind]) }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				// no host paths, no Fargate, no Pod Security Standards: what PSA does not cover
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("rules"), stringsExact("EPS005", "EPS006", "EPS008", "EPS009", "EPS014", "EPS015")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("ekspodsec-pod-security")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("validation_actions"), stringsExact("Deny")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("exempt_namespaces"), stringsExact("kube-system")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("fargate_selectors"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("terraform_data.policy", tfjsonpath.New("output").AtMapKey("apiVersion"), knownvalue.StringExact("admissionregistration.k8s.io/v1")),
				statecheck.ExpectKnownValue("terraform_data.policy", tfjsonpath.New("output").AtMapKey("spec").AtMapKey("failurePolicy"), knownvalue.StringExact("Fail")),
				statecheck.ExpectKnownValue("terraform_data.binding", tfjsonpath.New("output").AtMapKey("spec").AtMapKey("policyName"), knownvalue.StringExact("ekspodsec-pod-security")),
				statecheck.ExpectKnownValue("terraform_data.binding", tfjsonpath.New("output").AtMapKey("spec").AtMapKey("matchResources").AtMapKey("namespaceSelector").AtMapKey("matchExpressions"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"key": knownvalue.StringExact("kubernetes.io/metadata.name"), "operator": knownvalue.StringExact("NotIn"), "values": stringsExact("kube-system"),
					})})),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckOutput("kinds", "ValidatingAdmissionPolicy,ValidatingAdmissionPolicyBinding"),
				resource.TestCheckResourceAttrWith(addr, "yaml", func(y string) error {
					docs := strings.Split(y, "\n---\n")
					if len(docs) != 2 || !strings.Contains(docs[0], "kind: ValidatingAdmissionPolicy\n") || !strings.Contains(docs[1], "kind: ValidatingAdmissionPolicyBinding\n") {
						return errorf("want the policy then the binding:\n%s", y)
					}
					for _, want := range []string{"message: 'EPS005: hostPath volumes are not allowed", "- Deny", "reason: Invalid", "resources:\n      - deployments"} {
						if !strings.Contains(y, want) {
							return errorf("yaml lacks %q:\n%s", want, y)
						}
					}
					if strings.Contains(y, "EPS001") || strings.Contains(y, "onFargate") {
						return errorf("Pod Security Standards or Fargate rules without asking:\n%s", y)
					}
					return nil
				}),
			),
		}},
	})
}

func TestAccValidatingAdmissionPolicy_options(t *testing.T) {
	const addr = "data.ekspodsec_validating_admission_policy.p"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_validating_admission_policy" "p" {
  name                   = "platform-pods"
  validation_actions     = ["Warn", "Audit"]
  namespace_selector     = { "ekspodsec.io/enforce" = "true" }
  exempt_namespaces      = ["kube-system", "amazon-cloudwatch"]
  allowed_host_paths     = [{ path_prefix = "/var/log/" }, { path_prefix = "/data" }]
  fargate_selectors      = [{ namespace = "fargate-*" }, { namespace = "batch", labels = { compute = "fargate" } }]
  pod_security_standards = true
  allowed_capabilities   = ["NET_RAW", "NET_BIND_SERVICE"]
  kubernetes_version     = "1.30"
  labels                 = { team = "platform" }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("rules"), stringsExact("EPS001", "EPS002", "EPS003", "EPS004", "EPS006", "EPS007", "EPS008",
					"EPS009", "EPS010", "EPS011", "EPS012", "EPS013", "EPS014", "EPS015", "EPS016", "EPS019")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("binding").AtMapKey("spec").AtMapKey("validationActions"), stringsExact("Warn", "Audit")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("binding").AtMapKey("spec").AtMapKey("matchResources").AtMapKey("namespaceSelector").AtMapKey("matchLabels"),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"ekspodsec.io/enforce": knownvalue.StringExact("true")})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("binding").AtMapKey("spec").AtMapKey("matchResources").AtMapKey("namespaceSelector").AtMapKey("matchExpressions").AtSliceIndex(0).AtMapKey("values"),
					stringsExact("amazon-cloudwatch", "kube-system")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("policy").AtMapKey("metadata").AtMapKey("labels").AtMapKey("team"), knownvalue.StringExact("platform")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("policy").AtMapKey("metadata").AtMapKey("name"), knownvalue.StringExact("platform-pods")),
			},
			Check: resource.TestCheckResourceAttrWith(addr, "json", func(j string) error {
				for _, want := range []string{
					// host path prefixes, trailing slash dropped
					`[\"/var/log\", \"/data\"].exists(p`,
					// Fargate selectors: namespace glob and labels
					`namespaceObject.metadata.name.matches(\"^fargate-.*$\")`, `variables.podMeta.labels[\"compute\"].matches(\"^fargate$\")`,
					// allowed capabilities, sorted
					`c.securityContext.capabilities.add.all(x, x in [\"NET_BIND_SERVICE\", \"NET_RAW\"])`,
					`"message": "EPS012: containers may add only these capabilities: NET_BIND_SERVICE, NET_RAW"`,
				} {
					if !strings.Contains(j, want) {
						return errorf("json lacks %s:\n%s", want, j)
					}
				}
				return nil
			}),
		}},
	})
}

func TestAccValidatingAdmissionPolicy_refusals(t *testing.T) {
	for name, tc := range map[string]struct{ config, want string }{
		"too old":            {`kubernetes_version = "1.29"`, `(?s)kubernetes_version.*ValidatingAdmissionPolicy \(admissionregistration.k8s.io/v1\) needs Kubernetes 1.30 or later; this cluster runs 1.29`},
		"deny and warn":      {`validation_actions = ["Deny", "Warn"]`, `(?s)validation_actions.*Kubernetes refuses the binding`},
		"unknown action":     {`validation_actions = ["Block"]`, `(?s)validation_actions\[0\].*value must be one of`},
		"no action":          {`validation_actions = []`, `(?s)validation_actions.*at least 1`},
		"every capability":   {"pod_security_standards = true\n  allowed_capabilities = [\"NET_RAW\", \"ALL\"]", `(?s)allowed_capabilities\[1\].*lets containers add every capability`},
		"caps without pss":   {`allowed_capabilities = ["NET_RAW"]`, `(?s)allowed_capabilities.*only with pod_security_standards = true`},
		"bad capability":     {"pod_security_standards = true\n  allowed_capabilities = [\"cap_net_raw\"]", `without CAP_`},
		"relative host path": {`allowed_host_paths = [{ path_prefix = "var/log" }]`, `(?s)allowed_host_paths\[0\].path_prefix.*not absolute`},
		"dot dot host path":  {`allowed_host_paths = [{ path_prefix = "/var/log/../../etc" }]`, `contains ".."`},
		"bad fargate ns":     {`fargate_selectors = [{ namespace = "Apps_1" }]`, `(?s)fargate_selectors\[0\].namespace.*must be a namespace name`},
		"bad exempt ns":      {`exempt_namespaces = ["kube_system"]`, `(?s)exempt_namespaces\[0\].*"kube_system"`},
		"bad selector label": {`namespace_selector = { "a b" = "x" }`, `(?s)Invalid label key.*"a b"`},
		"bad name":           {`name = "Pods!"`, `(?s)name.*"Pods!"`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      "data \"ekspodsec_validating_admission_policy\" \"x\" {\n  " + tc.config + "\n}\n",
					ExpectError: wrapped(tc.want),
				}},
			})
		})
	}
}

// TestValidatingAdmissionPolicyWarnsWhenKubeSystemChecked: exempting nothing is allowed,
// with a warning about EKS's own agents; the binding then has no namespace exemption.
func TestValidatingAdmissionPolicyWarnsWhenKubeSystemChecked(t *testing.T) {
	resp := readWith(t, NewValidatingAdmissionPolicyDataSource(), map[string]tftypes.Value{
		"exempt_namespaces": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{}),
	})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	w := resp.Diagnostics.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Detail(), "aws-node") {
		t.Fatalf("warnings %v", w)
	}
	var y string
	resp.State.GetAttribute(t.Context(), pathRoot("yaml"), &y)
	if strings.Contains(y, "NotIn") || strings.Contains(y, "kube-system") {
		t.Errorf("exempt_namespaces = [] still exempts:\n%s", y)
	}
}

// TestValidatingAdmissionPolicyAdditionalRules: additional_rules adds the opt-in rules'
// validations (the Fargate ones with Fargate selectors only, warning otherwise); an ID
// without an opt-in form is refused on the attribute.
func TestValidatingAdmissionPolicyAdditionalRules(t *testing.T) {
	list := func(ss ...string) tftypes.Value {
		vs := make([]tftypes.Value, len(ss))
		for i, s := range ss {
			vs[i] = tftypes.NewValue(tftypes.String, s)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vs)
	}
	resp := readWith(t, NewValidatingAdmissionPolicyDataSource(), map[string]tftypes.Value{
		"additional_rules": list("EPS023", "EPS029", "EPS025"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if w := resp.Diagnostics.Warnings(); len(w) != 1 || !strings.Contains(w[0].Summary(), "EPS025 needs Fargate selectors") {
		t.Errorf("warnings %v", w)
	}
	var got []string
	resp.State.GetAttribute(t.Context(), pathRoot("rules"), &got)
	if strings.Join(got, ",") != "EPS005,EPS006,EPS008,EPS009,EPS014,EPS015,EPS023,EPS029" {
		t.Errorf("rules %v", got)
	}
	var y string
	resp.State.GetAttribute(t.Context(), pathRoot("yaml"), &y)
	if !strings.Contains(y, "EPS023: containers must set readOnlyRootFilesystem") || strings.Contains(y, "EPS025") {
		t.Errorf("policy:\n%s", y)
	}
}

func TestAccValidatingAdmissionPolicy_additionalRules(t *testing.T) {
	const addr = "data.ekspodsec_validating_admission_policy.p"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_validating_admission_policy" "p" {
  additional_rules  = ["EPS025", "EPS029"]
  fargate_selectors = [{ namespace = "fargate-*" }]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("rules"), stringsExact("EPS005", "EPS006", "EPS008", "EPS009", "EPS014", "EPS015", "EPS019", "EPS025", "EPS029")),
			},
		}},
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      "data \"ekspodsec_validating_admission_policy\" \"p\" {\n  additional_rules = [\"EPS001\"]\n}\n",
			ExpectError: wrapped(`(?s)additional_rules\[0\].*value must be one of`),
		}},
	})
}
