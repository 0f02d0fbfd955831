package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS023(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "unset, false, true, provider default",
			doc: pod(`
  containers:
  - {name: unset, image: nginx}
  - {name: written-false, image: nginx, securityContext: {readOnlyRootFilesystem: false}}
  - {name: ro, image: nginx, securityContext: {readOnlyRootFilesystem: true}}
  - {name: provider, image: nginx, securityContext: {readOnlyRootFilesystem: "(default)false"}}
  initContainers:
  - {name: init, image: busybox}
`), fail: []string{"EPS023@unset", "EPS023@written-false", "EPS023@provider", "EPS023@init"}, notAnything: []string{"EPS023@ro"}},
		{name: "unknown",
			doc: pod(`
  containers:
  - {name: app, image: nginx, securityContext: {readOnlyRootFilesystem: "(unknown)"}}
`), unknown: []string{"EPS023@app"}, notFail: []string{"EPS023"}},
		{name: "windows pods are exempt",
			doc: pod(`
  os: {name: windows}
  containers:
  - {name: app, image: mcr.microsoft.com/windows/servercore}
`), notAnything: []string{"EPS023"}},
	})
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers:
  - {name: written-false, image: nginx, securityContext: {readOnlyRootFilesystem: false}}
  - {name: provider, image: nginx, securityContext: {readOnlyRootFilesystem: "(default)false"}}
`)})
	for _, f := range fs {
		if f.RuleID != "EPS023" {
			continue
		}
		if f.Severity != finding.Low || f.K8sPath != "spec.containers[0].securityContext.readOnlyRootFilesystem" && f.K8sPath != "spec.containers[1].securityContext.readOnlyRootFilesystem" {
			t.Errorf("%+v", f)
		}
		if f.Container == "provider" && !strings.Contains(f.Message, "the test's provider sends it by default") {
			t.Errorf("the message must say who sent false: %q", f.Message)
		}
		if f.Container == "written-false" && !strings.Contains(f.Message, "sets readOnlyRootFilesystem to false") {
			t.Errorf("message %q", f.Message)
		}
	}
}
