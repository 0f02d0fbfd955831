package rules

import (
	"testing"
)

func TestEPS010(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS010 host namespaces",
			doc: pod(`
  hostNetwork: true
  hostPID: true
  hostIPC: true
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS010"}},
	})
}
