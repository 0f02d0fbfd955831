package rules

import (
	"testing"
)

func TestEPS005(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS005-EPS008 docker socket read-write",
			doc: pod(`
  containers:
  - {name: app, image: nginx, volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]}
  volumes:
  - {name: sock, hostPath: {path: /var/run/docker.sock}}
`), fail: []string{"EPS005", "EPS006@app", "EPS007", "EPS008"}},
	})
}
