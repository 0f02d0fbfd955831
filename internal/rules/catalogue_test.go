package rules

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestCatalogue: IDs are unique, in order, well formed, and every rule says what to do.
func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	prev := ""
	id := regexp.MustCompile(`^EPS[0-9]{3}$`)
	for _, r := range Catalogue() {
		if !id.MatchString(r.ID) || seen[r.ID] || r.ID <= prev {
			t.Errorf("bad, duplicate or out-of-order ID %q", r.ID)
		}
		seen[r.ID], prev = true, r.ID
		if r.Title == "" || r.Guide == "" || len(r.Remediation) < 40 {
			t.Errorf("%s lacks a title, guide section or remediation", r.ID)
		}
		checks := 0
		for _, set := range []bool{r.Workload != nil, r.Object != nil, r.Opaque != nil} {
			if set {
				checks++
			}
		}
		if checks != 1 {
			t.Errorf("%s must have exactly one check (workloads, objects or opaque objects)", r.ID)
		}
		if r.CEL != nil && (r.Workload == nil || r.CEL.Expression == nil || r.CEL.Message == nil) {
			t.Errorf("%s: a CEL form belongs to a workload rule and needs an expression and a message", r.ID)
		}
	}
}

// TestCatalogueDocumented: docs/plan-check.md carries the catalogue table the catalogue
// renders; regenerate with `make docs`.
func TestCatalogueDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/plan-check.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), Table()) {
		t.Errorf("docs/plan-check.md's catalogue table is stale: run make docs")
	}
}

// TestRuleDocsCurrent: docs/rules/ID.md (linked from SARIF and annotations) is what the
// catalogue renders; regenerate with `make docs`.
func TestRuleDocsCurrent(t *testing.T) {
	for _, r := range Catalogue() {
		got, err := os.ReadFile("../../docs/rules/" + r.ID + ".md")
		if err != nil {
			t.Errorf("%s: %v (run make docs)", r.ID, err)
			continue
		}
		if string(got) != Doc(r) {
			t.Errorf("docs/rules/%s.md is stale: run make docs", r.ID)
		}
		if len(r.Description) < 60 {
			t.Errorf("%s: description too short to explain the rule", r.ID)
		}
	}
}
