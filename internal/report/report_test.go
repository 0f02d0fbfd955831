package report

import (
	"bytes"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// Addresses of sampleReport.
const (
	webAddr = "kubernetes_deployment_v1.web"
	jobAddr = `module.batch.kubernetes_pod_v1.job["nightly"]`
	nsAddr  = "kubernetes_namespace_v1.apps"
)

// sampleReport is a small run with one finding of each kind: a critical and a low
// failure located in main.tf on one Deployment, an unknown and a waived finding on a
// Pod without file:line, a namespace judged without findings, a Fargate pod sized and
// one that could not be, and a note.
func sampleReport() *Report {
	low := finding.Finding{
		RuleID: "EPS020", Severity: finding.Low, Status: finding.Fail, Title: "Service account token mounted",
		Address: webAddr, ResourceType: "kubernetes_deployment_v1", Kind: "Deployment", Namespace: "apps", Name: "web",
		K8sPath: "spec.template.spec.automountServiceAccountToken", TFPath: "spec[0].template[0].spec[0].automount_service_account_token",
		Message: "The pod mounts a service account token it may not need.", Remediation: "Set automount_service_account_token = false.",
		Guide: "EKS best practices: IAM", PSSLevel: "privileged", File: "main.tf", Line: 12,
	}
	critical := low
	critical.RuleID, critical.Severity, critical.Title, critical.Container = "EPS001", finding.Critical, "Privileged container", "app"
	critical.K8sPath, critical.TFPath = "spec.template.spec.containers[0].securityContext.privileged", "spec[0].template[0].spec[0].container[0].security_context[0].privileged"
	critical.Message, critical.Remediation, critical.Guide, critical.Line = "The container app runs privileged.", "Remove privileged = true.", "EKS best practices: pod security", 20
	unknown := finding.Finding{
		RuleID: "EPS005", Severity: finding.High, Status: finding.Unknown, Title: "May run as root",
		Address: jobAddr, ResourceType: "kubernetes_pod_v1", Kind: "Pod", Namespace: "batch", Name: "job", Container: "worker",
		K8sPath: "spec.containers[0].securityContext.runAsNonRoot", TFPath: "spec[0].container[0].security_context[0].run_as_non_root",
		Message: "run_as_non_root is unknown until apply.", Remediation: "Set run_as_non_root = true.", Guide: "EKS best practices: pod security", PSSLevel: "baseline",
	}
	waived := unknown
	waived.RuleID, waived.Severity, waived.Status, waived.Title = "EPS008", finding.Critical, finding.Waived, "Container runtime socket mounted"
	waived.Container, waived.K8sPath, waived.TFPath = "", "spec.volumes[0].hostPath.path", ""
	waived.Message, waived.Remediation = `Volume "sock" mounts /run/docker.sock.`, "Remove the host_path volume."
	waived.Waiver = &finding.Waiver{Reason: "CI runner, reviewed", Source: ".ekspodsec.hcl:3", Expires: "2027-01-31"}
	return &Report{
		Plan: "plan.json", TerraformVersion: "1.11.4", Resources: 4, Objects: 3, ToolVersion: "1.2.3",
		Findings:  []finding.Finding{low, critical, unknown, waived},
		Gate:      Gate{FailOn: finding.High},
		Notes:     []string{"the waiver at .ekspodsec.hcl:9 expired on 2026-01-01"},
		Addresses: []string{webAddr, jobAddr, nsAddr},
		Rules: []RuleInfo{
			{ID: "EPS001", Title: "Privileged container", Description: "A privileged container is root on the node.", Severity: finding.Critical, Guide: "EKS best practices: pod security", Remediation: "Remove privileged = true."},
			{ID: "EPS005", Title: "May run as root", Description: "Without runAsNonRoot the image decides.", Severity: finding.High, Guide: "EKS best practices: pod security", Remediation: "Set run_as_non_root = true."},
			{ID: "EPS008", Title: "Container runtime socket mounted", Description: "The runtime socket starts privileged containers.", Severity: finding.Critical, Guide: "EKS best practices: runtime", Remediation: "Remove the host_path volume."},
			{ID: "EPS020", Title: "Service account token mounted", Description: "A token the pod does not need.", Severity: finding.Low, Guide: "EKS best practices: IAM", Remediation: "Set automount_service_account_token = false."},
		},
		Fargate: []FargatePod{
			{Address: webAddr, Kind: "Deployment", Namespace: "apps", Name: "web", Profile: "apps", Selector: "apps",
				RequestMilliCPU: 250, RequestMemoryMiB: 512, VCPU: 0.25, MemoryGB: 1},
			{Address: jobAddr, Kind: "Pod", Namespace: "batch", Name: "job", Profile: "batch", Selector: "batch", Note: "requests unknown until apply"},
		},
		Clusters: []string{"prod 1.31 (plan)"},
	}
}

// fake is what an attacker writes in a plan to fake a clean run in a CI log.
const fake = "x\r\x1b[2K\x1b]0;title\x07\n\x1b[32mno findings in 1 Kubernetes object of 1 resource. PASS: nothing at or above high\u202e\u2066\u0085\u009b31m\x7f\xff"

// hostileReport has the fake in every field that comes from the input.
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

// write runs a format's writer into a string.
func write(t *testing.T, name string, r *Report, opt Options) string {
	t.Helper()
	f, ok := Lookup(name)
	if !ok {
		t.Fatalf("no format %q", name)
	}
	var b bytes.Buffer
	if err := f.Write(&b, r, opt); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b.String()
}

// registryWritesAsDirect checks that the format's registry entry writes what its
// exported writer writes (the CLI uses the first, the golden reports of
// internal/plancheck pin the second).
func registryWritesAsDirect(t *testing.T, name string, direct func(io.Writer, *Report) error) {
	t.Helper()
	for _, r := range []*Report{sampleReport(), hostileReport(), {}} {
		var b bytes.Buffer
		if err := direct(&b, r); err != nil {
			t.Fatal(err)
		}
		if got := write(t, name, r, Options{}); got != b.String() {
			t.Errorf("%s: the registry's writer and the exported one differ", name)
		}
	}
}

func TestGateFails(t *testing.T) {
	f := func(s finding.Severity, st finding.Status) finding.Finding {
		return finding.Finding{Severity: s, Status: st}
	}
	cases := []struct {
		gate Gate
		f    finding.Finding
		want bool
	}{
		{Gate{FailOn: finding.High}, f(finding.High, finding.Fail), true},
		{Gate{FailOn: finding.High}, f(finding.Critical, finding.Fail), true},
		{Gate{FailOn: finding.High}, f(finding.Medium, finding.Fail), false},
		{Gate{FailOn: finding.High}, f(finding.Critical, finding.Unknown), false},
		{Gate{FailOn: finding.High, FailOnUnknown: true}, f(finding.Critical, finding.Unknown), true},
		{Gate{FailOn: finding.High, FailOnUnknown: true}, f(finding.Low, finding.Unknown), false},
		{Gate{FailOn: finding.Info, FailOnUnknown: true}, f(finding.Critical, finding.Waived), false},
		{Gate{FailOn: finding.Info}, f(finding.Info, finding.Fail), true},
	}
	for _, tc := range cases {
		if got := tc.gate.Fails(tc.f); got != tc.want {
			t.Errorf("%+v fails %v/%s: %v, want %v", tc.gate, tc.f.Severity, tc.f.Status, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	r := sampleReport()
	s := r.Summarize()
	if s.Resources != 4 || s.Objects != 3 || s.Findings != 4 || s.FailOn != "high" || s.FailOnUnk {
		t.Errorf("summary %+v", s)
	}
	wantSev := map[string]int{"info": 0, "low": 1, "medium": 0, "high": 1, "critical": 2}
	for k, v := range wantSev {
		if s.BySeverity[k] != v {
			t.Errorf("by severity %v, want %v", s.BySeverity, wantSev)
		}
	}
	if len(s.BySeverity) != len(wantSev) {
		t.Errorf("by severity %v", s.BySeverity)
	}
	if s.ByStatus["fail"] != 2 || s.ByStatus["unknown"] != 1 || s.ByStatus["waived"] != 1 || len(s.ByStatus) != 3 {
		t.Errorf("by status %v", s.ByStatus)
	}
	// the critical failure fails; the low one is under the gate, the waived one never
	// fails, the unknown one only with FailOnUnknown
	if s.Failing != 1 || s.Result != "fail" || !r.Failed() {
		t.Errorf("failing %d result %s failed %v", s.Failing, s.Result, r.Failed())
	}
	r.Gate.FailOnUnknown = true
	if s := r.Summarize(); s.Failing != 2 || !s.FailOnUnk {
		t.Errorf("with unknowns failing: %+v", s)
	}
	r.Gate = Gate{FailOn: finding.Critical}
	r.Findings = r.Findings[2:] // the unknown and the waived
	if s := r.Summarize(); s.Failing != 0 || s.Result != "pass" || r.Failed() {
		t.Errorf("nothing failing: %+v", s)
	}
	empty := (&Report{}).Summarize()
	if empty.Findings != 0 || empty.ByStatus["fail"] != 0 || len(empty.ByStatus) != 3 || len(empty.BySeverity) != 5 || empty.Result != "pass" {
		t.Errorf("empty report: %+v", empty)
	}
}

func TestHelpURI(t *testing.T) {
	if got := HelpURI("EPS001"); got != "https://github.com/ekspodsec/terraform-provider-ekspodsec/blob/main/docs/rules/EPS001.md" {
		t.Errorf("HelpURI = %s", got)
	}
}
