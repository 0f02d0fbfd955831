package plancheck

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/source"
)

// expectation is one plan's entry in testdata/expected.json (a copy of the shared
// fixtures' expectations): what plan-check must and must not report.
type expectation struct {
	Must        map[string][]string `json:"must"`
	MustUnknown map[string][]string `json:"must_unknown"`
	MustNot     map[string][]string `json:"must_not"`
	// MustNotUnknown forbids status unknown (MustNot forbids only fail).
	MustNotUnknown map[string][]string `json:"must_not_unknown"`
	Clean          bool                `json:"clean"`
	NeverPrint     []string            `json:"never_print"`
	// Source is the case directory (relative to the expectations file) passed as --source.
	Source string `json:"source"`
	// PendingWrittenKeys lists, by address, the rules whose must_not_unknown holds only
	// once the source index gives the literal keys of maps (plan.Source): skipped, saying
	// so, while *source.Index does not implement it.
	PendingWrittenKeys map[string][]string `json:"pending_written_keys"`
}

func loadExpectations(t *testing.T, path string) map[string]expectation {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	out := map[string]expectation{}
	for name, v := range all {
		if strings.HasPrefix(name, "_") {
			continue
		}
		var e expectation
		if err := json.Unmarshal(v, &e); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = e
	}
	return out
}

// keys indexes findings of one status as "address|RULE" and "address|RULE@container".
func keys(fs []finding.Finding, status finding.Status) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		if f.Status != status {
			continue
		}
		out[f.Address+"|"+f.RuleID] = true
		if f.Container != "" {
			out[f.Address+"|"+f.RuleID+"@"+f.Container] = true
		}
	}
	return out
}

func checkPlan(t *testing.T, name string) *report.Report {
	t.Helper()
	return checkPlanSource(t, filepath.Join("testdata", "plans", name), "")
}

// checkPlanSource runs plan-check on the plan at path, with the Terraform source of
// sourceDir when it is given (as --source does).
func checkPlanSource(t *testing.T, path, sourceDir string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(path)
	opts := Options{PlanName: name, Gate: report.Gate{FailOn: finding.High}}
	if sourceDir != "" {
		idx, err := source.Load(sourceDir)
		if err != nil {
			t.Fatal(err)
		}
		opts.Source = idx
	}
	rep, err := Check(data, opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rep
}

// TestFixtureExpectations runs plan-check over every real plan of the shared fixtures and
// asserts every expectation: must, must_unknown, must_not, must_not_unknown, clean and
// never_print.
func TestFixtureExpectations(t *testing.T) {
	assertExpectations(t, filepath.Join("testdata", "expected.json"), filepath.Join("testdata", "plans"), 20, nil)
}

// hasWrittenKeys reports whether the source index gives plan-check the literal keys of maps.
func hasWrittenKeys() bool {
	_, ok := any((*source.Index)(nil)).(plan.Source)
	return ok
}

// TestPrecisionExpectations asserts the acceptance cases of the precision work (issue 11,
// a copy of the shared fixtures' expected-precision.json) like TestFixtureExpectations.
// checksum_annotations' EPS017 must_not_unknown needs the literal keys of the annotation
// map, which only the .tf source has: it is pending (skipped, saying why) while the source
// index does not implement plan.Source, and asserted as soon as it does.
func TestPrecisionExpectations(t *testing.T) {
	pending := map[string]map[string][]string{"checksum_annotations.json": {"kubernetes_deployment_v1.checksum": {"EPS017"}}}
	assertExpectations(t, filepath.Join("testdata", "expected-precision.json"), filepath.Join("testdata", "plans"), 6, pending)
}

// TestPrecisionCorpus asserts the expectations of each case of testdata/precision: a
// configuration written for plan-check (main.tf and its modules, planned with Terraform
// 1.11.4 and hashicorp/kubernetes 3.2.1 into plan.json) and its expected.json.
func TestPrecisionCorpus(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "precision", "*", "expected.json"))
	if err != nil || len(dirs) < 8 {
		t.Fatalf("precision corpus: %d cases (%v)", len(dirs), err)
	}
	for _, e := range dirs {
		dir := filepath.Dir(e)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			assertExpectations(t, e, dir, 1, nil)
		})
	}
}

