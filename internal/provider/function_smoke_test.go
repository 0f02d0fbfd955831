package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

type logPlan struct{ t *testing.T }

func (l logPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	for k, o := range req.Plan.OutputChanges {
		a, _ := json.Marshal(o.After)
		u, _ := json.Marshal(o.AfterUnknown)
		l.t.Logf("plan %s = %s unknown %s", k, a, u)
	}
}

type logState struct{ t *testing.T }

func (l logState) CheckState(_ context.Context, req statecheck.CheckStateRequest, _ *statecheck.CheckStateResponse) {
	for k, o := range req.State.Values.Outputs {
		a, _ := json.Marshal(o.Value)
		l.t.Logf("state %s = %s", k, a)
	}
}

func TestAccFunctionSmoke(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "u" { input = 1000 }
locals {
  pod = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata   = { name = "p", namespace = "apps" }
    spec = { containers = [{ name = "a", image = "nginx", securityContext = { privileged = true, runAsUser = terraform_data.u.output } }] }
  }
}
output "v" { value = provider::ekspodsec::violations(local.pod) }
output "v2" { value = provider::ekspodsec::violations(local.pod, { fail_on = "low", fargate = true }) }
output "l" { value = provider::ekspodsec::pss_level(local.pod) }
output "f" { value = provider::ekspodsec::fargate_size(local.pod) }
output "k" { value = provider::ekspodsec::kubernetes_object("kubernetes_pod_v1", { metadata = [{ name = "p" }], spec = [{ container = [{ name = "a", image = terraform_data.u.output, security_context = [{ privileged = true }] }] }] }) }
`,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{logPlan{t}}},
			ConfigStateChecks: []statecheck.StateCheck{logState{t}},
		}},
	})
}
