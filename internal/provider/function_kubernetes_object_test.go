package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
)

// deploymentAttributes are the attributes of a kubernetes_deployment_v1 as Terraform holds
// them (what the function gets from a reference to the resource): nested blocks are lists,
// and the attributes the table does not read are there too.
const deploymentAttributes = `{
  id               = "apps/web"
  wait_for_rollout = true
  timeouts         = null
  metadata = [{ name = "web", namespace = "apps", labels = { app = "web" }, annotations = null, uid = "1234", generate_name = "" }]
  spec = [{
    replicas = "2"
    selector = [{ match_labels = { app = "web" } }]
    template = [{
      metadata = [{ labels = { app = "web" } }]
      spec = [{
        automount_service_account_token = true
        host_network                    = false
        dns_policy                      = "ClusterFirst"
        security_context                = [{ run_as_non_root = true, run_as_user = "10001", supplemental_groups = ["2000"] }]
        container = [{
          name  = "web"
          image = "nginx:1.27"
          port  = [{ container_port = 8080, protocol = "TCP" }]
          security_context = [{
            allow_privilege_escalation = true
            privileged                 = false
            capabilities               = [{ add = ["NET_BIND_SERVICE"], drop = ["ALL"] }]
          }]
          resources    = [{ requests = { cpu = "100m" }, limits = { memory = "128Mi" } }]
          volume_mount = [{ name = "logs", mount_path = "/logs", read_only = true }]
        }]
        volume = [{ name = "logs", host_path = [{ path = "/var/log", type = "" }] }]
      }]
    }]
  }]
}`

