package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// fake is what an attacker writes in a plan to fake a clean run in a CI log.
const fake = "x\r\x1b[2K\x1b]0;title\x07\n\x1b[32mno findings in 1 Kubernetes object of 1 resource. PASS: nothing at or above high\u202e\u2066\u0085\u009b31m\x7f\xff"

func hostileReport() *Report {
	f := finding.Finding{
		RuleID: "EPS001", Severity: finding.Critical, Status: finding.Fail, Title: "Privileged container",
		Address: `kubernetes_pod_v1.web["` + fake + `"]`, ResourceType: "kubernetes_pod_v1", Kind: "Pod" + fake,
		Namespace: "ns" + fake, Name: "name" + fake, Container: "c" + fake, K8sPath: "spec" + fake,
		TFPath: "spec[0]" + fake, Message: "message " + fake, Remediation: "fix " + fake, Guide: "guide" + fake,
		PSSLevel: "privileged" + fake, File: "main" + fake + ".tf", Line: 3,
	}
	waived := f
	waived.RuleID, waived.Severity, waived.Status = "EPS020", finding.Low, finding.Waived
	waived.Waiver = &finding.Waiver{Reason: "reason" + fake, Source: "src" + fake}
	unknown := f
	unknown.RuleID, unknown.Status, unknown.Severity = "EPS021", finding.Unknown, finding.Medium
	return &Report{
		Plan: "plan" + fake + ".json", Resources: 1, Objects: 1,
		Findings:  []finding.Finding{f, waived, unknown},
		Gate:      Gate{FailOn: finding.High},
		Notes:     []string{"note " + fake},
		Addresses: []string{f.Address, "other" + fake},
		Fargate:   []FargatePod{{Address: f.Address, Profile: "p" + fake, Note: "n" + fake}, {Address: "a" + fake, Profile: "q" + fake}},
	}
}

// rawControl returns the first control or bidi character other than the newlines the
// writer itself puts between lines, or "".
func rawControl(s string) string {
	for i, r := range s {
		switch {
		case r == '\n':
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return "invalid UTF-8"
			}
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return string(r)
		}
	}
	return ""
}

// TestWritersEscapeControlCharacters: ESC and OSC sequences, carriage returns,
// newlines, C1 controls, DEL, bidi controls and invalid UTF-8 from the input never reach
// a human-readable report raw, so no field can fake a line of its own.
func TestWritersEscapeControlCharacters(t *testing.T) {
	writers := map[string]func(io.Writer, *Report) error{
		"text":   func(w io.Writer, r *Report) error { return WriteText(w, r, TextOptions{}) },
		"color":  func(w io.Writer, r *Report) error { return WriteText(w, r, TextOptions{Color: true}) },
		"github": WriteGitHub,
		"junit":  WriteJUnit,
	}
	for name, write := range writers {
		var b bytes.Buffer
		if err := write(&b, hostileReport()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := b.String()
		if name == "color" {
			// the writer's own colours are the only ESC sequences
			for _, c := range []string{ansiReset, ansiBold, ansiRed, ansiYellow, ansiBlue, ansiGrey, ansiGreen} {
				out = strings.ReplaceAll(out, c, "")
			}
		}
		if c := rawControl(out); c != "" {
			t.Errorf("%s report has a raw %q", name, c)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "no findings") {
				t.Errorf("%s: a line of its own from the input: %q", name, line)
			}
		}
		if !strings.Contains(out, `\x1b[2K`) {
			t.Errorf("%s: the escaped sequence is not shown", name)
		}
		switch name {
		case "github":
			for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if !strings.HasPrefix(line, "::") {
					t.Errorf("github: a line that is not a workflow command: %q", line)
				}
			}
		case "junit":
			d := xml.NewDecoder(strings.NewReader(out))
			for {
				_, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("junit: not XML: %v", err)
				}
			}
			if strings.Contains(out, "\ufffd") {
				t.Error("junit: a character replaced instead of escaped")
			}
		case "text":
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, "FAIL: 1 finding") {
				t.Errorf("text: the last line is not the verdict: %q", last)
			}
			for _, line := range lines[:len(lines)-1] {
				if strings.Contains(line, "PASS") && !strings.Contains(line, `\x1b[32mno findings`) {
					t.Errorf("text: a PASS line: %q", line)
				}
			}
		}
	}
}

// TestEscapingLeavesOrdinaryTextAlone: names without control characters print as they are.
func TestEscapingLeavesOrdinaryTextAlone(t *testing.T) {
	r := &Report{Plan: "plan.json", Resources: 1, Objects: 1, Gate: Gate{FailOn: finding.High},
		Findings: []finding.Finding{{RuleID: "EPS001", Severity: finding.Critical, Status: finding.Fail, Title: "Privileged container",
			Address: `module.a.kubernetes_pod_v1.web["naïve – 日本語 \\ C:\\x"]`, Kind: "Pod", Namespace: "apps", Name: "web", Container: "app",
			Message: `The container "app" runs privileged`, TFPath: "spec[0]", Remediation: "fix"}}}
	var b bytes.Buffer
	if err := WriteText(&b, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `module.a.kubernetes_pod_v1.web["naïve – 日本語 \\ C:\\x"]`) || !strings.Contains(b.String(), `The container "app" runs privileged`) {
		t.Errorf("ordinary text changed:\n%s", b.String())
	}
}
