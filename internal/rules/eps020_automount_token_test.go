package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS020(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS020 automount token",
			doc: pod(`
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS020"}},
	})
}

// TestEPS020Explicit: an explicit true is a choice (info), unset or a provider default is
// the accident the rule is about (low).
func TestEPS020Explicit(t *testing.T) {
	for _, c := range []struct {
		value string
		want  finding.Severity
	}{
		{"automountServiceAccountToken: true", finding.Info},
		{`automountServiceAccountToken: "(default)true"`, finding.Low},
		{"", finding.Low},
	} {
		fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod("  " + c.value + "\n  containers: [{name: app, image: nginx}]\n")})
		found := false
		for _, f := range fs {
			if f.RuleID == "EPS020" {
				found = true
				if f.Severity != c.want || f.Status != finding.Fail {
					t.Errorf("%q: EPS020 %s %s, want fail %s", c.value, f.Status, f.Severity, c.want)
				}
			}
		}
		if !found {
			t.Errorf("%q: EPS020 not reported", c.value)
		}
	}
}
