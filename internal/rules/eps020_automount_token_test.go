package rules

import (
	"testing"
)

func TestEPS020(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS020 automount token",
			doc: pod(`
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS020"}},
	})
}
