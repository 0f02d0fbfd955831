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