// TestAccFunctionKubernetesObject: a typed resource's attributes become the object it
// sends, through plan-check's table, for every typed resource type; unknown values stay
// unknown where they are.
func TestAccFunctionKubernetesObject(t *testing.T) {
	str := knownvalue.StringExact
	obj := knownvalue.ObjectExact
	type checks = map[string]knownvalue.Check
	var cfg strings.Builder
	cfg.WriteString(functionLocals)
	fmt.Fprintf(&cfg, "locals {\n  web = %s\n}\n", deploymentAttributes)
	cfg.WriteString(`
output "deployment" {
  value = provider::ekspodsec::kubernetes_object("kubernetes_deployment_v1", local.web)
}
output "legacy_name" {
  value = provider::ekspodsec::kubernetes_object("kubernetes_deployment", local.web).kind
}
output "findings" {
  value = [for v in provider::ekspodsec::violations(provider::ekspodsec::kubernetes_object("kubernetes_deployment_v1", local.web)) : v.rule_id]
}
`)
	// every resource type the table reads, from a metadata block alone
	types := plan.NewReader().TypedResourceTypes()
	for _, ty := range types {
		fmt.Fprintf(&cfg, "output %q {\n  value = provider::ekspodsec::kubernetes_object(%q, { metadata = [{ name = \"x\" }] })\n}\n", "type_"+ty, ty)
	}
	stateChecks := []statecheck.StateCheck{
		statecheck.ExpectKnownOutputValue("deployment", obj(checks{
			"apiVersion": str("apps/v1"),
			"kind":       str("Deployment"),
			"metadata":   obj(checks{"name": str("web"), "namespace": str("apps"), "labels": obj(checks{"app": str("web")})}),
			"spec": obj(checks{"template": obj(checks{
				"metadata": obj(checks{"labels": obj(checks{"app": str("web")})}),
				"spec": obj(checks{
					"automountServiceAccountToken": knownvalue.Bool(true),
					"hostNetwork":                  knownvalue.Bool(false),
					"securityContext": obj(checks{"runAsNonRoot": knownvalue.Bool(true), "runAsUser": knownvalue.Int64Exact(10001),
						"supplementalGroups": knownvalue.TupleExact([]knownvalue.Check{knownvalue.Int64Exact(2000)})}),
					"containers": knownvalue.TupleExact([]knownvalue.Check{obj(checks{
						"name":  str("web"),
						"image": str("nginx:1.27"),
						"ports": knownvalue.TupleExact([]knownvalue.Check{obj(checks{"containerPort": knownvalue.Int64Exact(8080), "protocol": str("TCP")})}),
						"securityContext": obj(checks{
							"allowPrivilegeEscalation": knownvalue.Bool(true),
							"privileged":               knownvalue.Bool(false),
							// the provider sends false for a security_context block without it
							"runAsNonRoot": knownvalue.Bool(false),
							"capabilities": obj(checks{
								"add":  knownvalue.TupleExact([]knownvalue.Check{str("NET_BIND_SERVICE")}),
								"drop": knownvalue.TupleExact([]knownvalue.Check{str("ALL")}),
							}),
						}),
						"resources":    obj(checks{"requests": obj(checks{"cpu": str("100m")}), "limits": obj(checks{"memory": str("128Mi")})}),
						"volumeMounts": knownvalue.TupleExact([]knownvalue.Check{obj(checks{"name": str("logs"), "mountPath": str("/logs"), "readOnly": knownvalue.Bool(true)})}),
					})}),
					"volumes": knownvalue.TupleExact([]knownvalue.Check{obj(checks{"name": str("logs"), "hostPath": obj(checks{"path": str("/var/log")})})}),
				}),
			})}),
		})),
		statecheck.ExpectKnownOutputValue("legacy_name", str("Deployment")),
		// allow_privilege_escalation = true counts as written (EPS002), the token as
		// requested on purpose (EPS020, info), the cpu limit is missing (EPS015; the
		// memory limit stands in for the memory request), the root filesystem is writable
		// and service links are on (EPS023, EPS024: not written), and the container's
		// runAsNonRoot false (sent by the provider) fails restricted (EPS032)
		statecheck.ExpectKnownOutputValue("findings", strings_("EPS002", "EPS005", "EPS007", "EPS015", "EPS016", "EPS020", "EPS023", "EPS024", "EPS032")),
	}
	for _, ty := range types {
		stateChecks = append(stateChecks, statecheck.ExpectKnownOutputValueAtPath("type_"+ty, tfjsonpath.New("metadata").AtMapKey("name"), str("x")))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps:                    []resource.TestStep{{Config: cfg.String(), ConfigStateChecks: stateChecks}},
	})

	unknownImage := strings.Replace(deploymentAttributes, `image = "nginx:1.27"`, `image = terraform_data.unknown.output`, 1)
	unknownUser := strings.Replace(deploymentAttributes, `run_as_user = "10001"`, `run_as_user = terraform_data.unknown.output`, 1)
	unknownAdd := strings.Replace(deploymentAttributes, `add = ["NET_BIND_SERVICE"]`, `add = [terraform_data.unknown.output, "CHOWN"]`, 1)
	unknownContainer := strings.Replace(deploymentAttributes, `container = [{`, `container = [terraform_data.unknown.output, {`, 1)
	// the provider computes resources: unknown when not written, so not written
	computedResources := strings.Replace(deploymentAttributes, `resources    = [{ requests = { cpu = "100m" }, limits = { memory = "128Mi" } }]`, `resources = terraform_data.unknown.output`, 1)
	ko := func(name, attrs string) string {
		return fmt.Sprintf("output %q {\n  value = provider::ekspodsec::kubernetes_object(\"kubernetes_deployment_v1\", %s)\n}\n", name, attrs)
	}
	containers := tfjsonpath.New("spec").AtMapKey("template").AtMapKey("spec").AtMapKey("containers")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: functionLocals + ko("whole", "terraform_data.unknown.output") + ko("image", unknownImage) + ko("user", unknownUser) +
				ko("add", unknownAdd) + ko("container", unknownContainer) + ko("resources", computedResources) + `
output "resources_findings" {
  value = [for v in provider::ekspodsec::violations(provider::ekspodsec::kubernetes_object("kubernetes_deployment_v1", ` + computedResources + `)) : "${v.rule_id} ${v.status}" if startswith(v.rule_id, "EPS01")]
}
output "user_findings" {
  value = [for v in provider::ekspodsec::violations(provider::ekspodsec::kubernetes_object("kubernetes_deployment_v1", ` + unknownUser + `)) : "${v.rule_id} ${v.status}" if v.status == "unknown"]
}
`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectUnknownOutputValue("whole"),
				plancheck.ExpectUnknownOutputValueAtPath("image", containers.AtSliceIndex(0).AtMapKey("image")),
				plancheck.ExpectKnownOutputValueAtPath("image", containers.AtSliceIndex(0).AtMapKey("name"), str("web")),
				plancheck.ExpectUnknownOutputValueAtPath("user", tfjsonpath.New("spec").AtMapKey("template").AtMapKey("spec").AtMapKey("securityContext").AtMapKey("runAsUser")),
				// an unknown element keeps its place in the list
				plancheck.ExpectUnknownOutputValueAtPath("add", containers.AtSliceIndex(0).AtMapKey("securityContext").AtMapKey("capabilities").AtMapKey("add").AtSliceIndex(0)),
				plancheck.ExpectKnownOutputValueAtPath("add", containers.AtSliceIndex(0).AtMapKey("securityContext").AtMapKey("capabilities").AtMapKey("add").AtSliceIndex(1), str("CHOWN")),
				plancheck.ExpectUnknownOutputValueAtPath("container", containers.AtSliceIndex(0)),
				plancheck.ExpectKnownOutputValueAtPath("container", containers.AtSliceIndex(1).AtMapKey("name"), str("web")),
				plancheck.ExpectKnownOutputValueAtPath("resources", containers.AtSliceIndex(0).AtMapKey("name"), str("web")),
				// the user is unknown and the container's runAsNonRoot false (sent): it may be root
				plancheck.ExpectKnownOutputValue("user_findings", strings_("EPS003 unknown", "EPS004 unknown")),
				// a wholly unknown computed block was not written: requests and limits are missing
				plancheck.ExpectKnownOutputValue("resources_findings", strings_("EPS014 fail", "EPS015 fail", "EPS016 fail")),
			}},
		}},
	})
}

