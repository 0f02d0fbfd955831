package plancheck

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// newRulesCase is one case of testdata/newrules/expected.json.
type newRulesCase struct {
	expectation
	Enable          []string            `json:"enable"`
	Severity        map[string]string   `json:"severity"`
	Count           map[string]int      `json:"count"`
	Messages        map[string][]string `json:"messages"`
	NeverInMessages map[string][]string `json:"never_in_messages"`
}

// TestNewRulesFixtures runs plan-check over the real plans made for the rules of the
// current guide and the peers' checks (testdata/newrules, one case per rule or group) and
// asserts each case's expectations.
func TestNewRulesFixtures(t *testing.T) {
	assertNewRules(t, "testdata/newrules/expected.json", 12, func(name string) string { return filepath.Join("testdata/newrules", name, "plan.json") })
}

// TestPlaceholderFindings: the shared fixtures' future-rule placeholders are reported by
// the rules that implement them (testdata/placeholders.json).
func TestPlaceholderFindings(t *testing.T) {
	assertNewRules(t, "testdata/placeholders.json", 8, func(name string) string { return filepath.Join("testdata/plans", name) })
}

func assertNewRules(t *testing.T, file string, atLeast int, planPath func(string) string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range all {
		if !strings.HasPrefix(n, "_") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) < atLeast {
		t.Fatalf("only %d cases", len(names))
	}
	for _, name := range names {
		var c newRulesCase
		if err := json.Unmarshal(all[name], &c); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(planPath(name))
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{PlanName: name, Gate: report.Gate{FailOn: finding.High}, Rules: rules.Options{Overrides: map[string]rules.RuleOverride{}}}
			for _, id := range c.Enable {
				opts.Rules.Overrides[id] = rules.RuleOverride{Enabled: true}
			}
			rep, err := Check(data, opts)
			if err != nil {
				t.Fatal(err)
			}
			fails, unknowns := keys(rep.Findings, finding.Fail), keys(rep.Findings, finding.Unknown)
			for addr, ids := range c.Must {
				for _, r := range ids {
					if !fails[addr+"|"+r] {
						t.Errorf("must: %s at %s", r, addr)
					}
				}
			}
			for addr, ids := range c.MustUnknown {
				for _, r := range ids {
					if !unknowns[addr+"|"+r] {
						t.Errorf("must_unknown: %s at %s", r, addr)
					}
				}
			}
			for addr, ids := range c.MustNot {
				for _, r := range ids {
					if fails[addr+"|"+r] {
						t.Errorf("must_not: %s at %s", r, addr)
					}
				}
			}
			for addr, ids := range c.MustNotUnknown {
				for _, r := range ids {
					if unknowns[addr+"|"+r] {
						t.Errorf("must_not_unknown: %s at %s", r, addr)
					}
				}
			}
			matching := func(key string) []finding.Finding {
				addr, rule, _ := strings.Cut(key, "|")
				id, container, _ := strings.Cut(rule, "@")
				var out []finding.Finding
				for _, f := range rep.Findings {
					if f.Address == addr && f.RuleID == id && f.Status == finding.Fail && (container == "" || f.Container == container) {
						out = append(out, f)
					}
				}
				return out
			}
			for key, want := range c.Severity {
				for _, f := range matching(key) {
					if f.Severity.String() != want {
						t.Errorf("%s: severity %s, want %s (%s)", key, f.Severity, want, f.Message)
					}
				}
			}
			for key, want := range c.Count {
				if got := len(matching(key)); got != want {
					t.Errorf("%s: %d findings, want %d", key, got, want)
				}
			}
			for key, wants := range c.Messages {
				var text []string
				for _, f := range matching(key) {
					text = append(text, f.Message)
				}
				for _, w := range wants {
					if !strings.Contains(strings.Join(text, "\n"), w) {
						t.Errorf("%s: no message says %q:\n%s", key, w, strings.Join(text, "\n"))
					}
				}
			}
			for key, nevers := range c.NeverInMessages {
				for _, f := range matching(key) {
					for _, n := range nevers {
						if strings.Contains(f.Message, n) {
							t.Errorf("%s: %q in %q", key, n, f.Message)
						}
					}
				}
			}
			if len(c.NeverPrint) > 0 {
				var out bytes.Buffer
				for _, format := range []func() error{
					func() error { return report.WriteJSON(&out, rep) },
					func() error { return report.WriteText(&out, rep, report.TextOptions{}) },
					func() error { return report.WriteSARIF(&out, rep) },
				} {
					if err := format(); err != nil {
						t.Fatal(err)
					}
				}
				for _, s := range c.NeverPrint {
					if strings.Contains(out.String(), s) {
						t.Errorf("a report prints the sensitive value %q", s)
					}
				}
			}
		})
	}
}
