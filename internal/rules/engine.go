package rules

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
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
	profile profile.Profile
	pss     policy.Evaluator
}

// New builds an engine with the full catalogue.
func New(opts Options) (*Engine, error) {
	caps := opts.AllowedCapabilities
	if caps == nil {
		caps = []string{"NET_BIND_SERVICE"}
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
		if o.Disabled {
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
	return &Engine{rules: rules, profile: p, pss: ev}, nil
}

// Rules returns the catalogue the engine runs.
func (e *Engine) Rules() []Rule { return e.rules }

// Run judges every object of the inventory and returns the findings in a stable order.
func (e *Engine) Run(inv *plan.Inventory) []finding.Finding {
	run := e.Start(inv)
	for _, o := range inv.Objects {
		run.Judge(o)
	}
	return run.Findings()
}

// A Session judges objects one at a time against the context of a whole plan, so that
// workloads can be read, judged and dropped without holding them all.
type Session struct {
	e        *Engine
	ctx      *Context
	findings []finding.Finding
	notes    []string
}

// Start indexes the plan's context (namespaces, policies, roles, EKS facts) from inv.
func (e *Engine) Start(inv *plan.Inventory) *Session {
	return &Session{e: e, ctx: NewContext(inv, e.profile)}
}

// Judge runs every rule that applies to o, and applies the object's inline waivers.
func (s *Session) Judge(o *plan.Object) {
	start := len(s.findings)
	s.findings = s.e.judge(s.ctx, o, s.findings)
	if v, ok := o.Annotations[WaiveAnnotation]; ok {
		sensitive := o.Fields.Sensitive(plan.Join("metadata.annotations", WaiveAnnotation))
		waivers, problems := parseWaiveAnnotation(v, sensitive)
		for _, p := range problems {
			s.notes = append(s.notes, o.Address+": "+p)
		}
		for i := start; i < len(s.findings); i++ {
			f := &s.findings[i]
			if reason, ok := waivers[f.RuleID]; ok {
				if sensitive {
					reason = Redacted
				}
				f.Status = finding.Waived
				f.Waiver = &finding.Waiver{Reason: reason, Source: "annotation " + WaiveAnnotation}
			}
		}
	}
}

// Notes are remarks about the run (malformed inline waivers).
func (s *Session) Notes() []string { return s.notes }

// Findings returns everything judged so far, in a stable order.
func (s *Session) Findings() []finding.Finding {
	Sort(s.findings)
	return s.findings
}

func (e *Engine) judge(ctx *Context, o *plan.Object, out []finding.Finding) []finding.Finding {
	if o.Opaque != "" {
		r, ok := e.rule("EPS021")
		if !ok {
			return out
		}
		return append(out, e.finding(r, o, "", Result{
			Status:  finding.Unknown,
			Message: fmt.Sprintf("This %s cannot be judged: %s. Every rule that applies to it is unknown until apply.", kindOrObject(o), o.Opaque),
		}))
	}
	if o.Workload != nil {
		in := &WorkloadInput{Obj: o, W: o.Workload, Ctx: ctx}
		level := e.pssLevel(in)
		for _, r := range e.rules {
			if r.Workload == nil {
				continue
			}
			for _, res := range r.Workload(in) {
				out = append(out, e.finding(r, o, level, res))
			}
		}
		return out
	}
	in := &ObjectInput{Obj: o, Ctx: ctx}
	for _, r := range e.rules {
		if r.Object == nil {
			continue
		}
		for _, res := range r.Object(in) {
			out = append(out, e.finding(r, o, "", res))
		}
	}
	return out
}

// rule returns the engine's (possibly overridden) rule by ID; false when disabled.
func (e *Engine) rule(id string) (Rule, bool) {
	for _, r := range e.rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

func kindOrObject(o *plan.Object) string {
	if o.Kind != "" {
		return plainAt(o.Fields, "kind", o.Kind)
	}
	return "object"
}

func (e *Engine) finding(r Rule, o *plan.Object, level string, res Result) finding.Finding {
	sev := r.Severity
	if res.Severity != nil {
		sev = *res.Severity
	}
	rem := r.Remediation
	if res.Remediation != "" {
		rem = res.Remediation
	}
	id := Identify(o)
	f := finding.Finding{
		RuleID:       r.ID,
		Severity:     sev,
		Status:       res.Status,
		Title:        r.Title,
		Address:      o.Address,
		ResourceType: o.ResourceType,
		Kind:         id.Kind,
		Namespace:    id.Namespace,
		Name:         id.Name,
		Container:    res.Container,
		K8sPath:      redactPath(o.Fields, res.Path),
		Message:      res.Message,
		Remediation:  rem,
		Guide:        r.Guide,
		PSSLevel:     level,
	}
	f.TFPath = o.Fields.TFPath(f.K8sPath)
	if o.Doc > 0 {
		f.K8sPath = fmt.Sprintf("(document %d) %s", o.Doc+1, f.K8sPath)
	}
	return f
}

// pssLevel is the most restrictive Pod Security Standards level the pod meets, from
// k8s.io/pod-security-admission's own checks. When a field those checks read is unknown
// and the known fields meet baseline or restricted, the level is "unknown".
func (e *Engine) pssLevel(in *WorkloadInput) string {
	meta, spec := &in.W.Template, &in.W.Spec
	level := string(api.LevelPrivileged)
	for _, l := range []api.Level{api.LevelRestricted, api.LevelBaseline} {
		agg := policy.AggregateCheckResults(e.pss.EvaluatePod(api.LevelVersion{Level: l, Version: api.LatestVersion()}, meta, spec))
		if agg.Allowed {
			level = string(l)
			break
		}
	}
	if level != string(api.LevelPrivileged) && securityFieldUnknown(in) {
		return "unknown"
	}
	return level
}

// securityFieldUnknown reports whether an unknown field of the pod could change its Pod
// Security Standards level (names, images and resources cannot).
func securityFieldUnknown(in *WorkloadInput) bool {
	for _, p := range in.Obj.Fields.UnknownPaths() {
		if !strings.HasPrefix(p, in.W.SpecPath) && !strings.HasPrefix(p, in.W.TemplatePath+".annotations") {
			continue
		}
		switch leaf(p) {
		case "name", "image", "resources", "requests", "limits", "command", "args",
			"nodeSelector", "tolerations", "serviceAccountName", "schedulerName", "priorityClassName", "cpu", "memory":
			continue
		}
		return true
	}
	return false
}

func leaf(p string) string {
	p = strings.TrimRight(p, "]")
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return strings.Trim(p[i+1:], `"`)
	}
	return p
}

// Sort orders findings by address, rule, container, path and message, so reports are
// byte-identical for the same plan.
func Sort(fs []finding.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		if a.Container != b.Container {
			return a.Container < b.Container
		}
		if a.K8sPath != b.K8sPath {
			return a.K8sPath < b.K8sPath
		}
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		return a.Message < b.Message
	})
}
