package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// functionLocals are objects the function tests judge.
const functionLocals = `
resource "terraform_data" "unknown" {
  input = "x"
}

locals {
  hardened_container = {
    name            = "app"
    image           = "registry.example.com/app:1.0"
    securityContext = { allowPrivilegeEscalation = false, readOnlyRootFilesystem = true, capabilities = { drop = ["ALL"] } }
    resources       = { requests = { cpu = "100m", memory = "64Mi" }, limits = { cpu = "100m", memory = "64Mi" } }
  }
  hardened_spec = {
    automountServiceAccountToken = false
    enableServiceLinks           = false
    securityContext              = { runAsNonRoot = true, runAsUser = 10001, seccompProfile = { type = "RuntimeDefault" } }
    containers                   = [local.hardened_container]
  }
  hardened = { apiVersion = "v1", kind = "Pod", metadata = { name = "hardened", namespace = "apps" }, spec = local.hardened_spec }
  privileged = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata   = { name = "agent", namespace = "apps" }
    spec       = merge(local.hardened_spec, { containers = [merge(local.hardened_container, { securityContext = { privileged = true, readOnlyRootFilesystem = true } })] })
  }
  log_reader = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata   = { name = "logs", namespace = "apps" }
    spec = merge(local.hardened_spec, {
      containers = [merge(local.hardened_container, { volumeMounts = [{ name = "logs", mountPath = "/logs", readOnly = true }] })]
      volumes    = [{ name = "logs", hostPath = { path = "/var/log/pods" } }]
    })
  }
  net_admin = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata   = { name = "net", namespace = "apps", labels = { compute = "fargate" } }
    spec = merge(local.hardened_spec, {
      containers = [merge(local.hardened_container, { securityContext = { allowPrivilegeEscalation = false, readOnlyRootFilesystem = true, capabilities = { add = ["NET_ADMIN"], drop = ["ALL"] } } })]
    })
  }
  no_resources = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = { name = "web", namespace = "apps" }
    spec = { template = { spec = merge(local.hardened_spec, {
      containers = [{ name = "web", image = "nginx:1.27", securityContext = { allowPrivilegeEscalation = false, readOnlyRootFilesystem = true, capabilities = { drop = ["ALL"] } } }]
    }) } }
  }
  limit_range = {
    apiVersion = "v1"
    kind       = "LimitRange"
    metadata   = { name = "defaults", namespace = "apps" }
    spec       = { limits = [{ type = "Container", default = { cpu = "500m", memory = "256Mi" }, defaultRequest = { cpu = "100m", memory = "64Mi" } }] }
  }
  privileged_psp = {
    apiVersion = "policy/v1beta1"
    kind       = "PodSecurityPolicy"
    metadata   = { name = "everything" }
    spec = {
      privileged = true
      seLinux = { rule = "RunAsAny" }, runAsUser = { rule = "RunAsAny" }, supplementalGroups = { rule = "RunAsAny" }, fsGroup = { rule = "RunAsAny" }
      volumes = ["*"]
    }
  }
}
`

// ruleIDs is an output of the rule IDs violations finds in expr (with the options args).
func ruleIDs(name, args string) string {
	return fmt.Sprintf("output %q {\n  value = [for v in provider::ekspodsec::violations(%s) : v.rule_id]\n}\n", name, args)
}

func strings_(ss ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(ss))
	for _, s := range ss {
		checks = append(checks, knownvalue.StringExact(s))
	}
	return knownvalue.ListExact(checks)
}

