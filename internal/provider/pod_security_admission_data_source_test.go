package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccPodSecurityAdmission(t *testing.T) {
	labels := func(addr string, want map[string]string) statecheck.StateCheck {
		checks := map[string]knownvalue.Check{}
		for k, v := range want {
			checks[k] = knownvalue.StringExact(v)
		}
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("labels"), knownvalue.MapExact(checks))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
# nothing set: restricted everywhere, judged by the latest standard
data "ekspodsec_pod_security_admission" "defaults" {}

# the version is pinned to the cluster's minor version
data "ekspodsec_pod_security_admission" "pinned" {
  profile            = "baseline"
  kubernetes_version = "v1.31.4-eks-1234"
}

# enforce baseline, warn and audit at restricted, as a Namespace
data "ekspodsec_pod_security_admission" "ns" {
  enforce               = "baseline"
  audit                 = "restricted"
  warn                  = "restricted"
  version               = "v1.30"
  kubernetes_version    = "1.31"
  namespace             = "payments"
  namespace_labels      = { team = "payments" }
  namespace_annotations = { owner = "payments@example.com" }
}

resource "terraform_data" "ns" {
  input = data.ekspodsec_pod_security_admission.ns.manifest
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				labels("data.ekspodsec_pod_security_admission.defaults", map[string]string{
					"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
					"pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/audit-version": "latest",
					"pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/warn-version": "latest",
				}),
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_admission.defaults", tfjsonpath.New("profile"), knownvalue.StringExact("restricted")),
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_admission.defaults", tfjsonpath.New("version"), knownvalue.StringExact("latest")),
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_admission.defaults", tfjsonpath.New("yaml"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_admission.defaults", tfjsonpath.New("manifest"), knownvalue.Null()),
				labels("data.ekspodsec_pod_security_admission.pinned", map[string]string{
					"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.31",
					"pod-security.kubernetes.io/audit": "baseline", "pod-security.kubernetes.io/audit-version": "v1.31",
					"pod-security.kubernetes.io/warn": "baseline", "pod-security.kubernetes.io/warn-version": "v1.31",
				}),
				statecheck.ExpectKnownValue("terraform_data.ns", tfjsonpath.New("output").AtMapKey("metadata").AtMapKey("labels").AtMapKey("pod-security.kubernetes.io/enforce"),
					knownvalue.StringExact("baseline")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckNoResourceAttr("data.ekspodsec_pod_security_admission.ns", "profile"),
				resource.TestCheckResourceAttr("data.ekspodsec_pod_security_admission.ns", "yaml", `apiVersion: v1
kind: Namespace
metadata:
  annotations:
    owner: payments@example.com
  labels:
    app.kubernetes.io/managed-by: ekspodsec
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/audit-version: v1.30
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/warn-version: v1.30
    team: payments
  name: payments
`),
			),
		}},
	})
}

func TestAccPodSecurityAdmission_refusals(t *testing.T) {
	for name, tc := range map[string]struct{ config, want string }{
		"too old":              {`kubernetes_version = "1.22"`, `(?s)kubernetes_version.*Pod Security Admission needs Kubernetes 1.23 or later \(GA in 1.25\); this cluster runs 1.22`},
		"unknown level":        {`enforce = "strict"`, `(?s)enforce.*value must be one of`},
		"version without v":    {`version = "1.31"`, `(?s)version.*must be "latest" or "v1.x"`},
		"version leading zero": {`version = "v1.031"`, `(?s)version.*must be "latest" or "v1.x"`},
		"version out of range": {`version = "v1.99999999999999999999"`, `(?s)version.*must be "latest" or "v1.x"`},
		"bad kubernetes":       {`kubernetes_version = "newest"`, `"newest" is not a Kubernetes version`},
		"psa label by hand":    {"namespace = \"a\"\n  namespace_labels = { \"pod-security.kubernetes.io/enforce\" = \"privileged\" }", `(?s)namespace_labels\["pod-security.kubernetes.io/enforce"\].*come from the levels`},
		"labels without ns":    {`namespace_labels = { team = "a" }`, `(?s)namespace_labels is set but namespace is not`},
		"bad namespace":        {`namespace = "Payments"`, `(?s)namespace.*"Payments"`},
		"bad namespace label":  {"namespace = \"a\"\n  namespace_labels = { \"team\" = \"a b\" }", `(?s)namespace_labels\["team"\].*"a b"`},
		"annotations without":  {`namespace_annotations = { a = "b" }`, `namespace_annotations is set but namespace is not`},
		"invalid label key":    {"namespace = \"a\"\n  namespace_labels = { \"-x\" = \"a\" }", `(?s)Invalid label key.*"-x"`},
		"privileged 1.22 mode": {"profile = \"privileged\"\n  kubernetes_version = \"1.21\"", `needs Kubernetes 1.23 or later`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      "data \"ekspodsec_pod_security_admission\" \"x\" {\n  " + tc.config + "\n}\n",
					ExpectError: wrapped(tc.want),
				}},
			})
		})
	}
}

// TestPodSecurityAdmissionWarnsOnPrivileged: enforce privileged outside kube-system is
// rendered with a warning (plan-check's EPS107); in kube-system it is not.
func TestPodSecurityAdmissionWarnsOnPrivileged(t *testing.T) {
	resp := readWith(t, NewPodSecurityAdmissionDataSource(), map[string]tftypes.Value{"profile": str("privileged"), "namespace": str("apps")})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	w := resp.Diagnostics.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Detail(), `namespace "apps"`) || !strings.Contains(w[0].Detail(), "EPS107") {
		t.Fatalf("warnings %v", w)
	}
	kube := readWith(t, NewPodSecurityAdmissionDataSource(), map[string]tftypes.Value{"profile": str("privileged"), "namespace": str("kube-system")})
	if len(kube.Diagnostics) != 0 {
		t.Errorf("kube-system: %v", kube.Diagnostics)
	}
}
