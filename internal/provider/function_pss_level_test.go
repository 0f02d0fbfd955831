package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// TestAccFunctionPSSLevel: the level of restricted, baseline and privileged workloads, at
// the latest version and at an older one; unknown when a security field is.
func TestAccFunctionPSSLevel(t *testing.T) {
	level := func(name, args string) string {
		return "output \"" + name + "\" {\n  value = provider::ekspodsec::pss_level(" + args + ")\n}\n"
	}
	// Drops no capability: restricted before v1.22 (which added the capabilities check), baseline since.
	keepsCapabilities := `merge(local.hardened, { spec = merge(local.hardened_spec, { containers = [merge(local.hardened_container, { securityContext = { allowPrivilegeEscalation = false } })] }) })`
	hostNetwork := `merge(local.hardened, { spec = merge(local.hardened_spec, { hostNetwork = true }) })`
	deployment := `{ apiVersion = "apps/v1", kind = "Deployment", metadata = { name = "d" }, spec = { template = { spec = local.hardened_spec } } }`
	cronJob := `{ apiVersion = "batch/v1", kind = "CronJob", metadata = { name = "c" }, spec = { jobTemplate = { spec = { template = { spec = merge(local.hardened_spec, { hostPID = true }) } } } } }`
	custom := `{ apiVersion = "argoproj.io/v1alpha1", kind = "Rollout", metadata = { name = "r" }, spec = { template = { spec = local.hardened_spec } } }`
	out := statecheck.ExpectKnownOutputValue
	str := knownvalue.StringExact
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: functionLocals +
					level("restricted", "local.hardened") +
					level("restricted_latest", `local.hardened, "latest"`) +
					level("baseline", keepsCapabilities) +
					level("restricted_1_21", keepsCapabilities+`, "v1.21"`) +
					level("restricted_1_21_short", keepsCapabilities+`, "1.21"`) +
					level("privileged", "local.privileged") +
					level("host_network", hostNetwork) +
					level("deployment", deployment) +
					level("cron_job", cronJob) +
					level("custom", custom) +
					level("typed", `provider::ekspodsec::kubernetes_object("kubernetes_pod_v1", { metadata = [{ name = "p" }], spec = [{ container = [{ name = "a", security_context = [{ privileged = true }] }] }] })`),
				ConfigStateChecks: []statecheck.StateCheck{
					out("restricted", str("restricted")),
					out("restricted_latest", str("restricted")),
					out("baseline", str("baseline")),
					out("restricted_1_21", str("restricted")),
					out("restricted_1_21_short", str("restricted")),
					out("privileged", str("privileged")),
					out("host_network", str("privileged")),
					out("deployment", str("restricted")),
					out("cron_job", str("privileged")),
					out("custom", str("restricted")),
					out("typed", str("privileged")),
				},
			},
		},
	})
	// A new state: terraform_data.unknown is created, its output unknown.
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: functionLocals +
					level("whole", "terraform_data.unknown.output") +
					level("version", `local.hardened, terraform_data.unknown.output`) +
					level("escalation", `merge(local.hardened, { spec = merge(local.hardened_spec, { containers = [merge(local.hardened_container, { securityContext = { allowPrivilegeEscalation = terraform_data.unknown.output, capabilities = { drop = ["ALL"] } } })] }) })`) +
					level("image", `merge(local.hardened, { spec = merge(local.hardened_spec, { containers = [merge(local.hardened_container, { image = terraform_data.unknown.output })] }) })`) +
					level("already_privileged", `merge(local.privileged, { spec = merge(local.privileged.spec, { hostIPC = terraform_data.unknown.output }) })`) +
					level("kind", `merge(local.hardened, { kind = terraform_data.unknown.output })`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					plancheck.ExpectUnknownOutputValue("whole"),
					plancheck.ExpectUnknownOutputValue("version"),
					plancheck.ExpectUnknownOutputValue("escalation"),
					plancheck.ExpectUnknownOutputValue("kind"),
					// an image does not change the level; an unknown field cannot save a privileged pod
					plancheck.ExpectKnownOutputValue("image", str("restricted")),
					plancheck.ExpectKnownOutputValue("already_privileged", str("privileged")),
				}},
			},
			errorStep(`provider::ekspodsec::pss_level([local.hardened])`, `Invalid value for "object" parameter: .*not a list`),
			errorStep(`provider::ekspodsec::pss_level({ apiVersion = "v1", kind = "List", items = [local.hardened, local.hardened] })`, `Invalid value for "object" parameter: object is a List: pss_level takes one workload`),
			errorStep(`provider::ekspodsec::pss_level(local.limit_range)`, `Invalid value for "object" parameter: object is a LimitRange, not a workload: pss_level takes a Pod or an object with a pod template`),
			errorStep(`provider::ekspodsec::pss_level({ apiVersion = "v1", kind = "Secret", metadata = { name = "s" } })`, `Invalid value for "object" parameter: object is a Secret, not a workload: pss_level takes a Pod or an object with a pod template`),
			errorStep(`provider::ekspodsec::pss_level({ apiVersion = "v1", kind = "Service", metadata = { name = "s" } })`, `Invalid value for "object" parameter: object is of a kind ekspodsec does not judge`),
			errorStep(`provider::ekspodsec::pss_level(local.hardened, "v2.1")`, `Invalid value for "version" parameter: version must be "latest" or a Kubernetes 1.x version such as "v1.31"`),
			errorStep(`provider::ekspodsec::pss_level(local.hardened, "newest")`, `Invalid value for "version" parameter: version must be "latest"`),
			errorStep(`provider::ekspodsec::pss_level(local.hardened, "latest", "v1.30")`, `Invalid value for "version" parameter: pss_level takes at most one version, not 2`),
		},
	})
}
