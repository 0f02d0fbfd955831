package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
)

// providerBug matches what the framework says when a provider cannot take a value it was
// given: never an acceptable answer to any configuration.
var providerBug = regexp.MustCompile(`Value Conversion Error|always an error in the provider|should be reported to the provider|Invalid Validator|panic|Missing Configuration for Required Attribute`)

// expectDiagnostic runs config through the Terraform CLI and requires it to fail with an
// error matching want (its attribute path and what is wrong), and with no error of the
// kind providerBug matches.
func expectDiagnostic(t *testing.T, config string, want string) {
	t.Helper()
	var got string
	failed := false
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		ErrorCheck: func(err error) error {
			failed, got = true, err.Error()
			return nil
		},
		Steps: []resource.TestStep{{Config: config}},
	})
	switch {
	case !failed:
		t.Errorf("no error; want one matching %s", want)
	case !wrapped(want).MatchString(got):
		t.Errorf("error does not match %s:\n%s", want, got)
	case providerBug.MatchString(got):
		t.Errorf("error shows a provider bug (%s):\n%s", providerBug.FindString(got), got)
	}
}

func ds(kind, body string) string {
	return "data \"ekspodsec_" + kind + "\" \"x\" {\n  " + body + "\n}\n"
}

// TestAccNullValues: a null where a value is required (a list element, a map value, a
// nested object or its required attribute) is an error on exactly that path, for every
// collection of every data source; it once was a "Value Conversion Error".
func TestAccNullValues(t *testing.T) {
	lr := func(body string) string { return ds("limit_range", "name = \"d\"\n  namespace = \"a\"\n  "+body) }
	rq := func(body string) string { return ds("resource_quota", "name = \"q\"\n  namespace = \"a\"\n  "+body) }
	psp := func(body string) string { return ds("pod_security_policy", "kubernetes_version = \"1.24\"\n  "+body) }
	nsd := func(body string) string { return ds("namespace", "name = \"a\"\n  "+body) }
	for name, tc := range map[string]struct{ config, want string }{
		"psp capability":       {psp(`allowed_capabilities = ["NET_ADMIN", null]`), `allowed_capabilities\[1\] is null`},
		"psp volume":           {psp(`additional_volumes = [null]`), `additional_volumes\[0\] is null`},
		"psp host path":        {psp(`allowed_host_paths = [{ path_prefix = "/var/log" }, null]`), `allowed_host_paths\[1\] is null`},
		"psp host path prefix": {psp(`allowed_host_paths = [{ path_prefix = null }]`), `allowed_host_paths\[0\].path_prefix is required`},
		"psp label":            {psp(`labels = { team = null }`), `labels\["team"\] is null`},
		"psp annotation":       {psp(`annotations = { team = null }`), `annotations\["team"\] is null`},
		"rbac service account": {ds("pod_security_policy_rbac", "policy_name = \"p\"\n  binding {\n    namespace = \"a\"\n    service_accounts = [null]\n  }"), `binding\[0\].service_accounts\[0\] is null`},
		"rbac group":           {ds("pod_security_policy_rbac", "policy_name = \"p\"\n  binding {\n    namespace = \"a\"\n    groups = [\"ops\", null]\n  }"), `binding\[0\].groups\[1\] is null`},
		"rbac label":           {ds("pod_security_policy_rbac", "policy_name = \"p\"\n  labels = { a = null }\n  binding {\n    namespace = \"a\"\n  }"), `labels\["a"\] is null`},
		"limit range default":  {lr("container {\n    default = { cpu = null }\n  }"), `container.default\["cpu"\] is null`},
		"limit range pvc":      {lr("persistent_volume_claim {\n    min = { storage = null }\n  }"), `persistent_volume_claim.min\["storage"\] is null`},
		"limit range label":    {lr("labels = { a = null }\n  pod {\n    max = { cpu = \"1\" }\n  }"), `labels\["a"\] is null`},
		"quota hard":           {rq(`hard = { cpu = null }`), `hard\["cpu"\] is null`},
		"quota scope":          {rq("hard = { pods = \"1\" }\n  scopes = [null]"), `scopes\[0\] is null`},
		"quota selector values": {rq("hard = { pods = \"1\" }\n  scope_selector {\n    match_expression {\n      scope_name = \"PriorityClass\"\n      operator = \"In\"\n      values = [null]\n    }\n  }"),
			`scope_selector.match_expression\[0\].values\[0\] is null`},
		"psa namespace label":      {ds("pod_security_admission", "namespace = \"a\"\n  namespace_labels = { a = null }"), `namespace_labels\["a"\] is null`},
		"psa namespace annotation": {ds("pod_security_admission", "namespace = \"a\"\n  namespace_annotations = { a = null }"), `namespace_annotations\["a"\] is null`},
		"vap actions":              {ds("validating_admission_policy", `validation_actions = [null]`), `validation_actions\[0\] is null`},
		"vap selector":             {ds("validating_admission_policy", `namespace_selector = { a = null }`), `namespace_selector\["a"\] is null`},
		"vap exempt":               {ds("validating_admission_policy", `exempt_namespaces = ["kube-system", null]`), `exempt_namespaces\[1\] is null`},
		"vap host path":            {ds("validating_admission_policy", `allowed_host_paths = [null]`), `allowed_host_paths\[0\] is null`},
		"vap host path prefix":     {ds("validating_admission_policy", `allowed_host_paths = [{ path_prefix = null }]`), `allowed_host_paths\[0\].path_prefix is required`},
		"vap fargate selector":     {ds("validating_admission_policy", `fargate_selectors = [null]`), `fargate_selectors\[0\] is null`},
		"vap fargate namespace":    {ds("validating_admission_policy", `fargate_selectors = [{ namespace = null }]`), `fargate_selectors\[0\].namespace is required`},
		"vap fargate labels":       {ds("validating_admission_policy", `fargate_selectors = [{ namespace = "a", labels = { app = null } }]`), `fargate_selectors\[0\].labels\["app"\] is null`},
		"vap capability":           {ds("validating_admission_policy", "pod_security_standards = true\n  allowed_capabilities = [null]"), `allowed_capabilities\[0\] is null`},
		"vap label":                {ds("validating_admission_policy", `labels = { a = null }`), `labels\["a"\] is null`},
		"namespace default":        {nsd(`container_default = { cpu = null }`), `container_default\["cpu"\] is null`},
		"namespace ratio":          {nsd(`container_max_limit_request_ratio = { cpu = null }`), `container_max_limit_request_ratio\["cpu"\] is null`},
		"namespace quota":          {nsd(`quota_hard = { pods = null }`), `quota_hard\["pods"\] is null`},
		"namespace accounts":       {nsd("psp_policy_name = \"p\"\n  kubernetes_version = \"1.24\"\n  service_accounts = [null]"), `service_accounts\[0\] is null`},
		"namespace label":          {nsd(`labels = { a = null }`), `labels\["a"\] is null`},
		"namespace annotation":     {nsd(`annotations = { a = null }`), `annotations\["a"\] is null`},
	} {
		t.Run(name, func(t *testing.T) { expectDiagnostic(t, tc.config, tc.want) })
	}
}

