// Package finding is what a rule reports: one violation (or one value Terraform cannot know
// yet) of one rule on one object or container. Reports and rules both depend on it, and on
// nothing else.
package finding

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Redacted is what is printed in place of a value the plan marks sensitive: judged,
// never shown.
const Redacted = "(sensitive value)"

// Severity orders findings; higher is worse.
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name (case-insensitive).
func ParseSeverity(v string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(strings.TrimSpace(v), n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q: want one of %s", v, strings.Join(severityNames[:], ", "))
}

// SeverityNames lists the severity names, lowest first.
func SeverityNames() []string { return append([]string(nil), severityNames[:]...) }

// MarshalJSON writes the severity's name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p, err := ParseSeverity(v)
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// Status says whether a finding is a violation, a value Terraform cannot know until
// apply, or an accepted risk.
type Status string

const (
	// Fail: the plan violates the rule.
	Fail Status = "fail"
	// Unknown: the value that decides is unknown until apply; it is never a pass.
	Unknown Status = "unknown"
	// Waived: a reviewed waiver accepts the risk; never fails the run.
	Waived Status = "waived"
)

// Finding is one reported violation. The JSON names are a public, stable interface
// (docs/plan-check.md).
type Finding struct {
	RuleID       string   `json:"rule_id"`
	Severity     Severity `json:"severity"`
	Status       Status   `json:"status"`
	Title        string   `json:"title"`
	Address      string   `json:"address"`
	ResourceType string   `json:"resource_type"`
	Kind         string   `json:"kind"`
	Namespace    string   `json:"namespace"`
	Name         string   `json:"name"`
	Container    string   `json:"container"`
	K8sPath      string   `json:"k8s_path"`
	TFPath       string   `json:"tf_path"`
	Message      string   `json:"message"`
	Remediation  string   `json:"remediation"`
	Guide        string   `json:"guide"`
	PSSLevel     string   `json:"pss_level"`

	// Chart, ChartVersion, Template and Hook say where in a helm_release's chart the
	// object comes from: the chart's name and version (Chart.yaml; the chart and version
	// attributes when it cannot be rendered), the template file that renders the object
	// ("templates/daemonset.yaml") and, for a hook, its events ("pre-install,pre-upgrade").
	// Empty for objects that are not rendered from a chart.
	Chart        string `json:"chart,omitempty"`
	ChartVersion string `json:"chart_version,omitempty"`
	Template     string `json:"template,omitempty"`
	Hook         string `json:"hook,omitempty"`

	// File and Line locate the Terraform source (the attribute, or the resource block)
	// when plan-check is given the configuration (--source); empty otherwise.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Waiver says why a waived finding is accepted, and where that was decided.
	Waiver *Waiver `json:"waiver,omitempty"`

	// Change is what the plan's change does to the finding when the run compares (--diff:
	// the objects as they are now against the plan; --baseline: an earlier report): new,
	// worse, existing or fixed. Empty when the run does not compare.
	Change Change `json:"change,omitempty"`
	// ChangeReason says why a finding is worse ("severity high → critical", "the role it
	// grants gained verbs") or what a new one does to its workload ("PSS level restricted →
	// privileged"); empty when there is nothing to add.
	ChangeReason string `json:"change_reason,omitempty"`
}

// Change is what a plan's change does to a finding.
type Change string

const (
	// New: the finding is not there now (a create, or an update that adds it).
	New Change = "new"
	// Worse: the finding is there now, and the change makes it worse: its severity rises,
	// the role its binding grants gains rules, the binding gains subjects.
	Worse Change = "worse"
	// Existing: the finding is there now, and stays as it is.
	Existing Change = "existing"
	// Fixed: the finding is there now, and the change removes it (an update that fixes
	// it, a delete). A fixed finding describes the object as it is now, not the plan.
	Fixed Change = "fixed"
)

// Changes lists the change values in the order reports count them.
func Changes() []Change { return []Change{New, Worse, Existing, Fixed} }

// Counts reports whether a finding is part of what the plan will leave: every finding but
// a fixed one.
func (f Finding) Counts() bool { return f.Change != Fixed }

// Waiver is an accepted risk: a reviewed reason, where it is written, and until when.
type Waiver struct {
	Reason string `json:"reason"`
	// Source is ".ekspodsec.hcl:12" or "annotation ekspodsec.io/waive".
	Source string `json:"source"`
	// Expires is the last day the waiver applies (YYYY-MM-DD), empty when it does not expire.
	Expires string `json:"expires,omitempty"`
}

// Sort orders findings by address, rule, container, path, object (template, kind,
// namespace, name), status, change and message, so reports are byte-identical for the same input.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			strings.Compare(a.Address, b.Address),
			strings.Compare(a.RuleID, b.RuleID),
			strings.Compare(a.Container, b.Container),
			strings.Compare(a.K8sPath, b.K8sPath),
			// Objects of one helm_release share its address.
			strings.Compare(a.Template, b.Template),
			strings.Compare(a.Kind, b.Kind),
			strings.Compare(a.Namespace, b.Namespace),
			strings.Compare(a.Name, b.Name),
			strings.Compare(string(a.Status), string(b.Status)),
			strings.Compare(string(a.Change), string(b.Change)),
			strings.Compare(a.Message, b.Message),
		)
	})
}
