package provider

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccNamespace_defaults: one name is a complete hardened namespace, in a fixed form.
func TestAccNamespace_defaults(t *testing.T) {
	const addr = "data.ekspodsec_namespace.web"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_namespace" "web" {
  name               = "web"
  kubernetes_version = "1.31"
}
output "kinds" { value = join(",", [for m in data.ekspodsec_namespace.web.manifests : m.kind]) }
output "by_kind" { value = join(",", sort(keys(data.ekspodsec_namespace.web.manifests_by_kind))) }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("pod_security_labels"), knownvalue.MapExact(map[string]knownvalue.Check{
					"pod-security.kubernetes.io/enforce": knownvalue.StringExact("restricted"), "pod-security.kubernetes.io/enforce-version": knownvalue.StringExact("v1.31"),
					"pod-security.kubernetes.io/audit": knownvalue.StringExact("restricted"), "pod-security.kubernetes.io/audit-version": knownvalue.StringExact("v1.31"),
					"pod-security.kubernetes.io/warn": knownvalue.StringExact("restricted"), "pod-security.kubernetes.io/warn-version": knownvalue.StringExact("v1.31"),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("profile"), knownvalue.StringExact("restricted")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("fargate"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("fargate_pod_size"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("container_default"), knownvalue.MapExact(map[string]knownvalue.Check{
					"cpu": knownvalue.StringExact("500m"), "memory": knownvalue.StringExact("256Mi")})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("manifests_by_kind").AtMapKey("resource_quota").AtMapKey("spec").AtMapKey("hard").AtMapKey("limits.memory"),
					knownvalue.StringExact("16Gi")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckOutput("kinds", "Namespace,LimitRange,ResourceQuota"),
				resource.TestCheckOutput("by_kind", "limit_range,namespace,resource_quota"),
				resource.TestCheckResourceAttr(addr, "yaml", `apiVersion: v1
kind: Namespace
metadata:
  labels:
    app.kubernetes.io/managed-by: ekspodsec
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/audit-version: v1.31
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.31
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/warn-version: v1.31
  name: web
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: web
spec:
  limits:
  - default:
      cpu: 500m
      memory: 256Mi
    defaultRequest:
      cpu: 100m
      memory: 128Mi
    type: Container
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: web
spec:
  hard:
    limits.cpu: "8"
    limits.memory: 16Gi
    pods: "50"
    requests.cpu: "4"
    requests.memory: 8Gi
`),
			),
		}},
	})
}

