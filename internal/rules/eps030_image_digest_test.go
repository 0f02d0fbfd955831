package rules

import (
	"testing"
)

func TestEPS030(t *testing.T) {
	on := Options{Overrides: map[string]RuleOverride{"EPS030": {Enabled: true}}}
	doc := pod(`
  containers:
  - {name: tagged, image: "nginx:1.27.3"}
  - {name: digest, image: "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
  - {name: both, image: "nginx:1.27.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
  - {name: unknown, image: "(unknown)"}
`)
	runCases(t, []ruleCase{
		{name: "off by default", doc: doc, notAnything: []string{"EPS030"}},
		{name: "enabled", doc: doc, opts: on, fail: []string{"EPS030@tagged"}, unknown: []string{"EPS030@unknown"},
			notAnything: []string{"EPS030@digest", "EPS030@both"}},
	})
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Rules() {
		if r.ID == "EPS030" {
			t.Error("a default-off rule is in the engine's catalogue without being enabled")
		}
	}
}
