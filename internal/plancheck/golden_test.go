package plancheck

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/settings"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/source"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

// goldenPlans are judged with the .tf that produced them (testdata/cases), so the reports
// carry file:line.
var goldenPlans = []string{"deployment_v1_violating", "stub_manifest_violating", "augmented_psp_rbac", "unknown_values_violating"}

var writers = map[string]func(*bytes.Buffer, *report.Report) error{
	"json":  func(b *bytes.Buffer, r *report.Report) error { return report.WriteJSON(b, r) },
	"sarif": func(b *bytes.Buffer, r *report.Report) error { return report.WriteSARIF(b, r) },
	"junit": func(b *bytes.Buffer, r *report.Report) error { return report.WriteJUnit(b, r) },
	"gh":    func(b *bytes.Buffer, r *report.Report) error { return report.WriteGitHub(b, r) },
	"txt":   func(b *bytes.Buffer, r *report.Report) error { return report.WriteText(b, r, report.TextOptions{}) },
	"md":    func(b *bytes.Buffer, r *report.Report) error { return report.WriteMarkdown(b, r) },
}

// goldenDiffPlans are judged with --diff (and their case as --source): their reports are
// testdata/golden/NAME.diff.EXT.
var goldenDiffPlans = []string{"update_escalation", "update_fix", "update_role_wildcard", "update_binding_group", "update_manifest", "update_replace", "update_role_bound"}

func checkWithSource(t *testing.T, name string, st *settings.Settings) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "plans", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{PlanName: name + ".json", Gate: report.Gate{FailOn: finding.High}, ToolVersion: "test",
		Settings: st, Now: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}
	if dir := filepath.Join("testdata", "cases", name); dirExists(dir) {
		idx, err := source.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		opts.Source = idx
	}
	rep, err := Check(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// TestGolden pins every format's output on real plans (byte for byte: output is
// deterministic, so code scanning sees stable results).
func TestGolden(t *testing.T) {
	runs := map[string]*report.Report{}
	for _, name := range goldenPlans {
		runs[name] = checkWithSource(t, name, nil)
	}
	for _, name := range goldenDiffPlans {
		runs[name+".diff"] = diffCheck(t, name, nil)
	}
	for name, rep := range runs {
		for ext, write := range writers {
			var b bytes.Buffer
			if err := write(&b, rep); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", name+"."+ext)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/plancheck -run Golden -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from the golden file (review, then -update)", path)
			}
		}
	}
}

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-2.1.0-rtm.5.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSARIFValid validates the SARIF of every fixture plan against the SARIF 2.1.0 schema
// and checks what GitHub code scanning reads: rules with help URIs and
// security-severity, results with file:line and the address as logical location.
func TestSARIFValid(t *testing.T) {
	schema := sarifSchema(t)
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [{"tool": {}, "results": [{"level": "fatal"}]}]}`))
	if schema.Validate(bad) == nil {
		t.Fatal("the schema accepts an invalid log: the validation proves nothing")
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "plans", "*.json"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		rep := checkWithSource(t, name, nil)
		var b bytes.Buffer
		if err := report.WriteSARIF(&b, rep); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", name, err)
		}
	}
	// --diff: every result has a baselineState, and the log validates
	for _, name := range updatePlans {
		rep := diffCheck(t, name, nil)
		var b bytes.Buffer
		if err := report.WriteSARIF(&b, rep); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s --diff: SARIF does not validate: %v", name, err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					BaselineState string `json:"baselineState"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(b.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		states := map[string]string{"new": "new", "worse": "updated", "existing": "unchanged", "fixed": "absent"}
		for i, res := range log.Runs[0].Results {
			if want := states[string(rep.Findings[i].Change)]; res.BaselineState != want {
				t.Errorf("%s --diff: result %d baselineState %q, want %q", name, i, res.BaselineState, want)
			}
		}
	}

	rep := checkWithSource(t, "deployment_v1_violating", nil)
	var b bytes.Buffer
	if err := report.WriteSARIF(&b, rep); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						HelpURI    string         `json:"helpUri"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Tool.Driver.Rules) < 29 {
		t.Fatalf("log version %s, %d runs", log.Version, len(log.Runs))
	}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		if r.HelpURI != report.HelpURI(r.ID) || r.Properties["security-severity"] == nil {
			t.Errorf("rule %s: helpUri %q properties %v", r.ID, r.HelpURI, r.Properties)
		}
		if _, err := os.Stat(filepath.Join("..", "..", "docs", "rules", r.ID+".md")); err != nil {
			t.Errorf("rule %s links to a page that does not exist: %v", r.ID, err)
		}
	}
	var privileged bool
	for _, res := range log.Runs[0].Results {
		l := res.Locations[0]
		if l.LogicalLocations[0].FullyQualifiedName != "kubernetes_deployment_v1.bad" {
			t.Errorf("logical location %+v", l.LogicalLocations)
		}
		if res.RuleID == "EPS001" && l.PhysicalLocation.Region.StartLine == 58 &&
			strings.HasSuffix(l.PhysicalLocation.ArtifactLocation.URI, "deployment_v1_violating/main.tf") && res.Level == "error" {
			privileged = true
		}
	}
	if !privileged {
		t.Error("no EPS001 result on main.tf:58 (privileged = true)")
	}
}

// TestWaiversInReports: a waived finding is reported with status waived and its reason,
// as a SARIF suppression, and never fails the run; an expired waiver is a note.
func TestWaiversInReports(t *testing.T) {
	st, err := settings.Parse([]byte(`