// TestAccNamespace_legacyWithPSP: on a 1.24 cluster the namespace's service accounts get
// the PodSecurityPolicy through their own ClusterRole and a RoleBinding; overrides apply.
func TestAccNamespace_legacyWithPSP(t *testing.T) {
	const addr = "data.ekspodsec_namespace.payments"
	byKind := tfjsonpath.New("manifests_by_kind")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_namespace" "payments" {
  name                      = "payments"
  profile                   = "baseline"
  warn                      = "restricted"
  kubernetes_version        = "1.24"
  psp_policy_name           = "restricted"
  service_accounts          = ["worker", "api"]
  container_default         = { cpu = "1", memory = "1Gi" }
  container_default_request = { cpu = "0.25", memory = "512Mi" }
  container_max             = { cpu = "2" }
  quota_name                = "payments"
  quota_hard                = { "requests.cpu" = "2", "requests.memory" = "4Gi", "limits.cpu" = "4", "limits.memory" = "8Gi" }
  labels                    = { team = "payments" }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("namespace").AtMapKey("metadata").AtMapKey("labels"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"app.kubernetes.io/managed-by":               knownvalue.StringExact("ekspodsec"),
					"team":                                       knownvalue.StringExact("payments"),
					"pod-security.kubernetes.io/enforce":         knownvalue.StringExact("baseline"),
					"pod-security.kubernetes.io/enforce-version": knownvalue.StringExact("v1.24"),
					"pod-security.kubernetes.io/audit":           knownvalue.StringExact("baseline"),
					"pod-security.kubernetes.io/audit-version":   knownvalue.StringExact("v1.24"),
					"pod-security.kubernetes.io/warn":            knownvalue.StringExact("restricted"),
					"pod-security.kubernetes.io/warn-version":    knownvalue.StringExact("v1.24"),
				})),
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("cluster_role").AtMapKey("metadata").AtMapKey("name"), knownvalue.StringExact("psp:restricted:payments")),
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("cluster_role").AtMapKey("rules").AtSliceIndex(0).AtMapKey("resourceNames"), stringsExact("restricted")),
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("role_binding").AtMapKey("metadata").AtMapKey("namespace"), knownvalue.StringExact("payments")),
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("role_binding").AtMapKey("roleRef").AtMapKey("name"), knownvalue.StringExact("psp:restricted:payments")),
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("role_binding").AtMapKey("subjects"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"kind": knownvalue.StringExact("ServiceAccount"), "name": knownvalue.StringExact("api"), "namespace": knownvalue.StringExact("payments")}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"kind": knownvalue.StringExact("ServiceAccount"), "name": knownvalue.StringExact("worker"), "namespace": knownvalue.StringExact("payments")}),
				})),
				// quantities canonical, the overrides replace the defaults
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("limit_range").AtMapKey("spec").AtMapKey("limits").AtSliceIndex(0).AtMapKey("defaultRequest").AtMapKey("cpu"), knownvalue.StringExact("250m")),
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("limit_range").AtMapKey("spec").AtMapKey("limits").AtSliceIndex(0).AtMapKey("max").AtMapKey("cpu"), knownvalue.StringExact("2")),
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("resource_quota").AtMapKey("metadata").AtMapKey("name"), knownvalue.StringExact("payments")),
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("resource_quota").AtMapKey("spec").AtMapKey("hard").AtMapKey("requests.memory"), knownvalue.StringExact("4Gi")),
				statecheck.ExpectKnownValue(addr, byKind.AtMapKey("limit_range").AtMapKey("metadata").AtMapKey("labels").AtMapKey("team"), knownvalue.StringExact("payments")),
			},
			Check: resource.TestCheckResourceAttrWith(addr, "json", func(j string) error {
				var objs []struct{ Kind string }
				if err := json.Unmarshal([]byte(j), &objs); err != nil {
					return err
				}
				var kinds []string
				for _, o := range objs {
					kinds = append(kinds, o.Kind)
				}
				if got := strings.Join(kinds, ","); got != "Namespace,LimitRange,ResourceQuota,ClusterRole,RoleBinding" {
					return errorf("kinds %s", got)
				}
				if strings.Contains(j, "pods\"") {
					return errorf("quota_hard replaces the default (no pods):\n%s", j)
				}
				return nil
			}),
		}},
	})
}

