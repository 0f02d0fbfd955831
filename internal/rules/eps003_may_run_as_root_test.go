package rules

import (
	"testing"
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
