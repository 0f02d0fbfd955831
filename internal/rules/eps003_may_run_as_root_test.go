package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS003(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS003 may run as root; pod-level runAsNonRoot covers; container user covers",
			doc: pod(`
  containers:
  - {name: bare, image: nginx}
  - {name: user, image: nginx, securityContext: {runAsUser: 1000}}
  - {name: nonroot, image: nginx, securityContext: {runAsNonRoot: true}}
`), fail: []string{"EPS003@bare"}, notFail: []string{"EPS003@user", "EPS003@nonroot"}},
		{name: "EPS003 pod level covers all",
			doc: pod(`
  securityContext: {runAsNonRoot: true}
  containers: [{name: app, image: nginx}]
`), notFail: []string{"EPS003"}},
		{name: "EPS003 container runAsNonRoot false overrides pod",
			doc: pod(`
  securityContext: {runAsNonRoot: true}
  containers: [{name: app, image: nginx, securityContext: {runAsNonRoot: false}}]
`), fail: []string{"EPS003@app"}},
	})
}

// TestEPS003ExplicitOff: user 0 alone is EPS004's; user 0 with runAsNonRoot: false written
// is EPS003 too (the check is turned off on purpose); a non-zero user is never EPS003.
func TestEPS003ExplicitOff(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "user 0, runAsNonRoot unset", doc: pod(`
  securityContext: {runAsUser: 0}
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS004"}, notAnything: []string{"EPS003"}},
		{name: "user 0, runAsNonRoot false", doc: pod(`
  securityContext: {runAsUser: 0, runAsNonRoot: false}
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS003@app", "EPS004"}},
		{name: "user 1000, runAsNonRoot false", doc: pod(`
  securityContext: {runAsUser: 1000, runAsNonRoot: false}
  containers: [{name: app, image: nginx}]
`), notAnything: []string{"EPS003", "EPS004"}},
	})
}

// TestEPS003ProviderSendsFalse: a typed container with a security_context block that does
// not write run_as_non_root is sent with runAsNonRoot: false, which overrides the pod's
// true: without a non-zero runAsUser it may run as root. With one it does not (EPS032 then
// reports PSA restricted's refusal); written as a manifest, nothing is sent.
func TestEPS003ProviderSendsFalse(t *testing.T) {
	doc := pod(`
  securityContext: {runAsNonRoot: true}
  containers:
  - {name: app, image: nginx, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}
  - {name: sidecar, image: nginx}
`)
	fs := judgeObjects(t, Options{}, Facts{}, objtestTyped(t, "kubernetes_pod_v1.x", doc))
	if !has(fs, finding.Fail, "EPS003@app") || has(fs, finding.Fail, "EPS003@sidecar") {
		t.Fatalf("typed: %s", ids(fs))
	}
	for _, f := range fs {
		if f.RuleID == "EPS003" && (f.K8sPath != "spec.containers[0].securityContext.runAsNonRoot" ||
			!strings.Contains(f.Message, "its runAsNonRoot is false because the kubernetes provider sends false")) {
			t.Errorf("%+v", f)
		}
	}
	if fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": doc}); has(fs, finding.Fail, "EPS003") {
		t.Errorf("manifest: %s", ids(fs))
	}
	withUser := strings.Replace(doc, "{runAsNonRoot: true}", "{runAsNonRoot: true, runAsUser: 10001}", 1)
	fs = judgeObjects(t, Options{}, Facts{}, objtestTyped(t, "kubernetes_pod_v1.x", withUser))
	if has(fs, finding.Fail, "EPS003") || !has(fs, finding.Fail, "EPS032@app") {
		t.Errorf("typed with a user: %s", ids(fs))
	}
	unknownSet := strings.Replace(doc, "allowPrivilegeEscalation: false,", `allowPrivilegeEscalation: false, runAsNonRoot: "(unknown)",`, 1)
	fs = judgeObjects(t, Options{}, Facts{}, objtestTyped(t, "kubernetes_pod_v1.x", unknownSet))
	if has(fs, finding.Fail, "EPS003@app") {
		t.Errorf("an unknown run_as_non_root is not sent as false: %s", ids(fs))
	}
}