func TestAccNamespace_refusals(t *testing.T) {
	for name, tc := range map[string]struct{ config, want string }{
		"psp on 1.25": {"psp_policy_name = \"restricted\"\n  kubernetes_version = \"1.25\"",
			`(?s)psp_policy_name.*PodSecurityPolicy was removed in Kubernetes 1.25 and this cluster runs 1.25.*Drop psp_policy_name`},
		"no security before 1.23": {`kubernetes_version = "1.22"`, `(?s)kubernetes_version.*needs Kubernetes 1.23 or later.*set psp_policy_name`},
		"service accounts alone":  {`service_accounts = ["api"]`, `(?s)service_accounts.*set psp_policy_name too`},
		"psa label by hand":       {`labels = { "pod-security.kubernetes.io/warn" = "privileged" }`, `(?s)labels\["pod-security.kubernetes.io/warn"\].*come from the levels`},
		// the default limit (500m) is below the request given: the message says so
		"request above the default limit": {`container_default_request = { cpu = "1" }`,
			`(?s)container_default_request\["cpu"\].*default_request cpu 1 is greater than default cpu 500m.*container_default is not set: its default is \{ cpu = "500m", memory = "256Mi" \}`},
		"bad quantity":        {`container_max = { memory = "lots" }`, `(?s)container_max\["memory"\].*"lots" is not a Kubernetes quantity`},
		"bad quota resource":  {`quota_hard = { "request.cpu" = "1" }`, `(?s)quota_hard.*must be a ResourceQuota resource name`},
		"bad namespace":       {`name = "Web"` + "\n  # ", `(?s)name.*"Web"`},
		"bad service account": {"psp_policy_name = \"restricted\"\n  kubernetes_version = \"1.24\"\n  service_accounts = [\"API\"]", `(?s)service_accounts\[0\].*"API"`},
		"bad profile":         {`profile = "lenient"`, `value must be one of`},
		"too big for fargate": {"fargate = true\n  container_default = { cpu = \"32\", memory = \"1Gi\" }\n  container_default_request = { cpu = \"17\", memory = \"1Gi\" }",
			`(?s)container_default_request.*more than Fargate's largest configuration`},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := "data \"ekspodsec_namespace\" \"x\" {\n  " + tc.config + "\n}\n"
			if !strings.HasPrefix(tc.config, "name =") {
				cfg = "data \"ekspodsec_namespace\" \"x\" {\n  name = \"apps\"\n  " + tc.config + "\n}\n"
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps:                    []resource.TestStep{{Config: cfg, ExpectError: wrapped(tc.want)}},
			})
		})
	}
}

// TestNamespaceLegacyClusterWarns: before 1.23 a namespace with a PodSecurityPolicy is
// rendered (labels for after the upgrade) with a warning that only the policy protects it.
func TestNamespaceLegacyClusterWarns(t *testing.T) {
	resp := readWith(t, NewNamespaceDataSource(), map[string]tftypes.Value{
		"name": str("legacy"), "kubernetes_version": str("1.22"), "psp_policy_name": str("restricted"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	w := resp.Diagnostics.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Detail(), `only the PodSecurityPolicy "restricted" protects the namespace`) {
		t.Fatalf("warnings %v", w)
	}
	var version string
	resp.State.GetAttribute(t.Context(), pathRoot("pod_security_version"), &version)
	if version != "latest" {
		t.Errorf("pod_security_version %q", version)
	}
	// a quota without limits is a warning on quota_hard
	q := readWith(t, NewNamespaceDataSource(), map[string]tftypes.Value{"name": str("a"), "quota_hard": strMap(map[string]string{"pods": "10"})})
	if w := q.Diagnostics.Warnings(); len(w) != 1 || !strings.Contains(w[0].Detail(), "requests.cpu") {
		t.Errorf("quota warnings %v", w)
	}
}

// TestUnknownConfiguration: a configuration known only after apply renders nothing and
// refuses nothing; the outputs (and defaults) are unknown, what the user set is kept.
func TestUnknownConfiguration(t *testing.T) {
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	for name, tc := range map[string]struct {
		ds   func() datasource.DataSource
		set  map[string]tftypes.Value
		kept string // an attribute the user set, kept as given
	}{
		"namespace": {NewNamespaceDataSource, map[string]tftypes.Value{"name": unknown, "profile": str("baseline")}, "profile"},
		"psa":       {NewPodSecurityAdmissionDataSource, map[string]tftypes.Value{"namespace": unknown, "enforce": str("baseline")}, "enforce"},
		"vap":       {NewValidatingAdmissionPolicyDataSource, map[string]tftypes.Value{"kubernetes_version": unknown, "name": str("pods")}, "name"},
	} {
		resp := readWith(t, tc.ds(), tc.set)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", name, resp.Diagnostics)
		}
		var yaml, kept types.String
		resp.State.GetAttribute(t.Context(), pathRoot("yaml"), &yaml)
		resp.State.GetAttribute(t.Context(), pathRoot(tc.kept), &kept)
		if !yaml.IsUnknown() {
			t.Errorf("%s: yaml %v, want unknown", name, yaml)
		}
		if kept.IsUnknown() || kept.IsNull() {
			t.Errorf("%s: %s %v, want the configured value", name, tc.kept, kept)
		}
	}
}