// unknowns are values known only after apply, of each shape the data sources take.
const unknowns = `
resource "terraform_data" "s" { input = "NET_ADMIN" }
resource "terraform_data" "warn" { input = "Warn" }
resource "terraform_data" "ns" { input = "team-a" }
resource "terraform_data" "path" { input = { path_prefix = "/var/log" } }
resource "terraform_data" "paths" { input = [{ path_prefix = "/var/log" }, { path_prefix = "/data" }] }
resource "terraform_data" "selectors" { input = [{ namespace = "team-*", labels = { compute = "fargate" } }] }
resource "terraform_data" "quantities" { input = { cpu = "250m", memory = "256Mi" } }
resource "terraform_data" "namespaces" { input = ["team-a", "team-b"] }
`

// TestAccUnknownShapes: values known only after apply (an unknown list element, a wholly
// unknown list of objects, an unknown element of a list of objects, an unknown map value
// or map, unknown dynamic blocks) pass validation, leave the outputs unknown at plan
// time, and render once known. Each once was a Value Conversion Error or a "missing
// required attribute".
func TestAccUnknownShapes(t *testing.T) {
	for name, tc := range map[string]struct {
		kind, body string
		want       []string // in the rendered yaml once applied
	}{
		"psp capability element":  {"pod_security_policy", "kubernetes_version = \"1.24\"\n  profile = \"baseline\"\n  allowed_capabilities = [terraform_data.s.output]", []string{"- NET_ADMIN"}},
		"psp host path element":   {"pod_security_policy", "kubernetes_version = \"1.24\"\n  allowed_host_paths = [terraform_data.path.output]", []string{"pathPrefix: /var/log", "readOnly: true"}},
		"psp host paths":          {"pod_security_policy", "kubernetes_version = \"1.24\"\n  allowed_host_paths = terraform_data.paths.output", []string{"pathPrefix: /data"}},
		"psp profile":             {"pod_security_policy", "kubernetes_version = \"1.24\"\n  profile = terraform_data.ns.output == \"team-a\" ? \"baseline\" : \"restricted\"\n  allowed_capabilities = [\"NET_ADMIN\"]", []string{"name: baseline"}},
		"vap host paths":          {"validating_admission_policy", "allowed_host_paths = terraform_data.paths.output", []string{"/data"}},
		"vap host path element":   {"validating_admission_policy", "allowed_host_paths = [terraform_data.path.output]", []string{"EPS007"}},
		"vap action element":      {"validating_admission_policy", "validation_actions = [terraform_data.warn.output, \"Audit\"]", []string{"- Warn", "- Audit"}},
		"vap fargate selectors":   {"validating_admission_policy", "fargate_selectors = terraform_data.selectors.output", []string{"EPS019"}},
		"vap exempt":              {"validating_admission_policy", "exempt_namespaces = terraform_data.namespaces.output", []string{"- team-b"}},
		"vap capability":          {"validating_admission_policy", "pod_security_standards = true\n  allowed_capabilities = [terraform_data.s.output]", []string{"NET_ADMIN"}},
		"quota hard value":        {"resource_quota", "name = \"q\"\n  namespace = \"a\"\n  hard = { \"requests.cpu\" = terraform_data.quantities.output.cpu }", []string{"requests.cpu: 250m"}},
		"quota scopes":            {"resource_quota", "name = \"q\"\n  namespace = \"a\"\n  hard = { pods = \"1\" }\n  scopes = [terraform_data.ns.output == \"x\" ? \"x\" : \"BestEffort\"]", []string{"- BestEffort"}},
		"limit range defaults":    {"limit_range", "name = \"d\"\n  namespace = \"a\"\n  container {\n    default = terraform_data.quantities.output\n  }", []string{"cpu: 250m"}},
		"namespace accounts":      {"namespace", "name = \"a\"\n  psp_policy_name = \"p\"\n  kubernetes_version = \"1.24\"\n  service_accounts = [terraform_data.ns.output]", []string{"name: team-a"}},
		"namespace quota":         {"namespace", "name = \"a\"\n  quota_hard = terraform_data.quantities.output", []string{"memory: 256Mi"}},
		"psa labels":              {"pod_security_admission", "namespace = \"a\"\n  namespace_labels = { team = terraform_data.ns.output }", []string{"team: team-a"}},
		"rbac dynamic bindings":   {"pod_security_policy_rbac", "policy_name = \"p\"\n  dynamic \"binding\" {\n    for_each = terraform_data.namespaces.output\n    content {\n      namespace = binding.value\n    }\n  }", []string{"namespace: team-b"}},
		"rbac service accounts":   {"pod_security_policy_rbac", "policy_name = \"p\"\n  binding {\n    namespace = \"a\"\n    service_accounts = terraform_data.namespaces.output\n  }", []string{"name: team-b"}},
		"rbac group element":      {"pod_security_policy_rbac", "policy_name = \"p\"\n  binding {\n    namespace = \"a\"\n    groups = [terraform_data.ns.output]\n  }", []string{"name: team-a"}},
		"quota selector operator": {"resource_quota", "name = \"q\"\n  namespace = \"a\"\n  hard = { pods = \"1\" }\n  scope_selector {\n    match_expression {\n      scope_name = \"PriorityClass\"\n      operator = terraform_data.ns.output == \"x\" ? \"In\" : \"Exists\"\n    }\n  }", []string{"operator: Exists"}},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config: unknowns + ds(tc.kind, tc.body),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue("data.ekspodsec_"+tc.kind+".x", tfjsonpath.New("yaml")),
					}},
					Check: resource.TestCheckResourceAttrWith("data.ekspodsec_"+tc.kind+".x", "yaml", func(y string) error {
						for _, w := range tc.want {
							if !strings.Contains(y, w) {
								return fmt.Errorf("yaml lacks %q:\n%s", w, y)
							}
						}
						return nil
					}),
				}},
			})
		})
	}
}

