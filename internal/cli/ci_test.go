package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// copyCase copies a fixture case (.tf) and its plan into a temporary Terraform root.
func copyCase(t *testing.T, name string) (dir, planPath string) {
	t.Helper()
	dir = t.TempDir()
	src := filepath.Join("..", "plancheck", "testdata", "cases", name)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(fixtures, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	planPath = filepath.Join(dir, "plan.json")
	if err := os.WriteFile(planPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, planPath
}

// TestCIReportsInOneRun: several --format/--output pairs from one parse, with file:line
// from --source, and the text report still on stdout.
func TestCIReportsInOneRun(t *testing.T) {
	dir, planPath := copyCase(t, "deployment_v1_violating")
	out := t.TempDir()
	code, stdout, errs := run(t, "", "plan-check", "--source", dir,
		"--format", "sarif", "--output", filepath.Join(out, "r.sarif"),
		"--format", "junit", "--output", filepath.Join(out, "r.xml"),
		"--format", "github", "--output", filepath.Join(out, "r.gh"),
		planPath)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "main.tf:58") {
		t.Errorf("text report lacks file:line:\n%s", stdout[:min(len(stdout), 500)])
	}
	gh, _ := os.ReadFile(filepath.Join(out, "r.gh"))
	if !strings.Contains(string(gh), "::error file="+filepath.Join(dir, "main.tf")+",line=58,title=EPS001") {
		t.Errorf("github annotations:\n%s", string(gh)[:min(len(gh), 400)])
	}
	for _, f := range []string{"r.sarif", "r.xml"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if code, _, errs := run(t, "", "plan-check", "--format", "json", "--format", "sarif", planPath); code != ExitUsage || !strings.Contains(errs, "stdout") {
		t.Errorf("two reports on stdout: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "plan-check", "--source", filepath.Join(dir, "nope"), planPath); code != ExitUsage || !strings.Contains(errs, "--source") {
		t.Errorf("missing --source dir: exit %d %q", code, errs)
	}
}

// TestSettingsFileWaivers: .ekspodsec.hcl in the root module waives a finding (status
// waived, reason kept) so the run passes; an invalid waiver is exit 2 with file:line.
func TestSettingsFileWaivers(t *testing.T) {
	dir, planPath := copyCase(t, "fargate_violating")
	code, _, _ := run(t, "", "plan-check", "--source", dir, planPath)
	if code != ExitFindings {
		t.Fatalf("without waivers: exit %d, want 1", code)
	}
	settings := `fail_on = "critical"
waiver {
  rule    = "EPS001"
  address = "kubernetes_deployment_v1.*"
  reason  = "reviewed: runs on EC2 only"
  expires = "2999-12-31"
}
`
	if err := os.WriteFile(filepath.Join(dir, ".ekspodsec.hcl"), []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "plan-check", "--source", dir, "--format", "json", planPath)
	if code != ExitOK {
		t.Fatalf("with the waiver and fail_on critical: exit %d (%s)", code, errs)
	}
	var rep struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			Status string `json:"status"`
			Waiver *struct {
				Reason, Source string
			} `json:"waiver"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	waived := 0
	for _, f := range rep.Findings {
		if f.RuleID == "EPS001" {
			if f.Status != "waived" || f.Waiver == nil || f.Waiver.Reason != "reviewed: runs on EC2 only" {
				t.Errorf("EPS001: %+v", f)
			}
			waived++
		}
	}
	if waived == 0 {
		t.Fatal("the waived finding is missing: waived findings are reported, never dropped")
	}
	// --fail-on on the command line wins over fail_on in the file
	if code, _, _ := run(t, "", "plan-check", "--source", dir, "--fail-on", "high", planPath); code != ExitFindings {
		t.Errorf("--fail-on high: exit %d, want 1", code)
	}
	bad := strings.Replace(settings, `  reason  = "reviewed: runs on EC2 only"`+"\n", "", 1)
	if err := os.WriteFile(filepath.Join(dir, ".ekspodsec.hcl"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = run(t, "", "plan-check", "--source", dir, planPath)
	if code != ExitUsage || !strings.Contains(errs, ".ekspodsec.hcl:2") || !strings.Contains(errs, "reason") {
		t.Errorf("waiver without reason: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "plan-check", "--config", filepath.Join(dir, "missing.hcl"), planPath); code != ExitUsage || !strings.Contains(errs, "missing.hcl") {
		t.Errorf("--config to a missing file: exit %d %q", code, errs)
	}
}

// TestInlineWaiverAnnotation: ekspodsec.io/waive on the object's metadata waives those
// rules for that object only.
func TestInlineWaiverAnnotation(t *testing.T) {
	p := plantest.Plan(
		plantest.Manifest("kubernetes_manifest.agent", `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
  annotations:
    ekspodsec.io/waive: "EPS001=CNI agent needs privileged, EPS010=uses the host network, by design"
spec:
  template:
    spec:
      hostNetwork: true
      containers: [{name: agent, image: agent:1, securityContext: {privileged: true}}]
`),
		plantest.Manifest("kubernetes_manifest.other", `apiVersion: v1
kind: Pod
metadata: {name: other}
spec:
  containers: [{name: app, image: app:1, securityContext: {privileged: true}}]
`))
	path := writeFile(t, "plan.json", string(p))
	_, out, _ := run(t, "", "plan-check", "--source", "", "--format", "json", path)
	var rep struct {
		Findings []struct {
			RuleID, Status, Address string
			Waiver                  *struct{ Reason string } `json:"waiver"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		switch {
		case f.Address == "kubernetes_manifest.agent" && f.RuleID == "EPS010":
			if f.Status != "waived" || f.Waiver == nil || f.Waiver.Reason != "uses the host network, by design" {
				t.Errorf("EPS010 on agent: %+v", f)
			}
		case f.Address == "kubernetes_manifest.agent" && f.RuleID == "EPS001":
			if f.Status != "waived" {
				t.Errorf("EPS001 on agent: %+v", f)
			}
		case f.Address == "kubernetes_manifest.other" && f.RuleID == "EPS001":
			if f.Status != "fail" {
				t.Errorf("the annotation waives its own object only: %+v", f)
			}
		}
	}
}

// TestDefaultSourceDoesNotFail: .tf files in the current directory that do not parse cost
// the locations (a note), not the run; an explicit --source that does not parse is exit 2.
func TestDefaultSourceDoesNotFail(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.tf"), []byte("resource \"x\" {\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plan, err := filepath.Abs(filepath.Join(fixtures, "pod_v1_violating.json"))
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.Chdir(wd) }()
	code, out, errs := run(t, "", "plan-check", "--format", "json", plan)
	if code != ExitFindings || !strings.Contains(out, "no file:line locations") {
		t.Errorf("default --source with a broken .tf: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "plan-check", "--source", ".", plan); code != ExitUsage || !strings.Contains(errs, "broken.tf:") {
		t.Errorf("explicit --source with a broken .tf: exit %d %q", code, errs)
	}
}
