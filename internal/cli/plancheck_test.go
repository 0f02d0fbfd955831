package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

const fixtures = "../plancheck/testdata/plans"

// run runs the CLI with args and stdin, returning exit code, stdout and stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlanCheckBadInput: every unusable input is exit 2 with a one-line reason naming the
// file, never a stack trace and never a pass.
func TestPlanCheckBadInput(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(fixtures, "pod_v1_violating.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cases := []struct {
		name, content, want string
		path                string
	}{
		{name: "empty", content: "", want: "empty"},
		{name: "whitespace", content: "  \n", want: "empty"},
		{name: "not json", content: "resource \"x\" {}", want: "invalid JSON"},
		{name: "truncated", content: string(good[:len(good)/2]), want: "truncated"},
		{name: "json array", content: "[1,2]", want: "not"},
		{name: "state file", content: `{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{}}}`, want: "state"},
		{name: "provider schema", content: `{"format_version":"1.0","provider_schemas":{}}`, want: "provider schema"},
		{name: "format 2.0", content: `{"format_version":"2.0","resource_changes":[]}`, want: "format_version"},
		{name: "format 0.2", content: `{"format_version":"0.2","resource_changes":[]}`, want: "format_version"},
		{name: "no format", content: `{"resource_changes":[]}`, want: "format_version"},
		{name: "trailing garbage", content: `{"format_version":"1.2","resource_changes":[]} x`, want: "after the end"},
		{name: "changes not array", content: `{"format_version":"1.2","resource_changes":{}}`, want: "resource_changes"},
		{name: "missing file", path: filepath.Join(dir, "nope.json"), want: "no such file"},
		{name: "directory", path: dir, want: "directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = writeFile(t, "plan.json", tc.content)
			}
			code, out, errs := run(t, "", "plan-check", path)
			if code != ExitUsage {
				t.Fatalf("exit %d, want 2; stdout %q stderr %q", code, out, errs)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q does not say %q", errs, tc.want)
			}
			if !strings.Contains(errs, filepath.Base(path)) {
				t.Errorf("stderr %q does not name the file", errs)
			}
			if strings.Count(strings.TrimSpace(errs), "\n") > 0 || strings.Contains(errs, "goroutine") {
				t.Errorf("stderr is not one line: %q", errs)
			}
		})
	}
}

func TestPlanCheckBadFlags(t *testing.T) {
	plan := filepath.Join(fixtures, "pod_v1_compliant.json")
	for _, args := range [][]string{
		{"plan-check"},
		{"plan-check", plan, plan},
		{"plan-check", "--fail-on", "severe", plan},
		{"plan-check", "--format", "xml", plan},
		{"plan-check", "--no-such-flag", plan},
		{"plan-check", "--allow-host-path", "var/log", plan},
		{"plan-check", "--allow-host-path", "/var/../etc", plan},
		{"plan-check", "--allow-capability", "NOT_A_CAP", plan},
	} {
		code, _, errs := run(t, "", args...)
		if code != ExitUsage || !strings.HasPrefix(errs, "plan-check: ") {
			t.Errorf("%v: exit %d stderr %q, want exit 2 and a reason", args, code, errs)
		}
	}
}

func TestPlanCheckExitCodes(t *testing.T) {
	bad := filepath.Join(fixtures, "deployment_v1_violating.json")
	good := filepath.Join(fixtures, "deployment_v1_compliant.json")
	unknown := filepath.Join(fixtures, "unknown_values_compliant.json")
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"plan-check", bad}, ExitFindings},
		{[]string{"plan-check", good}, ExitOK},
		{[]string{"plan-check", "--fail-on", "critical", good}, ExitOK},
		// the flag after the file works too
		{[]string{"plan-check", bad, "--fail-on", "critical"}, ExitFindings},
		// namespace_policy_compliant has only a low finding (EPS020)
		{[]string{"plan-check", filepath.Join(fixtures, "namespace_policy_compliant.json")}, ExitOK},
		{[]string{"plan-check", "--fail-on", "low", filepath.Join(fixtures, "namespace_policy_compliant.json")}, ExitFindings},
		// a PodSecurityPolicy on a cluster the user says runs 1.30: EPS110 (high), not EPS101
		{[]string{"plan-check", "--fail-on", "critical", filepath.Join(fixtures, "augmented_psp_rbac.json")}, ExitFindings},
		{[]string{"plan-check", "--fail-on", "critical", "--kubernetes-version", "1.30", filepath.Join(fixtures, "augmented_psp_rbac.json")}, ExitOK},
		{[]string{"plan-check", "--kubernetes-version", "one", good}, ExitUsage},
		// unknowns do not fail unless asked
		{[]string{"plan-check", unknown}, ExitOK},
		{[]string{"plan-check", "--fail-on-unknown", unknown}, ExitFindings},
	}
	for _, tc := range cases {
		if code, _, errs := run(t, "", tc.args...); code != tc.want {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tc.args, code, tc.want, errs)
		}
	}
}

