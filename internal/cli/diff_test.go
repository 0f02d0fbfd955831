package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
)

// TestPlanCheckDiff: with --diff (or diff = true in the settings) only new and worse
// findings fail the run; --diff=false turns the setting off.
func TestPlanCheckDiff(t *testing.T) {
	fix := filepath.Join(fixtures, "update_fix.json")
	esc := filepath.Join(fixtures, "update_escalation.json")
	wild := filepath.Join(fixtures, "update_role_wildcard.json")
	cfg := writeFile(t, ".ekspodsec.hcl", "diff = true\n")
	for _, tc := range []struct {
		args []string
		want int
	}{
		// update_fix leaves EPS020, EPS032 (low) and EPS024 (info), existing before
		{[]string{"plan-check", "--source", "", "--fail-on", "low", fix}, ExitFindings},
		{[]string{"plan-check", "--source", "", "--fail-on", "low", "--diff", fix}, ExitOK},
		{[]string{"plan-check", "--source", "", "--fail-on", "low", "--config", cfg, fix}, ExitOK},
		{[]string{"plan-check", "--source", "", "--fail-on", "low", "--config", cfg, "--diff=false", fix}, ExitFindings},
		{[]string{"plan-check", "--source", "", "--diff", esc}, ExitFindings},
		// the worse EPS108 is high
		{[]string{"plan-check", "--source", "", "--diff", wild}, ExitFindings},
		{[]string{"plan-check", "--source", "", "--diff", "--fail-on", "critical", wild}, ExitOK},
	} {
		if code, _, errs := run(t, "", tc.args...); code != tc.want {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tc.args, code, tc.want, errs)
		}
	}
	code, out, _ := run(t, "", "plan-check", "--source", "", "--diff", "--no-color", fix)
	if code != ExitOK || !strings.Contains(out, "FIXED    CRITICAL         EPS001 Privileged container [builder]") ||
		!strings.Contains(out, "Change: 0 new, 0 worse, 3 existing, 11 fixed, against the objects as they exist now (--diff).") {
		t.Errorf("text report of --diff:\n%s", out)
	}
}

// TestPlanCheckBaseline: --baseline compares with an earlier JSON report; the same plan
// against its own report has only existing findings and passes.
func TestPlanCheckBaseline(t *testing.T) {
	bad := filepath.Join(fixtures, "deployment_v1_violating.json")
	base := filepath.Join(t.TempDir(), "main.json")
	if code, _, errs := run(t, "", "plan-check", "--source", "", "--format", "json", "--output", base, bad); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "", "plan-check", "--source", "", "--format", "json", "--baseline", base, bad)
	if code != ExitOK {
		t.Fatalf("against its own report: exit %d (stderr %q)", code, errs)
	}
	var doc struct {
		Summary struct {
			Compared string         `json:"compared"`
			ByChange map[string]int `json:"by_change"`
		} `json:"summary"`
		Findings []struct {
			Change string `json:"change"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Compared != "baseline "+base || doc.Summary.ByChange["existing"] != len(doc.Findings) || len(doc.Findings) < 10 {
		t.Errorf("summary %+v, %d findings", doc.Summary, len(doc.Findings))
	}
	// a fresh environment against main's report: only what main lacks is new
	compliant := filepath.Join(t.TempDir(), "compliant.json")
	if code, _, _ := run(t, "", "plan-check", "--source", "", "--format", "json", "--output", compliant, filepath.Join(fixtures, "deployment_v1_compliant.json")); code != ExitOK {
		t.Fatal("compliant plan fails")
	}
	if code, _, _ := run(t, "", "plan-check", "--source", "", "--baseline", compliant, bad); code != ExitFindings {
		t.Errorf("new findings against the baseline: exit %d", code)
	}
}

// TestPlanCheckCompareErrors: unusable --diff/--baseline input is exit 2 with one line
// naming the flag and the file.
func TestPlanCheckCompareErrors(t *testing.T) {
	plan := filepath.Join(fixtures, "update_fix.json")
	dir := t.TempDir()
	notReport := writeFile(t, "plan-as-report.json", `{"format_version":"1.2","resource_changes":[]}`)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan-check", "--diff", "--baseline", notReport, plan}, "--diff and --baseline: give one"},
		{[]string{"plan-check", "--baseline", filepath.Join(dir, "nope.json"), plan}, "--baseline " + filepath.Join(dir, "nope.json") + ": no such file"},
		{[]string{"plan-check", "--baseline", notReport, plan}, "--baseline " + notReport + ": not a plan-check JSON report (--format json): it has no version"},
		{[]string{"plan-check", "--baseline", dir, plan}, "--baseline"},
		{[]string{"plan-check", "--baseline", notReport, "--format", "json", "--output", notReport, plan}, "is the --baseline report: the report would overwrite its own input"},
	} {
		code, _, errs := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(errs, tc.want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("%v: exit %d stderr %q, want exit 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	if b, _ := os.ReadFile(notReport); !strings.HasPrefix(string(b), `{"format_version"`) {
		t.Error("the baseline report was overwritten")
	}
}

// TestPlanCheckMarkdown: --format markdown writes the pull-request comment, to stdout or
// to its --output (the text report then goes to stdout).
func TestPlanCheckMarkdown(t *testing.T) {
	esc := filepath.Join(fixtures, "update_escalation.json")
	code, out, _ := run(t, "", "plan-check", "--source", "", "--diff", "--format", "markdown", esc)
	if code != ExitFindings || !strings.HasPrefix(out, report.MarkdownMarker+"\n### ekspodsec plan-check ❌ failed\n") || !strings.Contains(out, "**2 findings fail the gate:**") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	md := filepath.Join(t.TempDir(), "comment.md")
	code, out, _ = run(t, "", "plan-check", "--source", "", "--diff", "--format", "markdown", "--output", md, esc)
	b, err := os.ReadFile(md)
	if code != ExitFindings || err != nil || !strings.HasPrefix(string(b), report.MarkdownMarker) || !strings.Contains(out, "Change: 3 new") {
		t.Errorf("exit %d, file %q (%v), stdout %q", code, b, err, out)
	}
}
