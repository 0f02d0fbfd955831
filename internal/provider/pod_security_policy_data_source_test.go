package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccPodSecurityPolicy_restricted(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_pod_security_policy" "r" {
  kubernetes_version = "1.24"
}
output "kind" { value = data.ekspodsec_pod_security_policy.r.manifest.kind }
output "privileged" { value = data.ekspodsec_pod_security_policy.r.manifest.spec.privileged }
output "drop" { value = data.ekspodsec_pod_security_policy.r.manifest.spec.requiredDropCapabilities[0] }
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.ekspodsec_pod_security_policy.r", "name", "restricted"),
				resource.TestCheckResourceAttr("data.ekspodsec_pod_security_policy.r", "profile", "restricted"),
				resource.TestCheckResourceAttrWith("data.ekspodsec_pod_security_policy.r", "yaml", func(y string) error {
					for _, want := range []string{"kind: PodSecurityPolicy", "privileged: false", "allowPrivilegeEscalation: false",
						"rule: MustRunAsNonRoot", "- persistentVolumeClaim", "seccomp.security.alpha.kubernetes.io/allowedProfileNames: docker/default,runtime/default"} {
						if !strings.Contains(y, want) {
							return errorf("yaml lacks %q:\n%s", want, y)
						}
					}
					return nil
				}),
				resource.TestCheckOutput("kind", "PodSecurityPolicy"),
				resource.TestCheckOutput("privileged", "false"),
				resource.TestCheckOutput("drop", "ALL"),
			),
		}},
	})
}

func TestAccPodSecurityPolicy_fargateAndHostPaths(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
data "ekspodsec_pod_security_policy" "f" {
  name               = "baseline-fargate"
  profile            = "baseline"
  fargate            = true
  kubernetes_version = "v1.23.7"
  allowed_host_paths = [{ path_prefix = "/var/log" }, { path_prefix = "/data", read_only = false }]
  additional_volumes = ["csi"]
  labels             = { team = "platform" }
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.ekspodsec_pod_security_policy.f", "allowed_host_paths.0.read_only", "true"),
				resource.TestCheckResourceAttrWith("data.ekspodsec_pod_security_policy.f", "json", func(j string) error {
					for _, want := range []string{`"name": "baseline-fargate"`, `"hostNetwork": false`, `"pathPrefix": "/var/log"`, `"readOnly": true`, `"team": "platform"`} {
						if !strings.Contains(j, want) {
							return errorf("json lacks %q:\n%s", want, j)
						}
					}
					if strings.Contains(j, "allowedCapabilities") || strings.Contains(j, "hostPorts") {
						return errorf("a Fargate policy allows no added capabilities or host ports:\n%s", j)
					}
					return nil
				}),
			),
		}},
	})
}

// TestAccPodSecurityPolicy_refusals: each unsafe or impossible request is an error on
// the attribute at fault.
func TestAccPodSecurityPolicy_refusals(t *testing.T) {
	for name, tc := range map[string]struct{ config, want string }{
		"privileged on fargate": {`profile = "privileged"
  fargate = true`, `(?s)Privileged profile on Fargate.*Fargate refuses privileged containers`},
		"1.25 or later": {`kubernetes_version = "1.29"`, `(?s)removed in Kubernetes 1.25.*Pod Security Admission.*ValidatingAdmissionPolicy`},
		"capabilities on fargate": {`fargate = true
  allowed_capabilities = ["NET_ADMIN"]`, `only lets containers drop capabilities`},
		"relative host path": {`allowed_host_paths = [{ path_prefix = "var/log" }]`, `not absolute`},
		"host path with ..":  {`allowed_host_paths = [{ path_prefix = "/var/log/../../etc" }]`, `contains ".."`},
		"unknown profile":    {`profile = "lenient"`, `value must be one of`},
		"unknown capability": {`allowed_capabilities = ["CAP_SYS_ADMIN"]`, `without CAP_`},
		"unknown volume":     {`additional_volumes = ["floppy"]`, `(?s)additional_volumes\[0\]: unknown volume type "floppy"`},
		"volume case":        {`additional_volumes = ["CSI"]`, `(?s)additional_volumes\[0\]: unknown volume type "CSI": volume types are case-sensitive, write "csi"`},
		"hostPath lowercase": {`additional_volumes = ["hostpath"]`, `(?s)additional_volumes\[0\]: volume type "hostpath": hostPath is not allowed wholesale.*allowed_host_paths`},
		"hostPath wholesale": {`additional_volumes = ["hostPath"]`, `(?s)hostPath is not allowed wholesale.*allowed_host_paths`},
		"reserved annotation": {`annotations = { "seccomp.security.alpha.kubernetes.io/defaultProfileName" = "unconfined" }`,
			`(?s)annotations\["seccomp.security.alpha.kubernetes.io/defaultProfileName"\].*cannot be changed to "unconfined"`},
		"bad version": {`kubernetes_version = "latest"`, `not a Kubernetes version`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      "data \"ekspodsec_pod_security_policy\" \"x\" {\n  " + tc.config + "\n}\n",
					ExpectError: wrapped(tc.want),
				}},
			})
		})
	}
}

// TestPodSecurityPolicyWarnsWithoutVersion: without kubernetes_version the policy is
// rendered, with a warning that it needs a cluster older than 1.25.
func TestPodSecurityPolicyWarnsWithoutVersion(t *testing.T) {
	resp := readWith(t, NewPodSecurityPolicyDataSource(), nil)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	w := resp.Diagnostics.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Summary(), "older than Kubernetes 1.25") {
		t.Fatalf("warnings %v", w)
	}
	with := readWith(t, NewPodSecurityPolicyDataSource(), map[string]tftypes.Value{"kubernetes_version": str("1.23")})
	if len(with.Diagnostics) != 0 {
		t.Errorf("with a version: %v", with.Diagnostics)
	}
}