// TestAccRefusedOnceKnown: an option the profile refuses is refused once the value is
// known, at apply, on its path, when it could not be at plan time (the profile was
// unknown).
func TestAccRefusedOnceKnown(t *testing.T) {
	expectDiagnostic(t, unknowns+ds("pod_security_policy", "kubernetes_version = \"1.24\"\n  profile = terraform_data.ns.output == \"team-a\" ? \"restricted\" : \"privileged\"\n  allowed_capabilities = [\"NET_ADMIN\", \"ALL\"]"),
		`(?s)allowed_capabilities\[1\]: capability "ALL" lets containers add every capability.*\(profile restricted\)`)
	expectDiagnostic(t, unknowns+ds("pod_security_policy", "kubernetes_version = \"1.24\"\n  profile = terraform_data.ns.output == \"team-a\" ? \"baseline\" : \"privileged\"\n  allowed_host_paths = [{ path_prefix = \"/var/run\" }]"),
		`(?s)allowed_host_paths\[0\].path_prefix: host path prefix "/var/run" covers /var/run/docker.sock`)
}

// TestAccGuards: what would undo the restricted (or baseline) level is refused on the
// attribute, whatever its spelling, in every data source that takes it; the privileged
// level already allows everything.
func TestAccGuards(t *testing.T) {
	psp := func(body string) string { return ds("pod_security_policy", "kubernetes_version = \"1.24\"\n  "+body) }
	vap := func(body string) string { return ds("validating_admission_policy", body) }
	for name, tc := range map[string]struct{ config, want string }{
		"psp ALL":            {psp(`allowed_capabilities = ["NET_ADMIN", "ALL"]`), `(?s)allowed_capabilities\[1\]: capability "ALL" lets containers add every capability, SYS_ADMIN included`},
		"psp *":              {psp(`allowed_capabilities = ["*"]`), `(?s)allowed_capabilities\[0\]: capability "\*" lets containers add every capability`},
		"psp all baseline":   {psp("profile = \"baseline\"\n  allowed_capabilities = [\"all\"]"), `(?s)allowed_capabilities\[0\]: capability "all" lets containers add every capability.*\(profile baseline\)`},
		"psp CAP_ALL":        {psp(`allowed_capabilities = ["CAP_ALL"]`), `(?s)allowed_capabilities\[0\]: capability "CAP_ALL" lets containers add every capability`},
		"psp every volume":   {psp(`additional_volumes = ["*"]`), `(?s)additional_volumes\[0\]: volume type "\*" allows every volume type, hostPath included`},
		"psp HOSTPATH":       {psp(`additional_volumes = ["HOSTPATH"]`), `(?s)additional_volumes\[0\]: volume type "HOSTPATH": hostPath is not allowed wholesale`},
		"psp root":           {psp(`allowed_host_paths = [{ path_prefix = "/" }]`), `(?s)allowed_host_paths\[0\].path_prefix: host path prefix "/" allows every host path`},
		"psp double slash":   {psp(`allowed_host_paths = [{ path_prefix = "/var/log" }, { path_prefix = "//" }]`), `(?s)allowed_host_paths\[1\].path_prefix: host path prefix "//" allows every host path`},
		"psp runtime socket": {psp(`allowed_host_paths = [{ path_prefix = "/run/containerd" }]`), `(?s)allowed_host_paths\[0\].path_prefix: host path prefix "/run/containerd" covers /run/containerd/containerd.sock`},
		"psp var":            {psp(`allowed_host_paths = [{ path_prefix = "/var/" }]`), `(?s)allowed_host_paths\[0\].path_prefix: host path prefix "/var/" covers /var/run/docker.sock`},
		"psp control":        {psp(`allowed_host_paths = [{ path_prefix = "/var/log\n" }]`), `(?s)allowed_host_paths\[0\].path_prefix.*control characters`},
		"psp label key":      {psp(`labels = { "bad key" = "v" }`), `(?s)labels\["bad key"\]`},
		"psp label value":    {psp(`labels = { team = "not a value!" }`), `(?s)labels\["team"\]`},
		"psp annotation key": {psp(`annotations = { "a/b/c" = "v" }`), `(?s)annotations\["a/b/c"\]`},
		"vap ALL":            {vap("pod_security_standards = true\n  allowed_capabilities = [\"cap_all\"]"), `(?s)allowed_capabilities\[0\]: capability "cap_all" lets containers add every capability`},
		"vap root":           {vap(`allowed_host_paths = [{ path_prefix = "/" }]`), `(?s)allowed_host_paths\[0\].path_prefix: host path prefix "/" allows every host path`},
		"vap socket":         {vap(`allowed_host_paths = [{ path_prefix = "/var/run/crio" }]`), `(?s)allowed_host_paths\[0\].path_prefix: host path prefix "/var/run/crio" covers /var/run/crio/crio.sock`},
		"rbac group":         {ds("pod_security_policy_rbac", "policy_name = \"p\"\n  binding {\n    namespace = \"a\"\n    groups = [\"ops team\"]\n  }"), `(?s)binding\[0\].groups\[0\].*not a group name`},
		"duplicate":          {psp(`additional_volumes = ["csi", "nfs", "csi"]`), `(?s)additional_volumes\[2\]: "csi" is already additional_volumes\[0\]`},
		"version out of range": {ds("pod_security_policy", `kubernetes_version = "1.99999999999999999999"`),
			`(?s)kubernetes_version.*minor version 99999999999999999999 is out of range`},
		"psa version range":    {ds("pod_security_admission", `kubernetes_version = "1.99999999999999999999"`), `(?s)kubernetes_version.*out of range`},
		"vap version range":    {vap(`kubernetes_version = "1.99999999999999999999"`), `(?s)kubernetes_version.*out of range`},
		"namespace version":    {ds("namespace", "name = \"a\"\n  kubernetes_version = \"99999999999999999999.30\""), `(?s)kubernetes_version.*major version 99999999999999999999 is out of range`},
		"version leading zero": {ds("namespace", "name = \"a\"\n  kubernetes_version = \"1.030\""), `(?s)kubernetes_version.*leading zero`},
		"psa major 2":          {ds("pod_security_admission", `kubernetes_version = "2.1"`), `(?s)kubernetes_version.*Kubernetes 2.1 does not exist`},
		"quota quantity":       {ds("resource_quota", "name = \"q\"\n  namespace = \"a\"\n  hard = { \"requests.memory\" = \"99999999999999999999999999Ei\" }"), `(?s)hard\["requests.memory"\].*is out of range`},
		"quota binary clamp":   {ds("resource_quota", "name = \"q\"\n  namespace = \"a\"\n  hard = { \"requests.memory\" = \"8Ei\" }"), `(?s)hard\["requests.memory"\].*"8Ei" is out of range`},
		"limit quantity":       {ds("limit_range", "name = \"d\"\n  namespace = \"a\"\n  container {\n    max = { memory = \"1e19\" }\n  }"), `(?s)container.max\["memory"\].*out of range`},
		"namespace quantity":   {ds("namespace", "name = \"a\"\n  container_default = { cpu = \"9.3E\" }"), `(?s)container_default\["cpu"\].*out of range`},
		"fargate huge":         {ds("limit_range", "name = \"d\"\n  namespace = \"a\"\n  fargate = true\n  container {\n    default_request = { cpu = \"9223372036854775807\", memory = \"7Ei\" }\n  }"), `(?s)Too big for Fargate.*more than Fargate's largest configuration`},
		"fargate huge memory":  {ds("namespace", "name = \"a\"\n  fargate = true\n  container_default = { cpu = \"1\", memory = \"7Ei\" }\n  container_default_request = { cpu = \"100m\", memory = \"7Ei\" }"), `(?s)Too big for Fargate.*container_default_request = .*requests 0.1 vCPU and 7696581394432 MiB`},
	} {
		t.Run(name, func(t *testing.T) { expectDiagnostic(t, tc.config, tc.want) })
	}
	// the privileged level allows everything already: the wildcards are no-ops there
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: psp("profile = \"privileged\"\n  allowed_capabilities = [\"ALL\"]\n  additional_volumes = [\"*\"]\n  allowed_host_paths = [{ path_prefix = \"/\" }]"),
			Check:  resource.TestCheckResourceAttr("data.ekspodsec_pod_security_policy.x", "manifest.spec.volumes.0", "*"),
		}},
	})
}

