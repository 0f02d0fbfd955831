package rules

import (
	"fmt"
	"strings"

	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// Options configure what the checks accept.
type Options struct {
	// AllowedHostPaths are the hostPath prefixes EPS007 accepts.
	AllowedHostPaths []profile.HostPath
	// AllowedCapabilities may be added without EPS012. Nil means the Pod Security
	// Standards restricted allowance: NET_BIND_SERVICE.
	AllowedCapabilities []string
	// Overrides change a rule's severity or disable it, by rule ID.
	Overrides map[string]RuleOverride
}

// Engine runs the catalogue over an inventory.
type Engine struct {
	rules   []Rule
	enabled map[string]bool
	profile profile.Profile
	pss     policy.Evaluator
}

// New builds an engine with the full catalogue.
func New(opts Options) (*Engine, error) {
	caps := opts.AllowedCapabilities
	if caps == nil {
		caps = profile.DefaultAllowedCapabilities()
	}
	p, err := profile.New(profile.Restricted, profile.Options{
		AllowedHostPaths:    opts.AllowedHostPaths,
		AllowedCapabilities: caps,
	})
	if err != nil {
		return nil, fmt.Errorf("plan-check profile: %w", err)
	}
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, fmt.Errorf("pod security standards evaluator: %w", err)
	}
	var rules []Rule
	known := map[string]bool{}
	for _, r := range Catalogue() {
		known[r.ID] = true
		o := opts.Overrides[r.ID]
		if o.Disabled || (r.DefaultOff && !o.Enabled) {
			continue
		}
		if o.Severity != nil {
			r.Severity = *o.Severity
		}
		rules = append(rules, r)
	}
	for id := range opts.Overrides {
		if !known[id] {
			return nil, fmt.Errorf("rule %s is not in the catalogue", id)
		}
	}
	enabled := make(map[string]bool, len(rules))
	for _, r := range rules {
		enabled[r.ID] = true
	}
	return &Engine{rules: rules, enabled: enabled, profile: p, pss: ev}, nil
}

// Rules returns the catalogue the engine runs (severity overrides applied, disabled rules
// and default-off rules not enabled left out).
func (e *Engine) Rules() []Rule { return e.rules }

// Context indexes the objects that give context to a run (namespaces, LimitRanges,
// roles, PSPs, EKS facts), with the engine's profile.
func (e *Engine) Context(objs []*object.Object, facts Facts) *Context {
	return NewContext(objs, facts, e.profile)
}

// Verdict is one rule's result on one object.
type Verdict struct {
	// Rule is the engine's copy of the rule (its severity override applied).
	Rule *Rule
	Result
	// PSSLevel is the Pod Security Standards level of a workload ("" for other objects).
	PSSLevel string
}

// Severity is the verdict's severity: the result's own, else the rule's.
func (v Verdict) Severity() finding.Severity {
	if v.Result.Severity != nil {
		return *v.Result.Severity
	}
	return v.Rule.Severity
}

// RemediationText is the verdict's how-to-fix for an object written in dialect d: the
// result's own, else the rule's (in typed-resource terms for typed resources).
func (v Verdict) RemediationText(d object.Dialect) string {
	switch {
	case v.Result.Remediation != "":
		return v.Result.Remediation
	case d == object.Typed && v.Rule.RemediationTyped != "":
		return v.Rule.RemediationTyped
	}
	return v.Rule.Remediation
}

// Judge runs every rule that applies to o against ctx. The verdicts come in catalogue
// order, each rule's results in the order the rule gives them.
func (e *Engine) Judge(ctx *Context, o *object.Object) []Verdict {
	var out []Verdict
	add := func(r *Rule, level string, results []Result) {
		for _, res := range results {
			out = append(out, Verdict{Rule: r, Result: res, PSSLevel: level})
		}
	}
	switch {
	case o.Opaque != "":
		in := &ObjectInput{Obj: o, Ctx: ctx}
		for i := range e.rules {
			if r := &e.rules[i]; r.Opaque != nil {
				add(r, "", r.Opaque(in))
			}
		}
	case o.Pod != nil:
		in := &WorkloadInput{Obj: o, W: o.Pod, Ctx: ctx, failed: map[string]map[string]bool{}, reported: map[string]map[string]bool{}, enabled: e.enabled}
		level := e.pssLevel(in)
		for i := range e.rules {
			r := &e.rules[i]
			if r.Workload == nil {
				continue
			}
			in.rule = r
			results := r.Workload(in)
			in.recordFailures(r.ID, results)
			add(r, level, results)
		}
	default:
		in := &ObjectInput{Obj: o, Ctx: ctx}
		for i := range e.rules {
			if r := &e.rules[i]; r.Object != nil {
				add(r, "", r.Object(in))
			}
		}
	}
	return out
}

// pssLevel is the workload's Pod Security Standards level at the latest version (PSSLevel).
func (e *Engine) pssLevel(in *WorkloadInput) string {
	return e.PSSLevel(in.Obj, api.LatestVersion())
}

// securityFieldUnknown reports whether an unknown field of the pod could change its Pod
// Security Standards level (names, images and resources cannot).
func securityFieldUnknown(in *WorkloadInput) bool {
	for _, p := range in.Obj.UnknownPaths() {
		if !strings.HasPrefix(p, in.W.SpecPath) && !strings.HasPrefix(p, in.W.TemplatePath+".annotations") {
			continue
		}
		switch fieldpath.Leaf(p) {
		case "name", "image", "resources", "requests", "limits", "command", "args",
			"nodeSelector", "tolerations", "serviceAccountName", "schedulerName", "priorityClassName", "cpu", "memory",
			"imagePullPolicy":
			continue
		}
		return true
	}
	return false
}

// RuleOverride changes a rule's severity or turns it off or on (.ekspodsec.hcl rule
// blocks).
type RuleOverride struct {
	Severity *finding.Severity
	Disabled bool
	// Enabled turns on a rule that is off by default (Rule.DefaultOff).
	Enabled bool
}
