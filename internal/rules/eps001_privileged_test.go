package rules

import (
	"testing"
)

func TestEPS001(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS001 privileged container and init container",
			doc: pod(`
  initContainers:
  - {name: init, image: busybox, securityContext: {privileged: true}}
  containers:
  - {name: app, image: nginx, securityContext: {privileged: true}}
  - {name: side, image: nginx, securityContext: {privileged: false}}
`), fail: []string{"EPS001@init", "EPS001@app"}, notFail: []string{"EPS001@side"}},
		{name: "EPS001 ephemeral container",
			doc: pod(`
  containers: [{name: app, image: nginx}]
  ephemeralContainers:
  - {name: dbg, image: busybox, securityContext: {privileged: true}}
`), fail: []string{"EPS001@dbg"}},
		{name: "EPS001 unknown privileged",
			doc: pod(`
  containers: [{name: app, image: nginx, securityContext: {privileged: "(unknown)"}}]
`), unknown: []string{"EPS001@app"}, notFail: []string{"EPS001"}},
	})
}