// TestAccLongLists: lists of 20,000 elements validate in one pass: a duplicated
// capability is refused with a bounded number of diagnostics (the framework's
// UniqueValues compared every pair and reported each: it never finished), and 20,000
// distinct exempt namespaces render.
func TestAccLongLists(t *testing.T) {
	// one element a line: Terraform quotes the source line of each diagnostic
	caps := "\n" + strings.Repeat("    \"NET_ADMIN\",\n", 20000)
	var got string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		ErrorCheck:               func(err error) error { got = err.Error(); return nil },
		Steps:                    []resource.TestStep{{Config: ds("pod_security_policy", "kubernetes_version = \"1.24\"\n  profile = \"baseline\"\n  allowed_capabilities = ["+caps+"]")}},
	})
	if n := strings.Count(got, "Error: Duplicate list element"); n != maxElementDiagnostics+1 ||
		!wrapped(`allowed_capabilities\[1\]: "NET_ADMIN" is already allowed_capabilities\[0\]`).MatchString(got) ||
		!wrapped(`allowed_capabilities: 19989 more elements like these are not listed`).MatchString(got) {
		t.Errorf("%d duplicate diagnostics:\n%.3000s", n, got)
	}
	names := make([]string, 20000)
	for i := range names {
		names[i] = fmt.Sprintf("\n    \"ns-%d\"", i)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: ds("validating_admission_policy", "exempt_namespaces = [\"kube-system\", "+strings.Join(names, ", ")+"]"),
			Check:  resource.TestCheckResourceAttr("data.ekspodsec_validating_admission_policy.x", "exempt_namespaces.#", "20001"),
		}},
	})
}

