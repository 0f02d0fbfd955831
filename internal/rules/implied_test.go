package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// TestPrivilegedImplies: a privileged container is one finding (EPS001) that names what it
// implies; EPS002, EPS013 and EPS016 are not reported for it, but still are for its
// unprivileged neighbours, and an explicit allowPrivilegeEscalation: true stays.
func TestPrivilegedImplies(t *testing.T) {
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers:
  - {name: agent, image: cni, securityContext: {privileged: true}}
  - {name: explicit, image: cni, securityContext: {privileged: true, allowPrivilegeEscalation: true}}
  - {name: defaulted, image: cni, securityContext: {privileged: true, allowPrivilegeEscalation: "(default)true"}}
  - {name: app, image: nginx}
`)})
	for _, want := range []string{"EPS001@agent", "EPS002@explicit", "EPS002@app", "EPS013@app", "EPS016"} {
		if !has(fs, finding.Fail, want) {
			t.Errorf("want %s: %s", want, ids(fs))
		}
	}
	for _, not := range []string{"EPS002@agent", "EPS002@defaulted", "EPS013@agent", "EPS013@explicit", "EPS016@agent"} {
		if has(fs, finding.Fail, not) || has(fs, finding.Unknown, not) {
			t.Errorf("%s is implied by EPS001: %s", not, ids(fs))
		}
	}
	for _, f := range fs {
		if f.RuleID == "EPS001" && !strings.Contains(f.Message, "(EPS002)") {
			t.Errorf("EPS001's message does not name what it implies: %s", f.Message)
		}
		if f.RuleID == "EPS016" && (f.Container != "app" || strings.Contains(f.Message, "agent")) {
			t.Errorf("EPS016 must name only the unprivileged container: %+v", f)
		}
	}
}

// TestImpliedWhenImplyingRuleDisabled: with EPS001 turned off, nothing folds into it.
func TestImpliedWhenImplyingRuleDisabled(t *testing.T) {
	fs := judge(t, Options{Overrides: map[string]RuleOverride{"EPS001": {Disabled: true}}}, map[string]string{"kubernetes_manifest.x": pod(`
  containers:
  - {name: agent, image: cni, securityContext: {privileged: true}}
`)})
	for _, want := range []string{"EPS002@agent", "EPS013@agent", "EPS016@agent"} {
		if !has(fs, finding.Fail, want) {
			t.Errorf("want %s with EPS001 disabled: %s", want, ids(fs))
		}
	}
}

// TestPodLevelOnce: a pod-level setting is one finding naming the containers, not one per
// container on the same line; a container's own setting stays its own finding.
func TestPodLevelOnce(t *testing.T) {
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  initContainers:
  - {name: migrate, image: app}
  containers:
  - {name: app, image: app}
  - {name: sidecar, image: envoy}
  - {name: own, image: app, securityContext: {runAsNonRoot: false, seccompProfile: {type: Unconfined}}}
`)})
	count := map[string]int{}
	for _, f := range fs {
		count[f.RuleID+"|"+f.K8sPath]++
		if f.K8sPath == "spec.securityContext.runAsNonRoot" && (f.Container != "" || !strings.Contains(f.Message, "migrate and container app and container sidecar") && !strings.Contains(f.Message, "init container migrate, container app and container sidecar")) {
			t.Errorf("pod-level EPS003 must name the containers: %+v", f)
		}
	}
	for k, n := range count {
		if n > 1 {
			t.Errorf("%s reported %d times", k, n)
		}
	}
	for _, want := range []string{"EPS003", "EPS003@own", "EPS016", "EPS016@own"} {
		if !has(fs, finding.Fail, want) {
			t.Errorf("want %s: %s", want, ids(fs))
		}
	}
}
