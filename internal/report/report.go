// Package report holds a plan-check run's result and writes it in each report format
// (Formats): text for people, JSON for machines, SARIF, JUnit and GitHub annotations for
// CI, Markdown for a pull-request comment. One file per format (text.go, json.go,
// sarif.go, junit.go, github.go, markdown.go), each with its test beside it.
package report

import (
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// Report is one plan-check run's result.
type Report struct {
	// Plan is the file name as given ("-" for stdin).
	Plan             string
	TerraformVersion string
	// Resources is the number of Terraform resources that produce the Kubernetes objects
	// plan-check judged (not terraform_data, aws_*, tls_*, ...); Objects is the number of
	// those objects (a kubectl_manifest may hold several).
	Resources int
	Objects   int
	Findings  []finding.Finding
	// Table, when not nil, holds the findings instead of Findings (a large run's compact
	// form); read either through AllFindings.
	Table *Table
	Gate  Gate
	// Notes are run-level remarks (an errored plan, expired waivers, ...).
	Notes []string
	// Addresses are every resource address judged, findings or not (JUnit test cases).
	Addresses []string
	// Rules describe the catalogue the run used (SARIF rules).
	Rules []RuleInfo
	// ToolVersion is the version of the binary.
	ToolVersion string
	// Fargate is what each workload selected by a Fargate profile will be billed for.
	Fargate []FargatePod
	// Clusters are the EKS clusters the run knew of ("name version (source)").
	Clusters []string
	// Compared says what each finding's Change compares with, "" when the run does not
	// compare: CompareDiff (the objects as they exist now: the plan's prior values) or
	// "baseline FILE" (an earlier JSON report). Fixed findings are then in Findings too.
	Compared string
}

// CompareDiff is Report.Compared for plan-check --diff.
const CompareDiff = "diff"

// FargatePod is the Fargate size of one workload's pods.
type FargatePod struct {
	Address   string `json:"address"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Profile and Selector are the Fargate profile selector that selects the pods.
	Profile  string `json:"profile"`
	Selector string `json:"selector"`
	// RequestMilliCPU and RequestMemoryMiB are the pod's request as Fargate computes it
	// (largest init container vs the sum of the others).
	RequestMilliCPU  int64 `json:"request_millicpu"`
	RequestMemoryMiB int64 `json:"request_memory_mib"`
	// VCPU and MemoryGB are the configuration billed (request + 256 MB, rounded up).
	VCPU     float64 `json:"vcpu"`
	MemoryGB float64 `json:"memory_gb"`
	// Note explains a size that could not be computed (unknown requests, too large).
	Note string `json:"note,omitempty"`
}

// RuleInfo describes one rule for reports that carry the catalogue.
type RuleInfo struct {
	ID          string
	Title       string
	Description string
	Severity    finding.Severity
	Guide       string
	Remediation string
	// Related are the other tools' checks the rule covers (docs/peers.md), for SARIF.
	Related []RelatedRule
}

// RelatedRule is another tool's check that a rule covers.
type RelatedRule struct {
	Tool, ID, Title string
}

// RuleDocsURL is where each rule's page is published.
const RuleDocsURL = "https://github.com/ekspodsec/terraform-provider-ekspodsec/blob/main/docs/rules/"

// HelpURI is the documentation page of a rule.
func HelpURI(id string) string { return RuleDocsURL + id + ".md" }

// containerSuffix is " [NAME]" for a finding on a container, "" otherwise.
func containerSuffix(f finding.Finding) string {
	if f.Container == "" {
		return ""
	}
	return " [" + f.Container + "]"
}

// changeSuffix is " (new)", " (worse: severity high → critical)", ... for a finding of a
// run that compares, "" otherwise. Not escaped.
func changeSuffix(f finding.Finding) string {
	switch {
	case f.Change == "":
		return ""
	case f.ChangeReason != "":
		return " (" + string(f.Change) + ": " + f.ChangeReason + ")"
	}
	return " (" + string(f.Change) + ")"
}

// chartObject says where in a helm_release's chart a finding is: "DaemonSet
// kube-system/node-agent in templates/daemonset.yaml (hook pre-install) of chart
// node-agent 0.1.0"; "" for findings outside charts. Not escaped.
func chartObject(f finding.Finding) string {
	if f.Chart == "" && f.Template == "" {
		return ""
	}
	var parts []string
	if f.Kind != "" {
		obj := f.Kind
		if f.Namespace != "" {
			obj += " " + f.Namespace + "/" + f.Name
		} else if f.Name != "" {
			obj += " " + f.Name
		}
		parts = append(parts, obj)
	}
	if f.Template != "" {
		parts = append(parts, "in "+f.Template)
	}
	if f.Hook != "" {
		parts = append(parts, "(hook "+f.Hook+")")
	}
	if f.Chart != "" {
		c := "of chart " + f.Chart
		if f.ChartVersion != "" {
			c += " " + f.ChartVersion
		}
		parts = append(parts, c)
	}
	return strings.Join(parts, " ")
}

// Gate decides the exit code.
type Gate struct {
	FailOn        finding.Severity
	FailOnUnknown bool
	// ChangesOnly: only new and worse findings fail the run (--diff, --baseline).
	ChangesOnly bool
}

// Fails reports whether a finding fails the run. A fixed finding never does; with
// ChangesOnly, an existing one does not either.
func (g Gate) Fails(f finding.Finding) bool {
	if f.Severity < g.FailOn || f.Change == finding.Fixed {
		return false
	}
	if g.ChangesOnly && f.Change != finding.New && f.Change != finding.Worse {
		return false
	}
	return f.Status == finding.Fail || (g.FailOnUnknown && f.Status == finding.Unknown)
}

// Failed reports whether any finding fails the run.
func (r *Report) Failed() bool {
	for _, f := range r.AllFindings() {
		if r.Gate.Fails(f) {
			return true
		}
	}
	return false
}

// Summary counts findings: Findings, BySeverity and ByStatus those of the plan (fixed
// findings left out), ByChange (when the run compares) every finding by its change.
type Summary struct {
	Resources  int            `json:"resources"`
	Objects    int            `json:"objects"`
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"by_severity"`
	ByStatus   map[string]int `json:"by_status"`
	FailOn     string         `json:"fail_on"`
	FailOnUnk  bool           `json:"fail_on_unknown"`
	Failing    int            `json:"failing"`
	Result     string         `json:"result"`
	// Compared and ByChange are set when the run compares (Report.Compared).
	Compared string         `json:"compared,omitempty"`
	ByChange map[string]int `json:"by_change,omitempty"`
}

// Summarize counts the report's findings.
func (r *Report) Summarize() Summary {
	s := Summary{
		Resources:  r.Resources,
		Objects:    r.Objects,
		BySeverity: map[string]int{},
		ByStatus:   map[string]int{string(finding.Fail): 0, string(finding.Unknown): 0, string(finding.Waived): 0},
		FailOn:     r.Gate.FailOn.String(),
		FailOnUnk:  r.Gate.FailOnUnknown,
		Result:     "pass",
	}
	for _, n := range finding.SeverityNames() {
		s.BySeverity[n] = 0
	}
	if r.Compared != "" {
		s.Compared, s.ByChange = r.Compared, map[string]int{}
		for _, c := range finding.Changes() {
			s.ByChange[string(c)] = 0
		}
	}
	for _, f := range r.AllFindings() {
		if s.ByChange != nil && f.Change != "" {
			s.ByChange[string(f.Change)]++
		}
		if !f.Counts() {
			continue
		}
		s.Findings++
		s.BySeverity[f.Severity.String()]++
		s.ByStatus[string(f.Status)]++
		if r.Gate.Fails(f) {
			s.Failing++
		}
	}
	if s.Failing > 0 {
		s.Result = "fail"
	}
	return s
}