// TestUniqueStrings: the duplicate check names every duplicate's first occurrence, skips
// unknown and null elements, and bounds its diagnostics.
func TestUniqueStrings(t *testing.T) {
	elems := []attr.Value{types.StringValue("a"), types.StringUnknown(), types.StringValue("b"), types.StringNull(), types.StringValue("a"), types.StringNull(), types.StringUnknown()}
	var resp validator.ListResponse
	uniqueStrings().ValidateList(context.Background(), validator.ListRequest{Path: path.Root("l"), ConfigValue: types.ListValueMust(types.StringType, elems)}, &resp)
	if errs := resp.Diagnostics.Errors(); len(errs) != 1 || !errs[0].(interface{ Path() path.Path }).Path().Equal(path.Root("l").AtListIndex(4)) ||
		!strings.Contains(errs[0].Detail(), `"a" is already l[0]`) {
		t.Errorf("diagnostics %v", resp.Diagnostics)
	}
}

// BenchmarkUniqueStrings: the duplicate check is linear; the framework's UniqueValues
// (kept here for comparison) is quadratic, in time and in diagnostics.
func BenchmarkUniqueStrings(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		for _, distinct := range []bool{true, false} {
			elems := make([]attr.Value, n)
			for i := range elems {
				v := "NET_ADMIN"
				if distinct {
					v = fmt.Sprintf("ns-%d", i)
				}
				elems[i] = types.StringValue(v)
			}
			req := validator.ListRequest{Path: path.Root("l"), ConfigValue: types.ListValueMust(types.StringType, elems)}
			for name, v := range map[string]validator.List{"linear": uniqueStrings(), "framework": listvalidator.UniqueValues()} {
				if name == "framework" && (n > 2000 || !distinct) {
					continue // minutes (and n²/2 diagnostics) per run
				}
				b.Run(fmt.Sprintf("%s/n=%d/distinct=%v", name, n, distinct), func(b *testing.B) {
					for b.Loop() {
						var resp validator.ListResponse
						v.ValidateList(context.Background(), req, &resp)
					}
				})
			}
		}
	}
}

