package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccResourceQuota(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_resource_quota" "q" {
  name      = "compute"
  namespace = "payments"
  hard = {
    "requests.cpu"                                      = "8"
    "requests.memory"                                   = "16384Mi"
    "limits.cpu"                                        = "16000m"
    "limits.memory"                                     = "32Gi"
    "pods"                                              = "50"
    "count/deployments.apps"                            = "10"
    "gp3.storageclass.storage.k8s.io/requests.storage" = "500Gi"
    "requests.nvidia.com/gpu"                           = "4"
  }
  scope_selector {
    match_expression {
      scope_name = "PriorityClass"
      operator   = "In"
      values     = ["high", "default"]
    }
  }
}
output "requests_memory" { value = data.ekspodsec_resource_quota.q.manifest.spec.hard["requests.memory"] }
output "limits_cpu" { value = data.ekspodsec_resource_quota.q.manifest.spec.hard["limits.cpu"] }
output "scope" { value = data.ekspodsec_resource_quota.q.manifest.spec.scopeSelector.matchExpressions[0].scopeName }
output "json_kind" { value = jsondecode(data.ekspodsec_resource_quota.q.json).kind }
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				// canonical quantities: 16384Mi is 16Gi, 16000m is 16
				resource.TestCheckOutput("requests_memory", "16Gi"),
				resource.TestCheckOutput("limits_cpu", "16"),
				resource.TestCheckOutput("scope", "PriorityClass"),
				resource.TestCheckOutput("json_kind", "ResourceQuota"),
				resource.TestCheckResourceAttrWith("data.ekspodsec_resource_quota.q", "yaml", func(y string) error {
					for _, want := range []string{"kind: ResourceQuota", "namespace: payments", "count/deployments.apps: \"10\"", "- default\n      - high"} {
						if !strings.Contains(y, want) {
							return errorf("yaml lacks %q:\n%s", want, y)
						}
					}
					return nil
				}),
			),
		}},
	})
}

func TestAccResourceQuota_refusals(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"not a quota resource": {`hard = { "cpus" = "4" }`, `(?s)hard.*must be a ResourceQuota resource name`},
		"invalid quantity":     {`hard = { "pods" = "ten" }`, `(?s)hard\["pods"\]: "ten" is not a Kubernetes quantity`},
		"negative":             {`hard = { "requests.cpu" = "-1" }`, `"-1" is negative`},
		"empty hard":           {`hard = {}`, `(?s)hard.*at least 1`},
		"unknown scope":        {"hard = { pods = \"1\" }\n  scopes = [\"Forever\"]", `(?s)scopes\[0\].*value must be one of`},
		"In without values": {"hard = { pods = \"1\" }\n  scope_selector {\n    match_expression {\n      scope_name = \"PriorityClass\"\n      operator = \"In\"\n    }\n  }",
			`(?s)scope_selector.match_expression\[0\].values.*operator In needs values`},
		"bad operator": {"hard = { pods = \"1\" }\n  scope_selector {\n    match_expression {\n      scope_name = \"PriorityClass\"\n      operator = \"Like\"\n    }\n  }",
			`(?s)operator.*value must be one of`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      "data \"ekspodsec_resource_quota\" \"q\" {\n  name = \"q\"\n  namespace = \"a\"\n  " + tc.body + "\n}\n",
					ExpectError: wrapped(tc.want),
				}},
			})
		})
	}
}

// TestResourceQuotaWarnsWithoutRequestsAndLimits: the guide's point that a quota on
// requests and limits forces pods to declare them is a warning on `hard`.
func TestResourceQuotaWarnsWithoutRequestsAndLimits(t *testing.T) {
	resp := readWith(t, NewResourceQuotaDataSource(), map[string]tftypes.Value{
		"name": str("q"), "namespace": str("a"), "hard": strMap(map[string]string{"pods": "10", "requests.cpu": "4"}),
	})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	w := resp.Diagnostics.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Detail(), "hard has no requests.memory, limits.cpu, limits.memory") {
		t.Fatalf("warnings %v", w)
	}
	if wp, ok := w[0].(interface{ Path() path.Path }); !ok || !wp.Path().Equal(path.Root("hard")) {
		t.Errorf("the warning is not on hard: %v", w[0])
	}
	full := readWith(t, NewResourceQuotaDataSource(), map[string]tftypes.Value{
		"name": str("q"), "namespace": str("a"),
		"hard": strMap(map[string]string{"requests.cpu": "4", "requests.memory": "8Gi", "limits.cpu": "8", "limits.memory": "16Gi"}),
	})
	if len(full.Diagnostics) != 0 {
		t.Errorf("a quota on all four: %v", full.Diagnostics)
	}
}

// TestReadWithUnknownConfig: when a value is not known yet, Read renders nothing,
// refuses nothing, and leaves the outputs unknown.
func TestReadWithUnknownConfig(t *testing.T) {
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	resp := readWith(t, NewResourceQuotaDataSource(), map[string]tftypes.Value{
		"name": str("q"), "namespace": unknown, "hard": strMap(map[string]string{"pods": "ten"}),
	})
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics with an unknown namespace: %v", resp.Diagnostics)
	}
	for _, attr := range []string{"yaml", "json", "id", "manifest"} {
		v, _, err := tftypes.WalkAttributePath(resp.State.Raw, tftypes.NewAttributePath().WithAttributeName(attr))
		if err != nil || v.(tftypes.Value).IsKnown() {
			t.Errorf("%s = %v (%v), want unknown", attr, v, err)
		}
	}
	psp := readWith(t, NewPodSecurityPolicyDataSource(), map[string]tftypes.Value{
		"fargate": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue), "profile": str("privileged"),
	})
	if len(psp.Diagnostics) != 0 {
		t.Fatalf("PSP diagnostics with unknown fargate: %v", psp.Diagnostics)
	}
}