// TestAccFunctionViolations: what violations finds, with each option, and a precondition
// that stops the plan naming the rule.
func TestAccFunctionViolations(t *testing.T) {
	out := statecheck.ExpectKnownOutputValue
	cfg := functionLocals +
		ruleIDs("hardened", "local.hardened") +
		ruleIDs("privileged", "local.privileged") +
		ruleIDs("log_reader", "local.log_reader") +
		ruleIDs("log_reader_allowed", `local.log_reader, { allowed_host_paths = ["/var/log"] }`) +
		ruleIDs("net_admin", "local.net_admin") +
		ruleIDs("net_admin_allowed", `local.net_admin, { allowed_capabilities = ["cap_net_admin"] }`) +
		ruleIDs("net_admin_fargate", `local.net_admin, { fargate = [{ fargate_profile_name = "apps", selector = [{ namespace = "ap?s", labels = { compute = "farg*" } }] }] }`) +
		ruleIDs("net_admin_other_profile", `local.net_admin, { fargate = [{ selector = [{ namespace = "apps", labels = { compute = "ec2" } }] }] }`) +
		ruleIDs("no_resources", "local.no_resources") +
		ruleIDs("with_limit_range", "[local.no_resources, local.limit_range]") +
		ruleIDs("psp_1_24", `local.privileged_psp, { kubernetes_version = "1.24" }`) +
		ruleIDs("psp_1_30", `local.privileged_psp, { kubernetes_version = "v1.30.2" }`) +
		ruleIDs("no_options", "local.privileged, null") +
		`
output "privileged_finding" {
  value = provider::ekspodsec::violations(local.privileged)[0]
}
output "failing_critical" {
  value = [for v in provider::ekspodsec::violations(local.no_resources, { fail_on = "critical" }) : v.rule_id if v.failing]
}
output "failing_medium" {
  value = [for v in provider::ekspodsec::violations(local.no_resources, { fail_on = "MEDIUM" }) : v.rule_id if v.failing]
}
output "waived" {
  value = [for v in provider::ekspodsec::violations(merge(local.privileged, { metadata = merge(local.privileged.metadata, {
    annotations = { "ekspodsec.io/waive" = "EPS001=the node agent needs the host" } }) })) : "${v.rule_id} ${v.status} ${v.failing}"]
}
output "list" {
  value = [for v in provider::ekspodsec::violations({ apiVersion = "v1", kind = "List", items = [local.hardened, { apiVersion = "v1", kind = "ConfigMap", metadata = { name = "c" } }, local.privileged] }) : "${v.index} ${v.rule_id} ${v.name} ${v.path}"]
}
output "indexes" {
  value = [for v in provider::ekspodsec::violations([local.privileged, local.hardened, local.privileged]) : "${v.index} ${v.rule_id}"]
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					out("hardened", knownvalue.ListExact(nil)),
					// EPS002, EPS013 and EPS016 are implied by EPS001 on a privileged container
					out("privileged", strings_("EPS001")),
					// with an allow-list, EPS007 decides alone
					out("log_reader", strings_("EPS005", "EPS007")),
					out("log_reader_allowed", strings_("EPS032", "EPS032")), // allowed for EPS005, still refused by PSA baseline and restricted
					out("net_admin", strings_("EPS012")),
					out("net_admin_allowed", strings_("EPS032")), // allowed for EPS012, still refused by PSA baseline
					out("net_admin_fargate", strings_("EPS012", "EPS019")),
					out("net_admin_other_profile", strings_("EPS012")),
					out("no_resources", strings_("EPS014", "EPS015")),
					out("with_limit_range", knownvalue.ListExact(nil)),
					out("psp_1_24", strings_("EPS101", "EPS102", "EPS102", "EPS102", "EPS102")),
					out("psp_1_30", strings_("EPS110")),
					out("no_options", strings_("EPS001")),
					out("privileged_finding", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"rule_id":     knownvalue.StringExact("EPS001"),
						"title":       knownvalue.StringExact("Privileged container"),
						"severity":    knownvalue.StringExact("critical"),
						"status":      knownvalue.StringExact("fail"),
						"failing":     knownvalue.Bool(true),
						"index":       knownvalue.Int64Exact(0),
						"kind":        knownvalue.StringExact("Pod"),
						"namespace":   knownvalue.StringExact("apps"),
						"name":        knownvalue.StringExact("agent"),
						"container":   knownvalue.StringExact("app"),
						"path":        knownvalue.StringExact("spec.containers[0].securityContext.privileged"),
						"message":     knownvalue.StringRegexp(regexp.MustCompile(`^The container app runs privileged`)),
						"remediation": knownvalue.StringRegexp(regexp.MustCompile(`privileged`)),
					})),
					out("failing_critical", knownvalue.ListExact(nil)),
					out("failing_medium", strings_("EPS014", "EPS015")),
					out("waived", strings_("EPS001 waived false")),
					out("list", strings_(
						"0 EPS001 agent (items[2]) spec.containers[0].securityContext.privileged",
					)),
					out("indexes", strings_("0 EPS001", "2 EPS001")),
				},
			},
			{
				// A precondition refuses the privileged pod; the error names the rule.
				Config: functionLocals + `
resource "terraform_data" "agent" {
  input = local.privileged
  lifecycle {
    precondition {
      condition     = length([for v in provider::ekspodsec::violations(local.privileged) : v if v.failing]) == 0
      error_message = join(", ", [for v in provider::ekspodsec::violations(local.privileged) : "${v.rule_id} (${v.severity}) ${v.path}" if v.failing])
    }
  }
}
`,
				ExpectError: wrapped(`(?s)Resource precondition failed .* EPS001 \(critical\) spec.containers\[0\].securityContext.privileged`),
			},
		},
	})
}

// TestAccFunctionViolationsUnknown: a value unknown at plan time is an unknown finding,
// never a pass; an unknown object or option is an unknown result.
func TestAccFunctionViolationsUnknown(t *testing.T) {
	known := plancheck.ExpectKnownOutputValue
	at := plancheck.ExpectKnownOutputValueAtPath
	unknownAt := plancheck.ExpectUnknownOutputValueAtPath
	cfg := functionLocals + `
output "whole" {
  value = provider::ekspodsec::violations(terraform_data.unknown.output)
}
output "element" {
  value = provider::ekspodsec::violations([local.hardened, terraform_data.unknown.output])
}
output "run_as_user" {
  value = provider::ekspodsec::violations(merge(local.hardened, { spec = merge(local.hardened_spec, {
    securityContext = { runAsNonRoot = true, runAsUser = terraform_data.unknown.output, seccompProfile = { type = "RuntimeDefault" } } }) }))
}
output "run_as_user_fail_on_unknown" {
  value = [for v in provider::ekspodsec::violations(merge(local.hardened, { spec = merge(local.hardened_spec, {
    securityContext = { runAsNonRoot = true, runAsUser = terraform_data.unknown.output, seccompProfile = { type = "RuntimeDefault" } } }) }), { fail_on_unknown = true }) : "${v.rule_id} ${v.status} ${v.failing}"]
}
output "kind" {
  value = [for v in provider::ekspodsec::violations(merge(local.hardened, { kind = terraform_data.unknown.output })) : "${v.rule_id} ${v.status}"]
}
output "fail_on" {
  value = provider::ekspodsec::violations(local.hardened, { fail_on = terraform_data.unknown.output })
}
output "fargate" {
  value = [for v in provider::ekspodsec::violations(local.net_admin, { fargate = terraform_data.unknown.output }) : "${v.rule_id} ${v.status}"]
}
output "selector" {
  value = [for v in provider::ekspodsec::violations(local.net_admin, { fargate = [{ selector = [{ namespace = terraform_data.unknown.output }] }] }) : "${v.rule_id} ${v.status}"]
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:             cfg,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectUnknownOutputValue("whole"),
				plancheck.ExpectUnknownOutputValue("fail_on"),
				// an unknown element of the list is an object that cannot be judged: EPS021
				at("element", tfjsonpath.New(0).AtMapKey("rule_id"), knownvalue.StringExact("EPS021")),
				at("element", tfjsonpath.New(0).AtMapKey("index"), knownvalue.Int64Exact(1)),
				at("element", tfjsonpath.New(0).AtMapKey("status"), knownvalue.StringExact("unknown")),
				// runAsUser unknown: may be root (EPS004 unknown), and failing is unknown too
				at("run_as_user", tfjsonpath.New(0).AtMapKey("rule_id"), knownvalue.StringExact("EPS004")),
				at("run_as_user", tfjsonpath.New(0).AtMapKey("status"), knownvalue.StringExact("unknown")),
				unknownAt("run_as_user", tfjsonpath.New(0).AtMapKey("failing")),
				known("run_as_user_fail_on_unknown", strings_("EPS004 unknown true")),
				known("kind", strings_("EPS021 unknown")),
				// whether a Fargate profile selects the pod is unknown, and it adds a capability
				known("fargate", strings_("EPS012 fail", "EPS019 unknown")),
				known("selector", strings_("EPS012 fail", "EPS019 unknown")),
			}},
		}},
	})
}

