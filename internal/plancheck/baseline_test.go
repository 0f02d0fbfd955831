package plancheck

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/source"
)

// jsonReport writes rep as plan-check's JSON report.
func jsonReport(t *testing.T, rep *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func baselineOf(t *testing.T, data []byte) *Baseline {
	t.Helper()
	b, err := ReadBaseline(data, "main.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// copyDir copies the files of dir (not its subdirectories) into a new temporary
// directory, each through edit.
func copyDir(t *testing.T, dir string, edit func(name string, b []byte) []byte) string {
	t.Helper()
	out := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, e.Name()), edit(e.Name(), b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func checkOpts(t *testing.T, data []byte, sourceDir string, b *Baseline) *report.Report {
	t.Helper()
	opts := Options{PlanName: "plan.json", Gate: report.Gate{FailOn: finding.High}, Baseline: b}
	if sourceDir != "" {
		idx, err := source.Load(sourceDir)
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

// TestBaselineLineMove: the same findings at other lines (the .tf gained lines above the
// resource) are all existing: the fingerprint has no line.
func TestBaselineLineMove(t *testing.T) {
	data := readPlanFile(t, "deployment_v1_violating")
	dir := filepath.Join("testdata", "cases", "deployment_v1_violating")
	before := checkOpts(t, data, dir, nil)
	moved := copyDir(t, dir, func(name string, b []byte) []byte {
		if name != "main.tf" {
			return b
		}
		return append([]byte("# a comment\n# that moves\n\nlocals {\n  unused = 1\n}\n\n"), b...)
	})
	after := checkOpts(t, data, moved, baselineOf(t, jsonReport(t, before)))
	if len(after.Findings) != len(before.Findings) || len(before.Findings) < 10 {
		t.Fatalf("%d findings, baseline %d", len(after.Findings), len(before.Findings))
	}
	located := 0
	for i, f := range after.Findings {
		if f.Change != finding.Existing {
			t.Errorf("%s: %s", changeKey(f), f.Change)
		}
		if f.Line > 0 {
			located++
			if b := before.Findings[i]; f.Line != b.Line+7 {
				t.Errorf("%s: line %d, baseline %d: not moved by 7", changeKey(f), f.Line, b.Line)
			}
		}
	}
	if located < 10 {
		t.Errorf("only %d findings located", located)
	}
	if after.Failed() || after.Compared != "baseline main.json" {
		t.Errorf("failed %v, compared %q", after.Failed(), after.Compared)
	}
}

// swapFirst swaps the first two elements of the list at path in v (maps and lists).
func swapFirst(t *testing.T, v any, path ...any) {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	l, ok := v.([]any)
	if !ok || len(l) < 2 {
		t.Fatalf("no list of two at %v", path)
	}
	l[0], l[1] = l[1], l[0]
}

// TestBaselineListMove: the same findings at other list indexes (the containers and the
// volumes of the pod reordered, in the planned value, its marks and the configuration)
// are all existing: the fingerprint has no index.
func TestBaselineListMove(t *testing.T) {
	data := readPlanFile(t, "deployment_v1_violating")
	before := checkOpts(t, data, "", nil)
	p := decodePlan(t, data)
	ch := p["resource_changes"].([]any)[0].(map[string]any)["change"].(map[string]any)
	pod := []any{"spec", 0, "template", 0, "spec", 0}
	for _, tree := range []string{"after", "after_unknown", "after_sensitive"} {
		swapFirst(t, ch[tree], append(pod, "container")...)
		swapFirst(t, ch[tree], append(pod, "volume")...)
	}
	res := p["configuration"].(map[string]any)["root_module"].(map[string]any)["resources"].([]any)[0].(map[string]any)
	cpod := []any{"expressions", "spec", 0, "template", 0, "spec", 0}
	swapFirst(t, res, append(cpod, "container")...)
	swapFirst(t, res, append(cpod, "volume")...)
	moved, _ := json.Marshal(p)
	after := checkOpts(t, moved, "", baselineOf(t, jsonReport(t, before)))
	if len(after.Findings) != len(before.Findings) {
		t.Fatalf("%d findings, baseline %d", len(after.Findings), len(before.Findings))
	}
	indexMoved := 0
	for _, f := range after.Findings {
		if f.Change != finding.Existing {
			t.Errorf("%s %s: %s", changeKey(f), f.K8sPath, f.Change)
		}
		if strings.Contains(f.K8sPath, "containers[1]") || strings.Contains(f.K8sPath, "volumes[1]") {
			indexMoved++
		}
	}
	if indexMoved == 0 {
		t.Error("no finding moved index: the test proves nothing")
	}
}

// TestBaselineClassifies: against a baseline, a finding only now is new, one in both
// existing (worse when its severity rose or its waiver is gone), one only in the baseline
// fixed; only new and worse ones fail the run.
func TestBaselineClassifies(t *testing.T) {
	data := readPlanFile(t, "deployment_v1_violating")
	now := checkOpts(t, data, "", nil)
	base := append([]finding.Finding(nil), now.Findings...)
	// index 0: not in the baseline (new); 1: lower severity in the baseline (worse);
	// 2: waived in the baseline (worse); plus one the plan does not have (fixed)
	dropped := base[0]
	base = base[1:]
	base[0].Severity = finding.Low
	base[1].Status, base[1].Waiver = finding.Waived, &finding.Waiver{Reason: "r", Source: ".ekspodsec.hcl:1"}
	gone := base[3]
	gone.Address, gone.Name = "kubernetes_deployment_v1.removed", "removed"
	base = append(base, gone)
	rep := &report.Report{Findings: base, Gate: report.Gate{FailOn: finding.High}}
	after := checkOpts(t, data, "", baselineOf(t, jsonReport(t, rep)))
	got := map[string]finding.Finding{}
	counts := map[finding.Change]int{}
	for _, f := range after.Findings {
		got[finding.Fingerprint(f)+f.Message] = f
		counts[f.Change]++
	}
	check := func(f finding.Finding, want finding.Change, reason string) {
		t.Helper()
		g, ok := got[finding.Fingerprint(f)+f.Message]
		if !ok || g.Change != want || !strings.Contains(g.ChangeReason, reason) {
			t.Errorf("%s: %s (%q), want %s (%q)", changeKey(f), g.Change, g.ChangeReason, want, reason)
		}
	}
	check(dropped, finding.New, "")
	check(now.Findings[1], finding.Worse, "severity low → ")
	check(now.Findings[2], finding.Worse, "no longer waived")
	check(gone, finding.Fixed, "")
	if counts[finding.New] != 1 || counts[finding.Worse] != 2 || counts[finding.Fixed] != 1 || counts[finding.Existing] != len(now.Findings)-3 {
		t.Errorf("counts %v", counts)
	}
	if after.Failed() != (dropped.Severity >= finding.High || now.Findings[1].Severity >= finding.High || now.Findings[2].Severity >= finding.High) {
		t.Errorf("failed %v", after.Failed())
	}
	// a baseline's fixed findings were gone already: they are not fixed again
	again := &report.Report{Findings: after.Findings, Gate: after.Gate, Compared: after.Compared}
	b := baselineOf(t, jsonReport(t, again))
	if len(b.Findings) != len(after.Findings)-1 {
		t.Errorf("%d baseline findings from a report of %d with one fixed", len(b.Findings), len(after.Findings))
	}
}

// TestReadBaselineErrors: what is not a plan-check JSON report is refused, saying why,
// never quoting it.
func TestReadBaselineErrors(t *testing.T) {
	for in, want := range map[string]string{
		``:                                 "not a plan-check JSON report",
		`[]`:                               "not a plan-check JSON report",
		`{"findings": []}`:                 "it has no version",
		`{"version": 2, "findings": []}`:   "a JSON report of version 2: plan-check reads version 1",
		`{"version": 1}`:                   "it has no findings list",
		`{"version": 1, "findings": [{}]}`: "findings[0] has no rule_id",
		`{"version": 1, "findings": [{"rule_id": "EPS001"}]}`:                                                     "findings[0] has no address",
		`{"version": 1, "findings": [{"rule_id": "EPS001", "address": "a", "severity": "severe-secret"}]}`:        "findings[0]: a value is not in the format",
		`{"version": 1, "findings": [{"rule_id": "EPS001", "address": "a", "severity": "high", "status": "ok"}]}`: "findings[0]: status is fail, unknown or waived",
		`{"version": 1, "findings": []} {}`:                                                                       "more than one JSON value",
		`{"version": 1, "findings": [{"rule_id": 5}]}`:                                                            "findings[0]: rule_id is not string",
		`{"version": "secret-1"}`:                                                                                 "version is not int",
	} {
		_, err := ReadBaseline([]byte(in), "b.json")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: the error quotes the input: %v", in, err)
		}
	}
	b, err := ReadBaseline([]byte(`{"version": 1, "findings": [], "extra": {"future": true}}`), "b.json")
	if err != nil || len(b.Findings) != 0 || b.Name != "b.json" {
		t.Errorf("an empty report: %+v %v", b, err)
	}
}

// TestDiffAndBaseline: a run compares with one or the other.
func TestDiffAndBaseline(t *testing.T) {
	_, err := Check(readPlanFile(t, "update_fix"), Options{Diff: true, Baseline: &Baseline{Name: "b.json"}})
	if err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("diff and baseline: %v", err)
	}
}
