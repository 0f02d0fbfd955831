package rules

import (
	"testing"
)

func TestEPS009(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS009 docker in docker images",
			doc: pod(`
  containers:
  - {name: a, image: "docker:24-dind"}
  - {name: b, image: "docker.io/library/docker:dind-rootless"}
  - {name: c, image: "registry.example.com/ci/dind:1"}
  - {name: d, image: "docker:24-cli"}
  - {name: e, image: "nginx:1.25"}
`), fail: []string{"EPS009@a", "EPS009@b", "EPS009@c"}, notFail: []string{"EPS009@d", "EPS009@e"}},
		{name: "EPS009 unknown image",
			doc: pod(`
  containers: [{name: app, image: "(unknown)"}]
`), unknown: []string{"EPS009@app"}},
	})
}
