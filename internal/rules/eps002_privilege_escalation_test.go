package rules

import (
	"testing"
)

func TestEPS002(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS002 unset, true and false",
			doc: pod(`
  containers:
  - {name: unset, image: nginx}
  - {name: on-true, image: nginx, securityContext: {allowPrivilegeEscalation: true}}
  - {name: disabled, image: nginx, securityContext: {allowPrivilegeEscalation: false}}
`), fail: []string{"EPS002@unset", "EPS002@on-true"}, notFail: []string{"EPS002@disabled"}},
	})
}