// assertExpectations asserts every expectation of the file at path (at least min plans,
// found in plansDir; sources relative to the file's directory). pending adds, by plan, to
// the plans' own pending_written_keys.
func assertExpectations(t *testing.T, path, plansDir string, min int, pending map[string]map[string][]string) {
	exp := loadExpectations(t, path)
	names := make([]string, 0, len(exp))
	for n := range exp {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) < min {
		t.Fatalf("only %d expectations loaded", len(names))
	}
	hasKeys := hasWrittenKeys()
	// skip reports whether a must_not_unknown expectation waits for WrittenKeys, in a
	// subtest of its own that says so.
	skip := func(t *testing.T, e expectation, planFile, addr, rule string) bool {
		if hasKeys || !(slices.Contains(e.PendingWrittenKeys[addr], rule) || slices.Contains(pending[planFile][addr], rule)) {
			return false
		}
		t.Run("pending must_not_unknown "+rule+" at "+addr, func(t *testing.T) {
			t.Skip("needs the literal keys of the map from the .tf source: source.Index does not implement plan.Source (WrittenKeys) yet")
		})
		return true
	}
	for _, name := range names {
		e := exp[name]
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			src := ""
			if e.Source != "" {
				src = filepath.Join(filepath.Dir(path), e.Source)
			}
			rep := checkPlanSource(t, filepath.Join(plansDir, name), src)
			fails, unknowns := keys(rep.Findings, finding.Fail), keys(rep.Findings, finding.Unknown)
			for addr, rules := range e.Must {
				for _, r := range rules {
					if !fails[addr+"|"+r] {
						t.Errorf("must: %s at %s not reported as fail", r, addr)
					}
				}
			}
			for addr, rules := range e.MustUnknown {
				for _, r := range rules {
					if !unknowns[addr+"|"+r] {
						t.Errorf("must_unknown: %s at %s not reported as unknown", r, addr)
					}
				}
			}
			for addr, rules := range e.MustNot {
				for _, r := range rules {
					if fails[addr+"|"+r] {
						t.Errorf("must_not: %s reported at %s", r, addr)
					}
				}
			}
			for addr, rules := range e.MustNotUnknown {
				for _, r := range rules {
					if skip(t, e, name, addr, r) {
						continue
					}
					if unknowns[addr+"|"+r] {
						t.Errorf("must_not_unknown: %s reported as unknown at %s", r, addr)
					}
				}
			}
			if e.Clean {
				for _, f := range rep.Findings {
					if f.Status == finding.Fail && f.Severity >= finding.Medium {
						t.Errorf("clean plan reports %s (%s) at %s: %s", f.RuleID, f.Severity, f.Address, f.Message)
					}
				}
			}
			if len(e.NeverPrint) > 0 {
				var out bytes.Buffer
				if err := report.WriteJSON(&out, rep); err != nil {
					t.Fatal(err)
				}
				if err := report.WriteText(&out, rep, report.TextOptions{}); err != nil {
					t.Fatal(err)
				}
				for _, s := range e.NeverPrint {
					if strings.Contains(out.String(), s) {
						t.Errorf("a report prints the sensitive value %q", s)
					}
				}
			}
		})
	}
}

// TestViolatingPlansFail checks the gate: every *_violating plan fails at the default
// threshold and every *_compliant plan passes.
func TestViolatingPlansFail(t *testing.T) {
	files, err := filepath.Glob("testdata/plans/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no plans: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		rep := checkPlan(t, name)
		switch {
		case strings.Contains(name, "_violating") && !rep.Failed():
			t.Errorf("%s: violating plan passes the gate", name)
		case strings.Contains(name, "_compliant") && rep.Failed():
			t.Errorf("%s: compliant plan fails the gate", name)
		}
	}
}

// TestDeterministic checks that the same plan renders byte-identical reports.
func TestDeterministic(t *testing.T) {
	for _, name := range []string{"deployment_v1_violating.json", "augmented_psp_rbac.json", "unknown_values_violating.json"} {
		var first []byte
		for i := 0; i < 5; i++ {
			var b bytes.Buffer
			if err := report.WriteJSON(&b, checkPlan(t, name)); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = b.Bytes()
			} else if !bytes.Equal(first, b.Bytes()) {
				t.Fatalf("%s: run %d differs from run 0", name, i)
			}
		}
	}
}
