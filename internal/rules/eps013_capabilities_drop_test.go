package rules

import (
	"testing"
)

func TestEPS013(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS013 drop all lowercase counts",
			doc: pod(`
  containers: [{name: app, image: nginx, securityContext: {capabilities: {drop: [all]}}}]
`), notFail: []string{"EPS013"}},
	})
}
