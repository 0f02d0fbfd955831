package rules

import (
	"testing"
)

func TestEPS011(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS011 host port",
			doc: pod(`
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 80, hostPort: 8080}]}
  - {name: side, image: nginx, ports: [{containerPort: 9090}]}
`), fail: []string{"EPS011@app"}, notFail: []string{"EPS011@side"}},
	})
}