waiver {
  rule    = "EPS001"
  address = "kubernetes_deployment_v1.*"
  reason  = "node tuning init container, reviewed by platform team"
  expires = "2027-06-30"
}
waiver {
  rule    = "EPS008"
  address = "kubernetes_deployment_v1.bad"
  reason  = "legacy CI runner"
  expires = "2026-01-01"
}
`), ".ekspodsec.hcl")
	if err != nil {
		t.Fatal(err)
	}
	rep := checkWithSource(t, "deployment_v1_violating", st)
	var waived, eps008 int
	for _, f := range rep.Findings {
		if f.RuleID == "EPS001" {
			if f.Status != finding.Waived || f.Waiver == nil || !strings.Contains(f.Waiver.Source, ".ekspodsec.hcl:2") {
				t.Errorf("EPS001 not waived: %+v", f)
			}
			waived++
			if rep.Gate.Fails(f) {
				t.Error("a waived finding fails the run")
			}
		}
		if f.RuleID == "EPS008" && f.Status == finding.Fail {
			eps008++
		}
	}
	if waived != 2 || eps008 != 1 {
		t.Errorf("waived %d EPS001 (want 2), EPS008 fail %d (want 1: its waiver expired)", waived, eps008)
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "expired on 2026-01-01") {
		t.Errorf("notes %v", rep.Notes)
	}
	var b bytes.Buffer
	if err := report.WriteSARIF(&b, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"suppressions"`) || !strings.Contains(b.String(), "reviewed by platform team") {
		t.Error("SARIF lacks the suppression")
	}
	b.Reset()
	if err := report.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"status": "waived"`) || !strings.Contains(b.String(), `"reason": "node tuning init container`) {
		t.Error("JSON lacks the waived status and reason")
	}
}

func TestJUnitShape(t *testing.T) {
	rep := checkWithSource(t, "namespace_policy_violating", nil)
	var b bytes.Buffer
	if err := report.WriteJUnit(&b, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name     string `xml:"name,attr"`
				Failures []struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != len(rep.Addresses) || doc.Tests < 5 {
		t.Fatalf("tests %d, addresses %d", doc.Tests, len(rep.Addresses))
	}
	failing := map[string]int{}
	for _, c := range doc.Suites[0].Cases {
		failing[c.Name] = len(c.Failures)
	}
	// the deployment has high findings (EPS002, EPS003): failures; the namespaces only
	// medium and low ones at the default --fail-on high: passing test cases
	if failing["kubernetes_deployment_v1.tool"] == 0 || failing["kubernetes_namespace_v1.unlabelled"] != 0 {
		t.Errorf("failures per case %v", failing)
	}
}

func TestGitHubAnnotations(t *testing.T) {
	rep := checkWithSource(t, "deployment_v1_violating", nil)
	var b bytes.Buffer
	if err := report.WriteGitHub(&b, rep); err != nil {
		t.Fatal(err)
	}
	want := "::error file=testdata/cases/deployment_v1_violating/main.tf,line=58,title=EPS001 Privileged container [app]::"
	if !strings.Contains(b.String(), want) {
		t.Errorf("no annotation on the privileged line:\n%s", b.String()[:min(600, b.Len())])
	}
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") && !strings.HasPrefix(l, "::notice ") {
			t.Errorf("not a workflow command: %q", l)
		}
	}
}
