package rules

import (
	"testing"
)

func TestEPS006(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS006 init container mounts read-write",
			doc: pod(`
  initContainers: [{name: chown, image: busybox, volumeMounts: [{name: data, mountPath: /data}]}]
  containers: [{name: app, image: nginx, volumeMounts: [{name: data, mountPath: /data, readOnly: true}]}]
  volumes: [{name: data, hostPath: {path: /srv/data}}]
`), fail: []string{"EPS006@chown"}, notFail: []string{"EPS006@app"}},
	})
}
