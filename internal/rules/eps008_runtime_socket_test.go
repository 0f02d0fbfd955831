package rules

import (
	"testing"
)

func TestEPS008(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS008 parent directory of the containerd socket",
			doc: pod(`
  containers: [{name: app, image: nginx, volumeMounts: [{name: run, mountPath: /run, readOnly: true}]}]
  volumes: [{name: run, hostPath: {path: /run/containerd}}]
`), fail: []string{"EPS008"}, notFail: []string{"EPS006"}},
		{name: "EPS008 not for unrelated run paths",
			doc: pod(`
  containers: [{name: app, image: nginx, volumeMounts: [{name: l, mountPath: /l, readOnly: true}]}]
  volumes: [{name: l, hostPath: {path: /var/run/secrets-store}}]
`), fail: []string{"EPS005", "EPS007"}, notFail: []string{"EPS008", "EPS006"}},
	})
}
