package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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

// TestAccLimitRange_fargate: with fargate, the size Fargate bills a pod that takes the
// defaults; without it (and without an eks block), fargate is false and there is no size.
func TestAccLimitRange_fargate(t *testing.T) {
	size := func(vcpu, gb float64, summary string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"vcpu": knownvalue.Float64Exact(vcpu), "memory_gb": knownvalue.Float64Exact(gb), "summary": knownvalue.StringExact(summary),
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_limit_range" "small" {
  name      = "defaults"
  namespace = "web"
  fargate   = true
  container {
    default         = { cpu = "500m", memory = "512Mi" }
    default_request = { cpu = "250m", memory = "256Mi" } # 256Mi + Fargate's 256 MB = 0.5 GB exactly
  }
}
data "ekspodsec_limit_range" "large" {
  name      = "defaults"
  namespace = "batch"
  fargate   = true
  container {
    default = { cpu = "1", memory = "3Gi" } # no default_request: the default is the request
  }
}
data "ekspodsec_limit_range" "not_fargate" {
  name      = "defaults"
  namespace = "web"
  container {
    default_request = { cpu = "250m", memory = "256Mi" }
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.small", tfjsonpath.New("fargate_pod_size"), size(0.25, 0.5, "0.25 vCPU / 0.5 GB")),
				// 3 GiB + 256 MB needs 4 GB: 1 vCPU / 4 GB
				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.large", tfjsonpath.New("fargate_pod_size"), size(1, 4, "1 vCPU / 4 GB")),
				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.not_fargate", tfjsonpath.New("fargate"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.not_fargate", tfjsonpath.New("fargate_pod_size"), knownvalue.Null()),
			},
		}, {
			Config: `
data "ekspodsec_limit_range" "l" {
  name      = "defaults"
  namespace = "web"
  fargate   = true
  container {
    default_request = { cpu = "17", memory = "1Gi" }
  }
}
`,
			ExpectError: wrapped(`(?s)Too big for Fargate.*default_request = \{ cpu = "17".*requests 17 vCPU and 1024 MiB.*more than Fargate's largest configuration, 16 vCPU / 120 GB`),
		}},
	})
}

// TestLimitRangeFargateWaste: the waste warning's threshold (see fargate.go), on the
// attribute the requests come from.
// TestLimitRangeFargateWaste: the renderer's Fargate size and warnings, on this data
// source's attributes.
func TestLimitRangeFargateWaste(t *testing.T) {
	container := func(m map[string]map[string]string) tftypes.Value {
		typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
		vals := map[string]tftypes.Value{}
		for _, k := range []string{"default", "default_request", "min", "max", "max_limit_request_ratio"} {
			typ.AttributeTypes[k] = tftypes.Map{ElementType: tftypes.String}
			if v, ok := m[k]; ok {
				vals[k] = strMap(v)
			} else {
				vals[k] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil)
			}
		}
		return tftypes.NewValue(typ, vals)
	}
	req := func(cpu, mem string) map[string]map[string]string {
		r := map[string]string{}
		if cpu != "" {
			r["cpu"] = cpu
		}
		if mem != "" {
			r["memory"] = mem
		}
		return map[string]map[string]string{"default_request": r}
	}
	for name, tc := range map[string]struct {
		limits       map[string]map[string]string
		size         string
		path, detail string // the warning, or none
	}{
		// the sizes and the thresholds are render's (render/fargate_test.go): here, that they
		// reach fargate_pod_size and the attributes
		"small defaults sit at the floor": {req("100m", "128Mi"), "0.25 vCPU / 0.5 GB", "", ""},
		"defaults as requests": {map[string]map[string]string{"default": {"cpu": "2", "memory": "256Mi"}}, "2 vCPU / 4 GB", "container.default",
			"it needs 512 MiB"},
		"no memory default": {req("250m", ""), "0.25 vCPU / 0.5 GB", "fargate", "no default memory request"},
	} {
		t.Run(name, func(t *testing.T) {
			resp := readWith(t, NewLimitRangeDataSource(), map[string]tftypes.Value{
				"name": str("defaults"), "namespace": str("web"), "fargate": tftypes.NewValue(tftypes.Bool, true), "container": container(tc.limits),
			})
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			var summary string
			resp.State.GetAttribute(t.Context(), pathRoot("fargate_pod_size").AtName("summary"), &summary)
			if summary != tc.size {
				t.Errorf("size %q, want %q", summary, tc.size)
			}
			w := resp.Diagnostics.Warnings()
			if tc.detail == "" {
				if len(w) != 0 {
					t.Errorf("unexpected warnings %v", w)
				}
				return
			}
			if len(w) != 1 {
				t.Fatalf("warnings %v", w)
			}
			pw, ok := w[0].(interface{ Path() path.Path })
			if !ok || pw.Path().String() != tc.path || !strings.Contains(w[0].Detail(), tc.detail) {
				t.Errorf("warning at %v: %s\nwant at %s: %s", pw, w[0].Detail(), tc.path, tc.detail)
			}
		})
	}
}
