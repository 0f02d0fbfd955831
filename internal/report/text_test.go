package report

import (
	"io"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// TestTextLayout pins the text report of a small run: a block per resource address in
// address order, the most severe finding first in each, its status beside the severity
// when it is not a plain failure, file:line when known, the waiver's reason, then the
// Fargate sizing, the notes, and the verdict as the last line.
func TestTextLayout(t *testing.T) {
	registryWritesAsDirect(t, "text", func(w io.Writer, r *Report) error { return WriteText(w, r, TextOptions{}) })
	want := `kubernetes_deployment_v1.web  (Deployment apps/web, PSS privileged)
  CRITICAL         EPS001 Privileged container [app]
      The container app runs privileged.
      at main.tf:20 spec[0].template[0].spec[0].container[0].security_context[0].privileged
      fix Remove privileged = true.
  LOW              EPS020 Service account token mounted
      The pod mounts a service account token it may not need.
      at main.tf:12 spec[0].template[0].spec[0].automount_service_account_token
      fix Set automount_service_account_token = false.

module.batch.kubernetes_pod_v1.job["nightly"]  (Pod batch/job, PSS baseline)
  CRITICAL WAIVED  EPS008 Container runtime socket mounted
      Volume "sock" mounts /run/docker.sock.
      waived CI runner, reviewed (.ekspodsec.hcl:3)
      fix Remove the host_path volume.
  HIGH UNKNOWN     EPS005 May run as root [worker]
      run_as_non_root is unknown until apply.
      at spec[0].container[0].security_context[0].run_as_non_root
      fix Set run_as_non_root = true.

Fargate sizing (request + 256 MB, rounded up to a Fargate configuration):
  kubernetes_deployment_v1.web  profile apps: requests 0.25 vCPU / 512 MiB -> billed 0.25 vCPU / 1 GB
  module.batch.kubernetes_pod_v1.job["nightly"]  profile batch: requests unknown until apply

note: the waiver at .ekspodsec.hcl:9 expired on 2026-01-01
4 findings (2 critical, 1 high, 1 low) in 3 Kubernetes objects of 4 Terraform resources, 1 unknown until apply, 1 waived. FAIL: 1 finding at or above high
`
	if got := write(t, "text", sampleReport(), Options{}); got != want {
		t.Errorf("text report:\n%s\nwant:\n%s", got, want)
	}
}

// TestTextVerdict: the last line counts what was judged and says PASS or FAIL with the
// gate that decided.
func TestTextVerdict(t *testing.T) {
	lastLine := func(r *Report) string {
		out := write(t, "text", r, Options{})
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		return lines[len(lines)-1]
	}
	if got, want := lastLine(&Report{Resources: 1, Objects: 0, Gate: Gate{FailOn: finding.High}}),
		"no findings in 0 Kubernetes objects of 1 Terraform resource. PASS: nothing at or above high"; got != want {
		t.Errorf("empty run: %q, want %q", got, want)
	}
	r := sampleReport()
	r.Gate = Gate{FailOn: finding.Critical, FailOnUnknown: true}
	r.Findings = r.Findings[:1] // the low one
	if got, want := lastLine(r), "1 finding (1 low) in 3 Kubernetes objects of 4 Terraform resources. PASS: nothing at or above critical, unknowns included"; got != want {
		t.Errorf("passing run: %q, want %q", got, want)
	}
	r = sampleReport()
	r.Gate = Gate{FailOn: finding.High, FailOnUnknown: true}
	if got, want := lastLine(r), "4 findings (2 critical, 1 high, 1 low) in 3 Kubernetes objects of 4 Terraform resources, 1 unknown until apply, 1 waived. FAIL: 2 findings at or above high, unknowns included"; got != want {
		t.Errorf("failing run: %q, want %q", got, want)
	}
}

// TestTextColor: colours only when asked, around the verdict, severities and headers;
// the words stay the same.
func TestTextColor(t *testing.T) {
	plain := write(t, "text", sampleReport(), Options{})
	color := write(t, "text", sampleReport(), Options{Color: true})
	if strings.Contains(plain, "\x1b") {
		t.Error("colour codes without Color")
	}
	for _, want := range []string{ansiBold + "kubernetes_deployment_v1.web  (Deployment apps/web, PSS privileged)" + ansiReset,
		ansiRed + "CRITICAL        " + ansiReset, ansiBlue + "LOW             " + ansiReset,
		ansiRed + "FAIL: 1 finding at or above high" + ansiReset, ansiGrey + "fix" + ansiReset} {
		if !strings.Contains(color, want) {
			t.Errorf("coloured report lacks %q", want)
		}
	}
	stripped := color
	for _, c := range []string{ansiReset, ansiBold, ansiRed, ansiYellow, ansiBlue, ansiGrey, ansiGreen} {
		stripped = strings.ReplaceAll(stripped, c, "")
	}
	if stripped != plain {
		t.Errorf("the coloured report says something else:\n%s", stripped)
	}
	pass := write(t, "text", &Report{Gate: Gate{FailOn: finding.High}}, Options{Color: true})
	if !strings.Contains(pass, ansiGreen+"PASS"+ansiReset+": nothing at or above high") {
		t.Errorf("passing verdict not green: %q", pass)
	}
}

// TestTextEscapesControlCharacters: ESC and OSC sequences, carriage returns, newlines,
// C1 controls, DEL, bidi controls and invalid UTF-8 from the input never reach the text
// report raw, so no field can fake a line of its own; the writer's own colours are the
// only ESC sequences.
func TestTextEscapesControlCharacters(t *testing.T) {
	for _, color := range []bool{false, true} {
		out := write(t, "text", hostileReport(), Options{Color: color})
		if color {
			for _, c := range []string{ansiReset, ansiBold, ansiRed, ansiYellow, ansiBlue, ansiGrey, ansiGreen} {
				out = strings.ReplaceAll(out, c, "")
			}
		}
		if c := rawControl(out); c != "" {
			t.Errorf("color %v: a raw %q", color, c)
		}
		if !strings.Contains(out, `\x1b[2K`) {
			t.Errorf("color %v: the escaped sequence is not shown", color)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if last := lines[len(lines)-1]; !strings.Contains(last, "FAIL: 1 finding") {
			t.Errorf("color %v: the last line is not the verdict: %q", color, last)
		}
		for _, line := range lines[:len(lines)-1] {
			if strings.HasPrefix(strings.TrimSpace(line), "no findings") {
				t.Errorf("color %v: a line of its own from the input: %q", color, line)
			}
			if strings.Contains(line, "PASS") && !strings.Contains(line, `\x1b[32mno findings`) {
				t.Errorf("color %v: a PASS line: %q", color, line)
			}
		}
	}
}

// TestTextLeavesOrdinaryTextAlone: names without control characters print as they are.
func TestTextLeavesOrdinaryTextAlone(t *testing.T) {
	r := &Report{Plan: "plan.json", Resources: 1, Objects: 1, Gate: Gate{FailOn: finding.High},
		Findings: []finding.Finding{{RuleID: "EPS001", Severity: finding.Critical, Status: finding.Fail, Title: "Privileged container",
			Address: `module.a.kubernetes_pod_v1.web["naïve – 日本語 \\ C:\\x"]`, Kind: "Pod", Namespace: "apps", Name: "web", Container: "app",
			Message: `The container "app" runs privileged`, TFPath: "spec[0]", Remediation: "fix"}}}
	out := write(t, "text", r, Options{})
	if !strings.Contains(out, `module.a.kubernetes_pod_v1.web["naïve – 日本語 \\ C:\\x"]`) || !strings.Contains(out, `The container "app" runs privileged`) {
		t.Errorf("ordinary text changed:\n%s", out)
	}
}

func TestTrimFloat(t *testing.T) {
	for in, want := range map[float64]string{0.25: "0.25", 1: "1", 0.5: "0.5", 30: "30", 0.0625: "0.062", 2.0001: "2"} {
		if got := trimFloat(in); got != want {
			t.Errorf("trimFloat(%v) = %q, want %q", in, got, want)
		}
	}
}
