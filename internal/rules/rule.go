// Package rules is the rule catalogue (DESIGN.md): each rule one file holding its
// metadata, its check — a pure function over a typed Kubernetes object
// (internal/k8s/object) — and, where an admission policy can enforce it, its CEL form.
// Every rule registers itself; plan-check, the admission policy, provider functions,
// settings, docs and SARIF all read Catalogue().
//
// To add a rule: write internal/rules/eps0NN_<what>.go with an init() that calls register,
// and eps0NN_<what>_test.go beside it; run `make docs`.
package rules

import (
	"sort"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// Rule is one catalogue entry. Exactly one of Workload, Object and Opaque is set.
type Rule struct {
	ID       string
	Severity finding.Severity
	// SeverityNote says when a finding's severity differs from the rule's ("critical for
	// cluster-admin"), for the docs.
	SeverityNote string
	Title        string
	// Description says what the rule flags and why it matters (docs/rules/ID.md).
	Description string
	// Guide is the section of the EKS best-practices guide the rule implements.
	Guide string
	// Remediation is the default how-to-fix, in Kubernetes terms; a Result may be more
	// specific.
	Remediation string
	// RemediationTyped, when set, replaces Remediation for objects written as the
	// kubernetes provider's typed resources (their attribute names, their defaults).
	RemediationTyped string
	// AppliesTo says, for the docs, what the rule judges (default: from its check).
	AppliesTo string

	// DefaultOff rules run only when the settings enable them (`rule "EPS0NN" { enabled =
	// true }` in .ekspodsec.hcl): hygiene checks other tools have, kept out of the default
	// report so that it stays about pod security.
	DefaultOff bool
	// Peers are the IDs of other tools' checks this rule covers (Checkov CKV_K8S_*, KICS
	// query IDs, Trivy KSV*, Pod Security Standards controls "pss:<check>"), each listed in
	// PeerChecks. SARIF lists them with the rule, and .ekspodsec.hcl accepts a rule block or
	// waiver written with one of them (docs/peers.md).
	Peers []string

	// Workload judges one pod spec (pods and every object with a pod template).
	Workload func(in *WorkloadInput) []Result
	// Object judges one object of another kind (PSP, RBAC, Namespace, ...).
	Object func(in *ObjectInput) []Result
	// Opaque judges an object whose content cannot be read at all (object.Object.Opaque);
	// no other rule sees such objects.
	Opaque func(in *ObjectInput) []Result

	// CEL is the rule's form in the ValidatingAdmissionPolicy, when one can enforce it.
	CEL *CEL

	// ImpliedBy lists rules whose failure on a container already says what this rule
	// would say about it (a privileged container allows escalation, keeps every capability
	// and runs without seccomp). The check skips such containers (WorkloadInput.Implied),
	// so one problem is one finding, and the implying rule's message names this rule.
	// Implying rules have lower IDs: the engine runs the catalogue in ID order.
	ImpliedBy []string
	// Implies is said by the implying rule's message for each rule it implies ("privilege
	// escalation allowed (EPS002)"); set on the implied rule.
	Implies string
}

// Result is what a check returns; plan-check turns it into a finding.
type Result struct {
	Status finding.Status
	// Container is the container's name for container-level results, "" otherwise (and
	// when the name is sensitive).
	Container string
	// Path is the Kubernetes field path in the object (absolute).
	Path    string
	Message string
	// Remediation overrides the rule's default when set.
	Remediation string
	// Severity overrides the rule's severity when set (EPS108: critical for cluster-admin).
	Severity *finding.Severity
}

func fail(path, container, msg string) Result {
	return Result{Status: finding.Fail, Path: path, Container: container, Message: msg}
}

func unknown(path, container, msg string) Result {
	return Result{Status: finding.Unknown, Path: path, Container: container, Message: msg}
}

func sev(s finding.Severity) *finding.Severity { return &s }

// registry holds the rules registered by the init functions of this package's files. It is
// written only while the package initialises and read-only afterwards; Catalogue hands out
// copies.
var registry []Rule

// register adds a rule to the catalogue; called from the init function of the rule's file
// (TestCatalogue checks that IDs are unique).
func register(r Rule) { registry = append(registry, r) }

// Catalogue is every rule, in ID order. IDs are a public, stable interface: users waive
// them and dashboards track them. New rules go at the end of their range.
func Catalogue() []Rule {
	out := append([]Rule(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the catalogue rule with id.
func Lookup(id string) (Rule, bool) {
	for _, r := range registry {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// ObjectInput is a non-workload object with the context of the objects around it.
type ObjectInput struct {
	Obj *object.Object
	Ctx *Context
}

// Unknown reports whether the object's field at path p is unknown until apply.
func (in *ObjectInput) Unknown(p string) bool { return in.Obj.Unknown(p) }

// UnknownWithin reports whether anything at or below p is unknown.
func (in *ObjectInput) UnknownWithin(p string) bool { return in.Obj.UnknownWithin(p) }

// Show renders a value for a message, or Redacted when the object marks it sensitive.
func (in *ObjectInput) Show(p string, v any) string { return show(in.Obj, p, v) }
