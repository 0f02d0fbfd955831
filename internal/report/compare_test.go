package report

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// comparedReport is sampleReport of a run that compares (--diff): the critical finding
// new (its workload's level dropping), the low one existing, the unknown one worse, the
// waived one existing, and one fixed finding on a deleted resource.
func comparedReport() *Report {
	r := sampleReport()
	r.Compared = CompareDiff
	r.Gate.ChangesOnly = true
	changes := []struct {
		c   finding.Change
		why string
	}{{finding.Existing, ""}, {finding.New, "PSS level baseline → privileged"}, {finding.Worse, "severity medium → high"}, {finding.Existing, ""}}
	for i := range r.Findings {
		r.Findings[i].Change, r.Findings[i].ChangeReason = changes[i].c, changes[i].why
	}
	fixed := r.Findings[1]
	fixed.Address, fixed.Name, fixed.Container, fixed.Line = "kubernetes_daemon_set_v1.debug", "debug", "shell", 0
	fixed.File, fixed.Kind = "", "DaemonSet"
	fixed.Change, fixed.ChangeReason = finding.Fixed, "the plan deletes it"
	r.Findings = append(r.Findings, fixed)
	return r
}

// TestGateChangesOnly: a fixed finding never fails the run; with ChangesOnly an
// existing one does not either, a new or worse one does as without.
func TestGateChangesOnly(t *testing.T) {
	f := func(c finding.Change, st finding.Status) finding.Finding {
		return finding.Finding{Severity: finding.Critical, Status: st, Change: c}
	}
	for _, tc := range []struct {
		gate Gate
		f    finding.Finding
		want bool
	}{
		{Gate{FailOn: finding.High}, f(finding.Fixed, finding.Fail), false},
		{Gate{FailOn: finding.High}, f(finding.Existing, finding.Fail), true},
		{Gate{FailOn: finding.High, ChangesOnly: true}, f(finding.Existing, finding.Fail), false},
		{Gate{FailOn: finding.High, ChangesOnly: true}, f(finding.New, finding.Fail), true},
		{Gate{FailOn: finding.High, ChangesOnly: true}, f(finding.Worse, finding.Fail), true},
		{Gate{FailOn: finding.High, ChangesOnly: true}, f(finding.New, finding.Waived), false},
		{Gate{FailOn: finding.High, ChangesOnly: true}, f(finding.New, finding.Unknown), false},
		{Gate{FailOn: finding.High, ChangesOnly: true, FailOnUnknown: true}, f(finding.Worse, finding.Unknown), true},
		{Gate{FailOn: finding.High, ChangesOnly: true}, f("", finding.Fail), false},
	} {
		if got := tc.gate.Fails(tc.f); got != tc.want {
			t.Errorf("%+v fails %s/%s: %v, want %v", tc.gate, tc.f.Change, tc.f.Status, got, tc.want)
		}
	}
}

// TestSummarizeByChange: fixed findings are counted by change only; the plan's counts
// leave them out.
func TestSummarizeByChange(t *testing.T) {
	s := comparedReport().Summarize()
	if s.Findings != 4 || s.BySeverity["critical"] != 2 || s.ByStatus["fail"] != 2 {
		t.Errorf("plan counts %d %v %v: the fixed finding is counted", s.Findings, s.BySeverity, s.ByStatus)
	}
	want := map[string]int{"new": 1, "worse": 1, "existing": 2, "fixed": 1}
	for k, v := range want {
		if s.ByChange[k] != v {
			t.Errorf("by_change %v, want %v", s.ByChange, want)
			break
		}
	}
	if s.Compared != CompareDiff || s.Failing != 1 || s.Result != "fail" {
		t.Errorf("compared %q failing %d result %s", s.Compared, s.Failing, s.Result)
	}
	if s := sampleReport().Summarize(); s.ByChange != nil || s.Compared != "" {
		t.Errorf("a run that does not compare has by_change %v", s.ByChange)
	}
}

