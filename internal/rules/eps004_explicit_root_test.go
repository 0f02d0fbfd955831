package rules

import (
	"testing"
)

func TestEPS004(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS004 root user, group, fsGroup, supplemental group",
			doc: pod(`
  securityContext: {fsGroup: 0, supplementalGroups: [1000, 0]}
  containers:
  - {name: u, image: nginx, securityContext: {runAsUser: 0}}
  - {name: g, image: nginx, securityContext: {runAsUser: 1000, runAsGroup: 0}}
`), fail: []string{"EPS004@u", "EPS004@g", "EPS004"}},
		{name: "EPS004 container user overrides pod root",
			doc: pod(`
  securityContext: {runAsUser: 0}
  containers:
  - {name: fixed, image: nginx, securityContext: {runAsUser: 1000}}
  - {name: inherits, image: nginx}
`), fail: []string{"EPS004@inherits"}, notFail: []string{"EPS004@fixed"}},
		{name: "EPS004 unknown user",
			doc: pod(`
  containers: [{name: app, image: nginx, securityContext: {runAsUser: "(unknown)"}}]
`), unknown: []string{"EPS004@app", "EPS003@app"}, notFail: []string{"EPS004", "EPS003"}},
	})
}
