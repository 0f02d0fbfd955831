package rules

import (
	"testing"
)

func TestEPS018(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS018 volume types outside the restricted set",
			doc: pod(`
  containers: [{name: app, image: nginx}]
  volumes:
  - {name: nfs, nfs: {server: 10.0.0.1, path: /export}}
  - {name: git, gitRepo: {repository: https://example.com/r.git}}
  - {name: ok, emptyDir: {}}
  - {name: csi, csi: {driver: secrets-store.csi.k8s.io}}
`), fail: []string{"EPS018"}}})
}
