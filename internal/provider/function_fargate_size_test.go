package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccFunctionFargateSize: the configuration Fargate bills, as plan-check's sizing
// computes it.
func TestAccFunctionFargateSize(t *testing.T) {
	pod := func(spec string) string {
		return `{ apiVersion = "v1", kind = "Pod", metadata = { name = "p", namespace = "apps" }, spec = ` + spec + ` }`
	}
	size := func(name, obj string) string {
		return "output \"" + name + "\" {\n  value = provider::ekspodsec::fargate_size(" + obj + ")\n}\n"
	}
	bill := func(vcpu, memory float64, summary string, cpu, mib int64) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"vcpu": knownvalue.Float64Exact(vcpu), "memory_gb": knownvalue.Float64Exact(memory), "summary": knownvalue.StringExact(summary),
			"request_millicpu": knownvalue.Int64Exact(cpu), "request_memory_mib": knownvalue.Int64Exact(mib), "note": knownvalue.Null(),
		})
	}
	out := statecheck.ExpectKnownOutputValue
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: functionLocals +
				// 768 MiB + 256 MB is 1 GB
				size("requests", pod(`{ containers = [{ name = "a", resources = { requests = { cpu = "500m", memory = "768Mi" } } }] }`)) +
				// the largest init container (2 vCPU, 4 GiB) beats the containers' sum
				size("init", pod(`{ initContainers = [{ name = "i", resources = { requests = { cpu = "2", memory = "4Gi" } } }], containers = [{ name = "a", resources = { requests = { cpu = "250m", memory = "512Mi" } } }] }`)) +
				// a sidecar (restartPolicy Always) runs alongside: 0.5 + 0.75 vCPU
				size("sidecar", pod(`{ initContainers = [{ name = "s", restartPolicy = "Always", resources = { requests = { cpu = "500m", memory = "1Gi" } } }], containers = [{ name = "a", resources = { requests = { cpu = "750m", memory = "1Gi" } } }] }`)) +
				// a limit stands in for a missing request
				size("limits", pod(`{ containers = [{ name = "a", resources = { limits = { cpu = "1", memory = "2Gi" } } }] }`)) +
				size("nothing", pod(`{ containers = [{ name = "a" }] }`)) +
				size("too_big", pod(`{ containers = [{ name = "a", resources = { requests = { cpu = "32", memory = "64Gi" } } }] }`)) +
				size("daemon_set", `{ apiVersion = "apps/v1", kind = "DaemonSet", metadata = { name = "d" }, spec = { template = { spec = { containers = [{ name = "a" }] } } } }`) +
				size("typed", `provider::ekspodsec::kubernetes_object("kubernetes_job_v1", { metadata = [{ name = "j" }], spec = [{ template = [{ spec = [{ container = [{ name = "a", resources = [{ requests = { cpu = "4", memory = "8Gi" } }] }] }] }] }] })`),
			ConfigStateChecks: []statecheck.StateCheck{
				out("requests", bill(0.5, 1, "0.5 vCPU / 1 GB", 500, 768)),
				out("init", bill(2, 5, "2 vCPU / 5 GB", 2000, 4096)),
				out("sidecar", bill(2, 4, "2 vCPU / 4 GB", 1250, 2048)),
				out("limits", bill(1, 3, "1 vCPU / 3 GB", 1000, 2048)),
				out("nothing", bill(0.25, 0.5, "0.25 vCPU / 0.5 GB", 0, 0)),
				out("too_big", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"vcpu": knownvalue.Null(), "memory_gb": knownvalue.Null(), "summary": knownvalue.Null(),
					"request_millicpu": knownvalue.Int64Exact(32000), "request_memory_mib": knownvalue.Int64Exact(65536),
					"note": knownvalue.StringExact("the pod requests more than Fargate's largest configuration (16 vCPU, 120 GB): Fargate will not run it"),
				})),
				out("daemon_set", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"vcpu": knownvalue.Null(), "memory_gb": knownvalue.Null(), "summary": knownvalue.Null(),
					"request_millicpu": knownvalue.Null(), "request_memory_mib": knownvalue.Null(),
					"note": knownvalue.StringExact("DaemonSets never run on Fargate (EPS019)"),
				})),
				// 4 vCPU and 8 GiB + 256 MB: the next memory of 4 vCPU is 9 GB
				out("typed", bill(4, 9, "4 vCPU / 9 GB", 4000, 8192)),
			},
		}},
	})
	unknownRequests := pod(`{ containers = [{ name = "a", resources = { requests = { cpu = terraform_data.unknown.output, memory = "1Gi" } } }] }`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config:             functionLocals + size("whole", "terraform_data.unknown.output") + size("requests", unknownRequests),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					plancheck.ExpectUnknownOutputValue("whole"),
					plancheck.ExpectUnknownOutputValueAtPath("requests", tfjsonpath.New("vcpu")),
					plancheck.ExpectUnknownOutputValueAtPath("requests", tfjsonpath.New("request_millicpu")),
					plancheck.ExpectUnknownOutputValueAtPath("requests", tfjsonpath.New("summary")),
					plancheck.ExpectKnownOutputValueAtPath("requests", tfjsonpath.New("note"), knownvalue.StringExact("requests not known until apply")),
				}},
			},
			errorStep(`provider::ekspodsec::fargate_size(local.privileged_psp)`, `Invalid value for "object" parameter: object is a PodSecurityPolicy, not a workload: fargate_size takes a Pod`),
			errorStep(`provider::ekspodsec::fargate_size([local.hardened])`, `Invalid value for "object" parameter: .*not a list`),
			errorStep(`provider::ekspodsec::fargate_size(merge(local.hardened, { spec = { containers = [{ name = "a", resources = { requests = { memory = "a lot" } } }] } }))`, `Invalid value for "object" parameter: reading the Pod: .*not a valid Kubernetes quantity`),
		},
	})
}
