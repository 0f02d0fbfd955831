package rules

import (
	"strings"
	"testing"
)

func TestEPS024(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "default", doc: pod(`
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS024"}},
		{name: "true", doc: pod(`
  enableServiceLinks: true
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS024"}},
		{name: "provider default", doc: pod(`
  enableServiceLinks: "(default)true"
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS024"}},
		{name: "false", doc: pod(`
  enableServiceLinks: false
  containers: [{name: app, image: nginx}]
`), notAnything: []string{"EPS024"}},
		{name: "unknown", doc: pod(`
  enableServiceLinks: "(unknown)"
  containers: [{name: app, image: nginx}]
`), unknown: []string{"EPS024"}, notFail: []string{"EPS024"}},
	})
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers: [{name: app, image: nginx}]
`)})
	for _, f := range fs {
		if f.RuleID == "EPS024" && (f.Container != "" || f.K8sPath != "spec.enableServiceLinks" || !strings.Contains(f.Message, "namespace apps")) {
			t.Errorf("one pod-level finding naming the namespace: %+v", f)
		}
	}
}