// TestAccFunctionKubernetesObjectErrors: every bad argument is an error naming it.
func TestAccFunctionKubernetesObjectErrors(t *testing.T) {
	k := func(args string) string { return "provider::ekspodsec::kubernetes_object(" + args + ")" }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			errorStep(k(`"kubernetes_service_v1", {}`), `Invalid value for "resource_type" parameter: "kubernetes_service_v1" is not a typed resource type of the kubernetes provider that kubernetes_object converts: it converts kubernetes_cluster_role, .*kubernetes_stateful_set_v1`),
			errorStep(k(`"kubernetes_labels", {}`), `Invalid value for "resource_type" parameter: "kubernetes_labels" is not a typed resource type`),
			errorStep(k(`"kubernetes_pod_v1", "pod"`), `Invalid value for "attributes" parameter: attributes must be the attributes of a kubernetes_pod_v1 \(an object\), not a string`),
			errorStep(k(`"kubernetes_pod_v1", null`), `Invalid value for "attributes" parameter: argument must not be null`),
			errorStep(k(`"kubernetes_pod_v1", { spec = "x" }`), `Invalid value for "attributes" parameter: as a kubernetes_pod_v1: spec\[0\]: expected a block \(a list of one object\), not a string`),
			errorStep(k(`"kubernetes_pod_v1", { spec = [{}, {}] }`), `Invalid value for "attributes" parameter: as a kubernetes_pod_v1: spec\[0\]: expected at most one block, not 2`),
			errorStep(k(`"kubernetes_pod_v1", { spec = [{ container = [{ security_context = [{ run_as_user = "root" }] }] }] }`),
				`Invalid value for "attributes" parameter: as a kubernetes_pod_v1: spec\[0\].container\[0\].security_context\[0\].run_as_user: the value is not an integer`),
			errorStep(k(`"kubernetes_pod_v1", { spec = [{ container = [{ security_context = [{ capabilities = [{ add = "ALL" }] }] }] }] }`),
				`Invalid value for "attributes" parameter: as a kubernetes_pod_v1: .*capabilities\[0\].add: expected a list, not a string`),
		},
	})
}