// TestAccFunctionViolationsSensitive: a function sees no sensitivity; Terraform marks the
// whole result sensitive when any part of an argument is.
func TestAccFunctionViolationsSensitive(t *testing.T) {
	secretImage := `merge(local.privileged, { spec = merge(local.hardened_spec, { containers = [merge(local.hardened_container, { image = sensitive("registry.example.com/secret:1"), securityContext = { privileged = true, readOnlyRootFilesystem = true } })] }) })`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				// Terraform refuses to show the result unmarked
				Config: functionLocals + `
output "findings" {
  value = provider::ekspodsec::violations(` + secretImage + `)
}
`,
				ExpectError: wrapped(`Output refers to sensitive values`),
			},
			{
				Config: functionLocals + `
output "sensitive" {
  value = issensitive(provider::ekspodsec::violations(` + secretImage + `))
}
output "sensitive_option" {
  value = issensitive(provider::ekspodsec::violations(local.privileged, { fail_on = sensitive("high") }))
}
output "not_sensitive" {
  value = issensitive(provider::ekspodsec::violations(local.privileged))
}
output "findings" {
  value     = [for v in provider::ekspodsec::violations(` + secretImage + `) : v.rule_id]
  sensitive = true
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("sensitive", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("sensitive_option", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("not_sensitive", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValue("findings", strings_("EPS001")),
				},
			},
		},
	})
}

// errorStep is a configuration whose plan must fail with an error matching pattern
// (spaces match line breaks).
func errorStep(expr, pattern string) resource.TestStep {
	return resource.TestStep{
		Config:      functionLocals + "output \"x\" {\n  value = " + expr + "\n}\n",
		ExpectError: wrapped("(?s)" + pattern),
	}
}

// TestAccFunctionViolationsErrors: every bad argument is an error naming the argument and
// what is wrong.
func TestAccFunctionViolationsErrors(t *testing.T) {
	v := func(args string) string { return "provider::ekspodsec::violations(" + args + ")" }
	obj := `Invalid value for "object" parameter: `
	opt := `Invalid value for "options" parameter: `
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			errorStep(v(`"a pod"`), obj+`object must be a Kubernetes object as kubernetes_manifest's manifest takes it .*, not a string`),
			errorStep(v(`null`), obj+`argument must not be null`),
			errorStep(v(`[local.hardened, 3]`), obj+`object\[1\] must be a Kubernetes object .*, not a number`),
			errorStep(v(`[local.hardened, null]`), obj+`object\[1\] is null`),
			errorStep(v(`{ apiVersion = "v1", kind = "Service", metadata = { name = "c" } }`), obj+`object is of a kind ekspodsec does not judge: it judges ClusterRole, .*Pod, .*, and custom kinds with a pod template at spec.template`),
			errorStep(v(`{ apiVersion = "v1", metadata = { name = "c" } }`), obj+`object: the manifest has no kind`),
			errorStep(v(`{ apiVersion = "v1", kind = 3 }`), obj+`object: kind is a string, not a number`),
			errorStep(v(`merge(local.hardened, { spec = { containers = [{ name = "a", securityContext = { runAsUser = "root" } }] } })`),
				obj+`reading the Pod: object.spec.containers\[0\].securityContext.runAsUser: expected an integer \(int64\), not a string`),
			errorStep(v(`merge(local.hardened, { spec = { containers = [{ name = "a", resources = { limits = { cpu = "lots" } } }] } })`),
				obj+`reading the Pod: .*a quantity .* is not a valid Kubernetes quantity`),
			errorStep(v(`local.hardened, "high"`), opt+`options must be an object such as { fail_on = "medium" }, not a string`),
			errorStep(v(`local.hardened, { fail = "high" }`), opt+`there is no option "fail": the options are allowed_capabilities, allowed_host_paths, fail_on, fail_on_unknown, fargate, kubernetes_version`),
			errorStep(v(`local.hardened, { fail_on = "severe" }`), opt+`fail_on must be one of info, low, medium, high, critical`),
			errorStep(v(`local.hardened, { fail_on = 3 }`), opt+`fail_on must be a string, not a number`),
			errorStep(v(`local.hardened, { fail_on_unknown = "yes" }`), opt+`fail_on_unknown must be a bool, not a string`),
			errorStep(v(`local.hardened, { allowed_host_paths = "/var/log" }`), opt+`allowed_host_paths must be a list of strings, not a string`),
			errorStep(v(`local.hardened, { allowed_host_paths = ["/var/log", 3] }`), opt+`allowed_host_paths\[1\] must be a string, not a number`),
			errorStep(v(`local.hardened, { allowed_host_paths = ["var/log"] }`), opt+`allowed_host_paths\[0\]: host path is not absolute: it must start with /`),
			errorStep(v(`local.hardened, { allowed_host_paths = ["/var/log/../../etc"] }`), opt+`allowed_host_paths\[0\]: host path contains ".."`),
			errorStep(v(`local.hardened, { allowed_capabilities = ["NET_FLY"] }`), opt+`allowed_capabilities\[0\]: unknown capability: want a Linux capability such as NET_BIND_SERVICE`),
			errorStep(v(`local.hardened, { kubernetes_version = 1.30 }`), opt+`kubernetes_version must be a string such as "1.31", not a number \(the number 1.30 is 1.3\)`),
			errorStep(v(`local.hardened, { kubernetes_version = "one" }`), opt+`kubernetes_version is not a Kubernetes version: write it like "1.31"`),
			errorStep(v(`local.hardened, { fargate = "yes" }`), opt+`fargate must be a bool or a list of Fargate profiles .*, not a string`),
			errorStep(v(`local.hardened, { fargate = [{ name = "apps" }] }`), opt+`fargate\[0\] has no selector`),
			errorStep(v(`local.hardened, { fargate = [{ selector = "apps" }] }`), opt+`fargate\[0\].selector must be a list of { namespace, labels } objects, not a string`),
			errorStep(v(`local.hardened, { fargate = [{ selector = [{ namespace = "apps", label = {} }] }] }`), opt+`fargate\[0\].selector\[0\] has "label": a selector has namespace and labels`),
			errorStep(v(`local.hardened, { fargate = [{ selector = [{ namespace = 3 }] }] }`), opt+`fargate\[0\].selector\[0\].namespace must be a string, not a number`),
			errorStep(v(`local.hardened, { fargate = [{ selector = [{ namespace = "a", labels = { app = 1 } }] }] }`), opt+`fargate\[0\].selector\[0\].labels\["app"\] must be a string, not a number`),
			errorStep(v(`local.hardened, {}, {}`), opt+`violations takes at most one options object, not 2`),
		},
	})
}
