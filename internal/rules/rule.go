// Package rules is the rule catalogue of plan-check (DESIGN.md): each rule a pure function
// over typed objects, in a file of its own, registered in the table in catalogue.go.
package rules

import (
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
)

// Rule is one catalogue entry. Exactly one of Workload and Object is set.
type Rule struct {
	ID       string
	Severity finding.Severity
	Title    string
	// Description says what the rule flags and why it matters (docs/rules/ID.md).
	Description string
	// Guide is the section of the EKS best-practices guide the rule implements.
	Guide string
	// Remediation is the default how-to-fix; a Result may be more specific.
	Remediation string

	// Workload judges one pod spec (pods and every object with a pod template).
	Workload func(in *WorkloadInput) []Result
	// Object judges one object of another kind (PSP, RBAC, Namespace, ...).
	Object func(in *ObjectInput) []Result
}

// Result is what a check returns; the engine turns it into a finding.
type Result struct {
	Status finding.Status
	// Container is the container's name for container-level results, "" otherwise.
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

// ObjectInput is a non-workload object with the plan's context.
type ObjectInput struct {
	Obj *plan.Object
	Ctx *Context
}

// Unknown reports whether the object's field at path p is unknown until apply.
func (in *ObjectInput) Unknown(p string) bool { return in.Obj.Fields.Unknown(p) }

// UnknownWithin reports whether anything at or below p is unknown.
func (in *ObjectInput) UnknownWithin(p string) bool { return in.Obj.Fields.UnknownWithin(p) }

// Show renders a value for a message, or "(sensitive value)" when the plan marks it sensitive.
func (in *ObjectInput) Show(p string, v any) string { return show(in.Obj.Fields, p, v) }
