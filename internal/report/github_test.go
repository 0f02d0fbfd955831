package report

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// TestGitHubCommands pins the workflow commands of a small run: one per finding that is
// not waived, in the report's order; ::error for what fails the run, ::warning below
// the gate, ::notice for unknowns; file and line when known; the message's lines
// escaped as the runner reads them.
func TestGitHubCommands(t *testing.T) {
	registryWritesAsDirect(t, "github", WriteGitHub)
	want := "::warning file=main.tf,line=12,title=EPS020 Service account token mounted::The pod mounts a service account token it may not need.%0A" +
		"kubernetes_deployment_v1.web: spec[0].template[0].spec[0].automount_service_account_token%0AFix: Set automount_service_account_token = false.%0A" + HelpURI("EPS020") + "\n" +
		"::error file=main.tf,line=20,title=EPS001 Privileged container [app]::The container app runs privileged.%0A" +
		"kubernetes_deployment_v1.web: spec[0].template[0].spec[0].container[0].security_context[0].privileged%0AFix: Remove privileged = true.%0A" + HelpURI("EPS001") + "\n" +
		"::notice title=EPS005 May run as root [worker]::Unknown until apply: run_as_non_root is unknown until apply.%0A" +
		`module.batch.kubernetes_pod_v1.job["nightly"]: spec[0].container[0].security_context[0].run_as_non_root%0AFix: Set run_as_non_root = true.%0A` + HelpURI("EPS005") + "\n"
	if got := write(t, "github", sampleReport(), Options{}); got != want {
		t.Errorf("workflow commands:\n%s\nwant:\n%s", got, want)
	}
}

// TestGitHubGate: an unknown that fails the run is an error; a file without a line has
// no line property; a run without findings writes nothing.
func TestGitHubGate(t *testing.T) {
	r := sampleReport()
	r.Gate.FailOnUnknown = true
	r.Findings[0].Line = 0
	out := write(t, "github", r, Options{})
	if !strings.Contains(out, "::error title=EPS005 May run as root [worker]::Unknown until apply: ") {
		t.Errorf("a failing unknown is not an error:\n%s", out)
	}
	if !strings.HasPrefix(out, "::warning file=main.tf,title=EPS020 ") {
		t.Errorf("a file without a line:\n%s", out)
	}
	if out := write(t, "github", &Report{Gate: Gate{FailOn: finding.High}}, Options{}); out != "" {
		t.Errorf("no findings, output %q", out)
	}
}

// TestGitHubEscaping: the workflow command's own separators in a property (: and ,)
// and its line breaks and percent signs anywhere are escaped, so a value cannot end the
// properties, add one, or start a command of its own.
func TestGitHubEscaping(t *testing.T) {
	r := &Report{Gate: Gate{FailOn: finding.High}, Findings: []finding.Finding{{
		RuleID: "EPS001", Severity: finding.Critical, Status: finding.Fail, Title: "a: b, c%",
		Address: "x", File: "dir,name:x%.tf", Line: 2, Message: "100% sure\n::error::fake", Remediation: "r",
	}}}
	want := "::error file=dir%2Cname%3Ax%25.tf,line=2,title=EPS001 a%3A b%2C c%25::100%25 sure\\n::error::fake%0Ax%0AFix: r%0A" + HelpURI("EPS001") + "\n"
	if got := write(t, "github", r, Options{}); got != want {
		t.Errorf("escaping:\n%q\nwant\n%q", got, want)
	}
	if got, want := dataEscaper()("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e"; got != want {
		t.Errorf("escapeData = %q, want %q", got, want)
	}
	if got, want := propertyEscaper()("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce"; got != want {
		t.Errorf("escapeProperty = %q, want %q", got, want)
	}
}

// TestGitHubEscapesControlCharacters: every line written is a workflow command: no
// field from the input can start a line, and no control character reaches the log raw.
func TestGitHubEscapesControlCharacters(t *testing.T) {
	out := write(t, "github", hostileReport(), Options{})
	if c := rawControl(out); c != "" {
		t.Errorf("a raw %q", c)
	}
	if !strings.Contains(out, `\x1b[2K`) {
		t.Error("the escaped sequence is not shown")
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 { // the waived finding is not annotated
		t.Errorf("%d commands, want 2", len(lines))
	}
	for _, line := range lines {
		if !strings.HasPrefix(line, "::") {
			t.Errorf("a line that is not a workflow command: %q", line)
		}
	}
}
