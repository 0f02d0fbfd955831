package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccLimitRange(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_limit_range" "l" {
  name      = "defaults"
  namespace = "payments"
  container {
    default                 = { cpu = "0.5", memory = "512Mi" }
    default_request         = { cpu = "100m", memory = "128Mi" }
    min                     = { cpu = "50m" }
    max                     = { cpu = "2", memory = "2Gi" }
    max_limit_request_ratio = { cpu = "4" }
  }
  pod {
    max = { cpu = "4", memory = "4Gi" }
  }
  persistent_volume_claim {
    min = { storage = "1Gi" }
    max = { storage = "100Gi" }
  }
  labels = { team = "payments" }
}
output "types" { value = join(",", [for l in data.ekspodsec_limit_range.l.manifest.spec.limits : l.type]) }
output "default_cpu" { value = data.ekspodsec_limit_range.l.manifest.spec.limits[0].default.cpu }
output "pvc_max" { value = data.ekspodsec_limit_range.l.manifest.spec.limits[2].max.storage }
output "namespace" { value = data.ekspodsec_limit_range.l.manifest.metadata.namespace }
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckOutput("types", "Container,Pod,PersistentVolumeClaim"),
				// quantities are canonical: 0.5 is rendered 500m
				resource.TestCheckOutput("default_cpu", "500m"),
				resource.TestCheckOutput("pvc_max", "100Gi"),
				resource.TestCheckOutput("namespace", "payments"),
				resource.TestCheckResourceAttr("data.ekspodsec_limit_range.l", "yaml", `apiVersion: v1
kind: LimitRange
metadata:
  labels:
    team: payments
  name: defaults
  namespace: payments
spec:
  limits:
  - default:
      cpu: 500m
      memory: 512Mi
    defaultRequest:
      cpu: 100m
      memory: 128Mi
    max:
      cpu: "2"
      memory: 2Gi
    maxLimitRequestRatio:
      cpu: "4"
    min:
      cpu: 50m
    type: Container
  - max:
      cpu: "4"
      memory: 4Gi
    type: Pod
  - max:
      storage: 100Gi
    min:
      storage: 1Gi
    type: PersistentVolumeClaim
`),
			),
		}},
	})
}

func TestAccLimitRange_refusals(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"invalid quantity": {`container {
    default = { cpu = "lots" }
  }`, `(?s)container.default\["cpu"\].*"lots" is not a Kubernetes quantity`},
		"request above limit": {`container {
    default         = { memory = "256Mi" }
    default_request = { memory = "1Gi" }
  }`, `(?s)container.default_request\["memory"\].*default_request memory 1Gi is greater than default memory 256Mi`},
		"default above max": {`container {
    default = { cpu = "4" }
    max     = { cpu = "2" }
  }`, `default cpu 4 is greater than max cpu 2`},
		"min above default request": {`container {
    min             = { cpu = "500m" }
    default_request = { cpu = "100m" }
  }`, `min cpu 500m is greater than default_request cpu 100m`},
		"ratio below 1": {`container {
    max_limit_request_ratio = { cpu = "0.5" }
  }`, `500m is below 1`},
		"unknown resource": {`container {
    max = { gpus = "1" }
  }`, `(?s)container.max.*must be a compute resource name`},
		"pvc resource other than storage": {`persistent_volume_claim {
    max = { memory = "1Gi" }
  }`, `must be a storage resource name`},
		"no block":        {``, `(?s)At least one of these attributes must be configured.*container,pod,persistent_volume_claim`},
		"empty container": {"container {}", `the container block sets nothing`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      "data \"ekspodsec_limit_range\" \"l\" {\n  name = \"l\"\n  namespace = \"a\"\n  " + tc.body + "\n}\n",
					ExpectError: wrapped(tc.want),
				}},
			})
		})
	}
}

// TestAccLimitRange_unknownAtPlan: a namespace known only after apply does not fail the
// plan; the outputs are unknown until then, and rendered once known.
func TestAccLimitRange_unknownAtPlan(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "ns" {
  input = "team-a"
}
data "ekspodsec_limit_range" "l" {
  name      = "defaults"
  namespace = terraform_data.ns.output
  container {
    default = { cpu = "500m" }
  }
}
output "namespace" { value = data.ekspodsec_limit_range.l.manifest.metadata.namespace }
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue("data.ekspodsec_limit_range.l", tfjsonpath.New("yaml")),
				plancheck.ExpectUnknownOutputValue("namespace"),
			}},
			Check: resource.TestCheckOutput("namespace", "team-a"),
		}},
	})
}
