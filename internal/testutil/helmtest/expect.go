package helmtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// Expectation is one plan's entry in an expected.json of the shared fixtures (the format
// ../shared/tools/check-expected.py reads).
type Expectation struct {
	Must           map[string][]string `json:"must"`
	MustUnknown    map[string][]string `json:"must_unknown"`
	MustNot        map[string][]string `json:"must_not"`
	MustNotUnknown map[string][]string `json:"must_not_unknown"`
	Clean          bool                `json:"clean"`
	NeverPrint     []string            `json:"never_print"`
	// Source is the case directory (relative to the expectations file) given as --source.
	Source string `json:"source"`
}

// LoadExpectations reads an expected.json: plan file name -> expectation.
func LoadExpectations(path string) (map[string]Expectation, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]Expectation{}
	for name, v := range all {
		if strings.HasPrefix(name, "_") {
			continue
		}
		var e Expectation
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, name, err)
		}
		out[name] = e
	}
	return out, nil
}

// Names returns the plan names of a set of expectations, sorted.
func Names(exp map[string]Expectation) []string {
	names := make([]string, 0, len(exp))
	for n := range exp {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Evaluate counts the expectations one report meets, as check-expected.py does: each
// listed rule of must, must_unknown, must_not and must_not_unknown, clean, and each
// never_print string (against everything printed). It returns the count met and one line
// per expectation missed ("must EPS001@agent at helm_release.agent").
func (e Expectation) Evaluate(findings []finding.Finding, printed string) (passed int, missed []string) {
	key := func(status finding.Status) map[string]bool {
		out := map[string]bool{}
		for _, f := range findings {
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
	fails, unknowns := key(finding.Fail), key(finding.Unknown)
	check := func(kind string, table map[string][]string, in map[string]bool, want bool) {
		addrs := make([]string, 0, len(table))
		for a := range table {
			addrs = append(addrs, a)
		}
		sort.Strings(addrs)
		for _, addr := range addrs {
			for _, r := range table[addr] {
				if in[addr+"|"+r] == want {
					passed++
				} else {
					missed = append(missed, fmt.Sprintf("%s %s at %s", kind, r, addr))
				}
			}
		}
	}
	check("must", e.Must, fails, true)
	check("must_unknown", e.MustUnknown, unknowns, true)
	check("must_not", e.MustNot, fails, false)
	check("must_not_unknown", e.MustNotUnknown, unknowns, false)
	if e.Clean {
		var bad []string
		for _, f := range findings {
			if f.Status == finding.Fail && f.Severity >= finding.Medium {
				bad = append(bad, f.RuleID+"@"+f.Address)
			}
		}
		if len(bad) == 0 {
			passed++
		} else {
			missed = append(missed, "clean: "+strings.Join(bad, ", "))
		}
	}
	for i, s := range e.NeverPrint {
		if strings.Contains(printed, s) {
			missed = append(missed, fmt.Sprintf("never_print: sensitive value %d is printed", i))
		} else {
			passed++
		}
	}
	return passed, missed
}

// CatalogueConflicts returns the shared helm expectations ("plan|must RULE@container at
// ADDRESS", as Evaluate words what it misses) that the rule catalogue decides otherwise,
// on purpose (internal/rules, "one problem, one finding"): EPS002 and EPS013 are implied
// by EPS001 on a privileged container that does not write allowPrivilegeEscalation itself
// (EPS001's message names them; the shared privileged_agent fixture of the precision
// work asks for exactly that). These helm expectations were written before that catalogue
// relationship. Tests hold both sides to what they are, so that a change to either shows;
// the value says why.
func CatalogueConflicts() map[string]string {
	return map[string]string{
		"helm_set_overrides.json|must EPS002@dind at helm_release.web":           "EPS002 implied by EPS001",
		"helm_set_overrides.json|must EPS013@dind at helm_release.web":           "EPS013 implied by EPS001",
		"helm_set_overrides__manifest.json|must EPS002@dind at helm_release.web": "EPS002 implied by EPS001",
		"helm_set_overrides__manifest.json|must EPS013@dind at helm_release.web": "EPS013 implied by EPS001",
	}
}

// Fixtures are the shared helm fixtures (a copy: plans/, cases/, charts/, repo/ and
// expected.json) with their repository and registry served on free ports.
type Fixtures struct {
	Dir  string
	Repo *Repo
	// Registry is the OCI registry's host:port.
	Registry string
}

// The addresses the fixture plans name, which the tests' servers replace.
const (
	FixtureRepoURL = "http://127.0.0.1:8879/charts"
	FixtureOCIURL  = "oci://127.0.0.1:5001/charts"
)

// ServeFixtures serves dir/repo/charts as the HTTP repository and pushes the 0.1.0
// archives in it to an OCI registry, as the plans were made.
func ServeFixtures(t testing.TB, dir string) *Fixtures {
	t.Helper()
	charts := filepath.Join(dir, "repo", "charts")
	return &Fixtures{
		Dir:  dir,
		Repo: ServeRepo(t, charts, "", ""),
		Registry: StartRegistry(t, "", "", map[string]string{
			"node-agent:0.1.0": filepath.Join(charts, "node-agent-0.1.0.tgz"),
			"web:0.1.0":        filepath.Join(charts, "web-0.1.0.tgz"),
		}),
	}
}

// Plan reads a fixture plan with the servers' addresses in place of the ones it names.
func (f *Fixtures) Plan(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(f.Dir, "plans", name))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(data), FixtureRepoURL, f.Repo.RepoURL())
	s = strings.ReplaceAll(s, FixtureOCIURL, "oci://"+f.Registry+"/charts")
	return []byte(s)
}
