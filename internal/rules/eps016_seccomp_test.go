package rules

import (
	"testing"
)

func TestEPS016(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS016 seccomp unset, unconfined, runtime default, localhost",
			doc: pod(`
  containers:
  - {name: unset, image: nginx}
  - {name: unconfined, image: nginx, securityContext: {seccompProfile: {type: Unconfined}}}
  - {name: rd, image: nginx, securityContext: {seccompProfile: {type: RuntimeDefault}}}
  - {name: lh, image: nginx, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}
`), fail: []string{"EPS016@unset", "EPS016@unconfined"}, notFail: []string{"EPS016@rd", "EPS016@lh"}},
		{name: "EPS016 pod level unconfined, container overrides",
			doc: pod(`
  securityContext: {seccompProfile: {type: Unconfined}}
  containers:
  - {name: inherits, image: nginx}
  - {name: fixed, image: nginx, securityContext: {seccompProfile: {type: RuntimeDefault}}}
`), fail: []string{"EPS016@inherits"}, notFail: []string{"EPS016@fixed"}},
		{name: "EPS016 windows pods exempt",
			doc: pod(`
  os: {name: windows}
  containers: [{name: app, image: mcr.microsoft.com/windows/nanoserver}]
`), notFail: []string{"EPS016"}},
	})
}