// TestUnreadableClusterVersion: a cluster version the EKS API answers that does not parse
// is an error on kubernetes_version, not a version check silently skipped.
func TestUnreadableClusterVersion(t *testing.T) {
	facts := &clusterFacts{What: `cluster "prod"`, Cluster: eks.Cluster{Name: "prod", Version: "1.99999999999999999999"}}
	for name, ds := range map[string]func() datasource.DataSource{
		"psp":       func() datasource.DataSource { return &podSecurityPolicyDataSource{facts: facts} },
		"psa":       func() datasource.DataSource { return &podSecurityAdmissionDataSource{facts: facts} },
		"vap":       func() datasource.DataSource { return &validatingAdmissionPolicyDataSource{facts: facts} },
		"namespace": func() datasource.DataSource { return &namespaceDataSource{facts: facts} },
	} {
		set := map[string]tftypes.Value{}
		if name == "namespace" {
			set["name"] = str("apps")
		}
		resp := readWith(t, ds(), set)
		errs := resp.Diagnostics.Errors()
		if len(errs) != 1 || !strings.Contains(errs[0].Detail(), "out of range") || !strings.Contains(errs[0].Detail(), "Set kubernetes_version explicitly") {
			t.Errorf("%s: %v", name, resp.Diagnostics)
		}
	}
}
