package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestPSPRules(t *testing.T) {
	fs := judge(t, Options{}, map[string]string{
		"kubernetes_manifest.open":       privilegedPSP,
		"kubernetes_manifest.restricted": restrictedPSP,
	})
	open, restricted := at(fs, "kubernetes_manifest.open"), at(fs, "kubernetes_manifest.restricted")
	if !has(open, finding.Fail, "EPS101") || !has(open, finding.Fail, "EPS102") {
		t.Errorf("privileged PSP: %s", ids(open))
	}
	if len(restricted) != 0 {
		t.Errorf("the guide's restricted PSP: %s", ids(restricted))
	}
	// allowPrivilegeEscalation left unset defaults to true in a PSP
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.p": `apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: p}
spec:
  runAsUser: {rule: MustRunAsNonRoot}
  seLinux: {rule: RunAsAny}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
  volumes: [hostPath]
  allowedHostPaths: [{pathPrefix: /var/log}]
`})
	if !has(fs, finding.Fail, "EPS102") || has(fs, finding.Fail, "EPS101") {
		t.Errorf("unset allowPrivilegeEscalation and writable hostPath: %s", ids(fs))
	}
}
