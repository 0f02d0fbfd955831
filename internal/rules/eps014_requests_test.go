package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestResourceRules(t *testing.T) {
	lr := `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: apps}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
`
	runCases(t, []ruleCase{
		{name: "missing requests and limits",
			doc: pod(`
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS014@app", "EPS015@app"}},
		{name: "limits imply requests",
			doc: pod(`
  containers: [{name: app, image: nginx, resources: {limits: {cpu: "1", memory: 1Gi}}}]
`), notFail: []string{"EPS014", "EPS015"}},
		{name: "requests only",
			doc: pod(`
  containers: [{name: app, image: nginx, resources: {requests: {cpu: "1", memory: 1Gi}}}]
`), fail: []string{"EPS015@app"}, notFail: []string{"EPS014"}},
		{name: "ephemeral containers cannot have resources",
			doc: pod(`
  containers: [{name: app, image: nginx, resources: {limits: {cpu: "1", memory: 1Gi}}}]
  ephemeralContainers: [{name: dbg, image: busybox}]
`), notFail: []string{"EPS014@dbg", "EPS015@dbg"}},
		{name: "unknown limits",
			doc: pod(`
  containers: [{name: app, image: nginx, resources: {requests: {cpu: "1", memory: 1Gi}, limits: {cpu: "(unknown)", memory: 1Gi}}}]
`), unknown: []string{"EPS015@app"}, notFail: []string{"EPS015"}},
	})
	t.Run("LimitRange with defaults covers the namespace", func(t *testing.T) {
		fs := judge(t, Options{}, map[string]string{
			"kubernetes_manifest.lr":  lr,
			"kubernetes_manifest.pod": pod("  containers: [{name: app, image: nginx}]\n"),
			"kubernetes_manifest.other": strings.Replace(pod("  containers: [{name: app, image: nginx}]\n"),
				"namespace: apps", "namespace: other", 1),
		})
		for _, f := range fs {
			if (f.RuleID == "EPS014" || f.RuleID == "EPS015") && f.Address == "kubernetes_manifest.pod" {
				t.Errorf("covered by the LimitRange: %s %s", f.RuleID, f.Message)
			}
		}
		if !has(fs, finding.Fail, "EPS014@app") {
			t.Errorf("namespace other has no LimitRange: %s", ids(fs))
		}
	})
	t.Run("LimitRange max alone sets the default limit and request", func(t *testing.T) {
		fs := judge(t, Options{}, map[string]string{
			"kubernetes_manifest.lr": `apiVersion: v1
kind: LimitRange
metadata: {name: m, namespace: apps}
spec:
  limits: [{type: Container, max: {cpu: "2", memory: 2Gi}}]
`,
			"kubernetes_manifest.pod": pod("  containers: [{name: app, image: nginx}]\n"),
		})
		if has(fs, finding.Fail, "EPS014") || has(fs, finding.Fail, "EPS015") {
			t.Errorf("max defaults limits and requests: %s", ids(fs))
		}
	})
	t.Run("LimitRange in an unknown namespace makes it unknown", func(t *testing.T) {
		fs := judge(t, Options{}, map[string]string{
			"kubernetes_manifest.lr":  strings.Replace(lr, "namespace: apps", `namespace: "(unknown)"`, 1),
			"kubernetes_manifest.pod": pod("  containers: [{name: app, image: nginx}]\n"),
		})
		if has(fs, finding.Fail, "EPS014") || !has(fs, finding.Unknown, "EPS014") {
			t.Errorf("want EPS014 unknown: %s", ids(fs))
		}
	})
}
