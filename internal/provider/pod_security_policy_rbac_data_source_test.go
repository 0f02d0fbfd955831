package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccPodSecurityPolicyRBAC(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_pod_security_policy_rbac" "r" {
  policy_name = "restricted"
  labels      = { team = "platform" }
  binding {
    namespace        = "payments"
    service_accounts = ["api", "worker"]
  }
  binding {
    namespace = "web"
  }
}
output "role_rule_names" { value = data.ekspodsec_pod_security_policy_rbac.r.manifests[0].rules[0].resourceNames[0] }
output "default_subject" { value = data.ekspodsec_pod_security_policy_rbac.r.manifests[2].subjects[0].name }
output "count" { value = length(data.ekspodsec_pod_security_policy_rbac.r.manifests) }
output "role_kind" { value = data.ekspodsec_pod_security_policy_rbac.r.cluster_role.kind }
output "verbs" { value = join(",", data.ekspodsec_pod_security_policy_rbac.r.cluster_role.rules[0].verbs) }
output "payments_subjects" {
  value = join(",", [for s in data.ekspodsec_pod_security_policy_rbac.r.role_bindings["payments"].subjects : "${s.kind}/${s.namespace}/${s.name}"])
}
output "binding_label" { value = data.ekspodsec_pod_security_policy_rbac.r.role_bindings["web"].metadata.labels.team }
output "binding_namespaces" { value = join(",", keys(data.ekspodsec_pod_security_policy_rbac.r.role_bindings)) }
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.ekspodsec_pod_security_policy_rbac.r", "role_name", "psp:restricted"),
				resource.TestCheckOutput("role_rule_names", "restricted"),
				resource.TestCheckOutput("default_subject", "system:serviceaccounts:web"),
				resource.TestCheckOutput("count", "3"),
				resource.TestCheckOutput("role_kind", "ClusterRole"),
				resource.TestCheckOutput("verbs", "use"),
				resource.TestCheckOutput("payments_subjects", "ServiceAccount/payments/api,ServiceAccount/payments/worker"),
				resource.TestCheckOutput("binding_namespaces", "payments,web"),
				resource.TestCheckOutput("binding_label", "platform"),
				resource.TestCheckResourceAttrWith("data.ekspodsec_pod_security_policy_rbac.r", "yaml", func(y string) error {
					if strings.Count(y, "kind: RoleBinding") != 2 || strings.Contains(y, "ClusterRoleBinding") || !strings.Contains(y, "- use") {
						return errorf("yaml:\n%s", y)
					}
					return nil
				}),
			),
		}},
	})
}

func TestAccPodSecurityPolicyRBAC_refusals(t *testing.T) {
	for _, g := range []string{"system:authenticated", "system:unauthenticated", "system:anonymous", "system:serviceaccounts"} {
		t.Run(g, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config: `
data "ekspodsec_pod_security_policy_rbac" "r" {
  policy_name = "eks.privileged"
  binding {
    namespace = "kube-system"
    groups    = ["` + g + `"]
  }
}`,
					ExpectError: wrapped(`(?s)Invalid group.*binding\[0\].groups\[0\]: group "` + g + `".*eks:podsecuritypolicy:authenticated`),
				}},
			})
		})
	}
	for name, tc := range map[string]struct{ config, want string }{
		"no binding":      {`policy_name = "p"`, `(?s)binding.*(required|At least 1)`},
		"twice":           {"policy_name = \"p\"\n  binding { namespace = \"a\" }\n  binding { namespace = \"a\" }", `(?s)binding\[1\].namespace.*already has binding 0`},
		"bad namespace":   {"policy_name = \"p\"\n  binding { namespace = \"Not_A_Namespace\" }", `Invalid namespace name`},
		"bad policy name": {"policy_name = \"UPPER\"\n  binding { namespace = \"a\" }", `Invalid Kubernetes name`},
		"bad role name":   {"policy_name = \"p\"\n  role_name = \"a/b\"\n  binding { namespace = \"a\" }", `(?s)Invalid RBAC name.*may not contain '/'`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      "data \"ekspodsec_pod_security_policy_rbac\" \"r\" {\n  " + tc.config + "\n}\n",
					ExpectError: wrapped(tc.want),
				}},
			})
		})
	}
}