// TestTextChange: each finding says its change, a worse or new one why; a line counts
// the changes; the verdict speaks of new or worse findings.
func TestTextChange(t *testing.T) {
	out := write(t, "text", comparedReport(), Options{})
	for _, want := range []string{
		"  NEW      CRITICAL         EPS001 Privileged container [app]\n      The container app runs privileged.\n      new: PSS level baseline → privileged\n",
		"  EXISTING LOW              EPS020",
		"  WORSE    HIGH UNKNOWN     EPS005 May run as root [worker]",
		"kubernetes_daemon_set_v1.debug  (DaemonSet apps/debug, PSS privileged)\n  FIXED    CRITICAL         EPS001 Privileged container [shell]",
		"      fixed: the plan deletes it\n",
		"Change: 1 new, 1 worse, 2 existing, 1 fixed, against the objects as they exist now (--diff).\n",
		"FAIL: 1 new or worse finding at or above high\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	// the worse and new findings of a group come first
	if i, j := strings.Index(out, "NEW      CRITICAL"), strings.Index(out, "EXISTING LOW"); i < 0 || j < i {
		t.Error("new findings are not listed before existing ones")
	}
	r := comparedReport()
	r.Compared, r.Findings = "baseline main.json", r.Findings[:1]
	if out := write(t, "text", r, Options{}); !strings.Contains(out, "against the baseline report main.json.") || !strings.Contains(out, "PASS: nothing new or worse at or above high") {
		t.Errorf("baseline run:\n%s", out)
	}
	if out := write(t, "text", sampleReport(), Options{}); strings.Contains(out, "Change:") || strings.Contains(out, "EXISTING") {
		t.Error("a run that does not compare shows changes")
	}
}

// TestJSONChange: each finding has its change (and why), and a fingerprint; the summary
// says what the run compared with and counts by change.
func TestJSONChange(t *testing.T) {
	var doc struct {
		Summary struct {
			Compared string         `json:"compared"`
			ByChange map[string]int `json:"by_change"`
			Findings int            `json:"findings"`
		} `json:"summary"`
		Findings []map[string]any `json:"findings"`
	}
	r := comparedReport()
	if err := json.Unmarshal([]byte(write(t, "json", r, Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Compared != "diff" || doc.Summary.ByChange["fixed"] != 1 || doc.Summary.Findings != 4 {
		t.Errorf("summary %+v", doc.Summary)
	}
	if len(doc.Findings) != 5 {
		t.Fatalf("%d findings, want 5 (the fixed one too)", len(doc.Findings))
	}
	for i, f := range doc.Findings {
		if f["change"] != string(r.Findings[i].Change) || f["fingerprint"] != finding.Fingerprint(r.Findings[i]) {
			t.Errorf("finding %d: change %v fingerprint %v", i, f["change"], f["fingerprint"])
		}
		if why := r.Findings[i].ChangeReason; why != "" && f["change_reason"] != why {
			t.Errorf("finding %d: change_reason %v, want %q", i, f["change_reason"], why)
		}
	}
	var plain struct {
		Summary  map[string]any   `json:"summary"`
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(write(t, "json", sampleReport(), Options{})), &plain); err != nil {
		t.Fatal(err)
	}
	if _, ok := plain.Summary["by_change"]; ok {
		t.Error("by_change without comparing")
	}
	for _, f := range plain.Findings {
		if _, ok := f["change"]; ok {
			t.Error("change without comparing")
		}
		if fp, _ := f["fingerprint"].(string); len(fp) != 32 {
			t.Errorf("fingerprint %v", f["fingerprint"])
		}
	}
}

// TestSARIFBaselineState: each result of a run that compares has the baselineState code
// scanning reads (new, updated, unchanged, absent), a fixed one is a pass of level none,
// and the log validates against the SARIF 2.1.0 schema; without comparing there is none.
func TestSARIFBaselineState(t *testing.T) {
	schema := sarifSchema(t)
	r := comparedReport()
	out := write(t, "sarif", r, Options{})
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				BaselineState       string            `json:"baselineState"`
				Kind                string            `json:"kind"`
				Level               string            `json:"level"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	want := map[finding.Change]string{finding.New: "new", finding.Worse: "updated", finding.Existing: "unchanged", finding.Fixed: "absent"}
	res := log.Runs[0].Results
	if len(res) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(res), len(r.Findings))
	}
	for i, f := range r.Findings {
		if res[i].BaselineState != want[f.Change] {
			t.Errorf("%s %s: baselineState %q, want %q", f.RuleID, f.Change, res[i].BaselineState, want[f.Change])
		}
		if res[i].PartialFingerprints["ekspodsecFinding/v2"] != finding.Fingerprint(f) || res[i].PartialFingerprints["ekspodsecFinding/v1"] == "" {
			t.Errorf("%s: partial fingerprints %v", f.RuleID, res[i].PartialFingerprints)
		}
		if f.Change == finding.Fixed && (res[i].Kind != "pass" || res[i].Level != "none") {
			t.Errorf("fixed: kind %q level %q, want pass and none", res[i].Kind, res[i].Level)
		}
	}
	if strings.Contains(write(t, "sarif", sampleReport(), Options{}), "baselineState") {
		t.Error("baselineState without comparing")
	}
}

// TestJUnitChange: only new and worse findings are failures; each line says its change.
func TestJUnitChange(t *testing.T) {
	var doc junitSuites
	if err := xml.Unmarshal([]byte(write(t, "junit", comparedReport(), Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	failures := 0
	var out strings.Builder
	for _, c := range doc.Suites[0].Cases {
		for _, f := range c.Failures {
			failures++
			if !strings.Contains(f.Message, "(new: PSS level baseline → privileged)") {
				t.Errorf("failure %q does not say it is new", f.Message)
			}
		}
		out.WriteString(c.SystemOut + "\n")
	}
	if failures != 1 {
		t.Errorf("%d failures, want 1 (the new critical finding)", failures)
	}
	for _, want := range []string{"EPS020 LOW Service account token mounted: The pod mounts a service account token it may not need. (existing)", "(worse: severity medium → high)", "(fixed: the plan deletes it)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("system-out lacks %q:\n%s", want, out.String())
		}
	}
}

// TestGitHubChange: the annotation's title says the change; existing findings warn,
// fixed ones are notices.
func TestGitHubChange(t *testing.T) {
	out := write(t, "github", comparedReport(), Options{})
	for _, want := range []string{
		"::error file=main.tf,line=20,title=EPS001 Privileged container [app] (new%3A PSS level baseline → privileged)::",
		"::warning file=main.tf,line=12,title=EPS020 Service account token mounted (existing)::",
		"::notice title=EPS001 Privileged container [shell] (fixed%3A the plan deletes it)::Fixed by this change: The container app runs privileged.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("annotations lack %q:\n%s", want, out)
		}
	}
}