func TestPlanCheckStdin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtures, "pod_v1_violating.json"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, string(data), "plan-check", "--format", "json", "-")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1", code)
	}
	var rep struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Findings) == 0 {
		t.Fatalf("stdin report: %v, %d findings", err, len(rep.Findings))
	}
	if code, _, errs := run(t, "", "plan-check", "-"); code != ExitUsage || !strings.Contains(errs, "stdin") {
		t.Errorf("empty stdin: exit %d stderr %q", code, errs)
	}
}

// TestPlanCheckJSONShape pins the public JSON names (docs/plan-check.md).
func TestPlanCheckJSONShape(t *testing.T) {
	_, out, _ := run(t, "", "plan-check", "--format", "json", filepath.Join(fixtures, "deployment_v1_violating.json"))
	var rep map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "summary", "findings"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	if string(rep["version"]) != "1" {
		t.Errorf("version = %s", rep["version"])
	}
	var findings []map[string]any
	if err := json.Unmarshal(rep["findings"], &findings); err != nil || len(findings) == 0 {
		t.Fatal(err)
	}
	want := []string{"rule_id", "severity", "status", "title", "address", "resource_type", "kind", "namespace",
		"name", "container", "k8s_path", "tf_path", "message", "remediation", "guide", "pss_level"}
	for _, f := range findings {
		for _, k := range want {
			if _, ok := f[k]; !ok {
				t.Fatalf("finding lacks %q: %v", k, f)
			}
		}
		switch f["severity"] {
		case "critical", "high", "medium", "low", "info":
		default:
			t.Errorf("severity %v", f["severity"])
		}
		switch f["status"] {
		case "fail", "unknown":
		default:
			t.Errorf("status %v", f["status"])
		}
	}
	f := findings[0]
	if f["address"] != "kubernetes_deployment_v1.bad" || f["kind"] != "Deployment" || f["namespace"] != "apps" || f["name"] != "bad-app" {
		t.Errorf("first finding: %v", f)
	}
}

func TestPlanCheckTextNoColorWhenNotTerminal(t *testing.T) {
	code, out, _ := run(t, "", "plan-check", filepath.Join(fixtures, "deployment_v1_violating.json"))
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes in output that is not a terminal")
	}
	if !strings.Contains(out, "kubernetes_deployment_v1.bad") || !strings.Contains(out, "CRITICAL") || !strings.Contains(out, "FAIL:") {
		t.Errorf("text report lacks address, severity or verdict:\n%s", out)
	}
	// severity first within the resource: the first finding line is critical
	lines := strings.Split(out, "\n")
	if len(lines) < 2 || !strings.Contains(lines[1], "CRITICAL") {
		t.Errorf("first finding is not the most severe: %q", lines[1])
	}
}

func TestPlanCheckOutputFile(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "report.json")
	code, out, _ := run(t, "", "plan-check", "--format", "json", "--output", dst, filepath.Join(fixtures, "pod_v1_violating.json"))
	if code != ExitFindings || !strings.Contains(out, "FAIL:") {
		t.Fatalf("exit %d: with every report in a file, the text report still goes to stdout; got %q", code, out)
	}
	b, err := os.ReadFile(dst)
	if err != nil || !json.Valid(b) {
		t.Fatalf("report file: %v", err)
	}
}

// TestPlanCheckNeverPrintsSensitive: values marked sensitive are judged (the findings are
// there) but appear in no report.
func TestPlanCheckNeverPrintsSensitive(t *testing.T) {
	p := plantest.Plan(plantest.Manifest("kubernetes_manifest.secret_pod", `
apiVersion: v1
kind: Pod
metadata:
  name: "(sensitive)pod-name-s3cr3t"
  namespace: apps
spec:
  containers:
  - name: app
    image: "(sensitive)registry.example.com/docker:24-dind-s3cr3t"
    securityContext:
      privileged: true
      runAsUser: "(sensitive)0"
  volumes:
  - name: sock
    hostPath:
      path: "(sensitive)/var/run/docker.sock"
`))
	path := writeFile(t, "plan.json", string(p))
	for _, format := range []string{"text", "json"} {
		code, out, errs := run(t, "", "plan-check", "--format", format, path)
		if code != ExitFindings {
			t.Fatalf("%s: exit %d (%s)", format, code, errs)
		}
		for _, secret := range []string{"s3cr3t", "docker.sock", "registry.example.com"} {
			if strings.Contains(out, secret) || strings.Contains(errs, secret) {
				t.Errorf("%s report prints sensitive %q", format, secret)
			}
		}
		for _, rule := range []string{"EPS001", "EPS008", "EPS009"} {
			if !strings.Contains(out, rule) {
				t.Errorf("%s report lacks %s: sensitive values must still be judged", format, rule)
			}
		}
	}
}
