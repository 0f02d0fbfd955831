package advise

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/admission"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// Policy is one ValidatingAdmissionPolicy advise writes: the settings of the
// ekspodsec_validating_admission_policy data source that renders it, and what advise
// changes in the rendered policy (validations dropped by rule ID, validations added, the
// match conditions that scope it to service accounts).
type Policy struct {
	Name       string      `json:"name"`
	DataSource VAPSettings `json:"data_source"`
	// Dropped are the rule IDs whose validation is taken out of the data source's policy:
	// replaced by an added validation of the same rule, or relaxed.
	Dropped []string `json:"dropped_rules,omitempty"`
	// Added are validations written by advise (each message starts with its rule ID).
	Added []Validation `json:"added_validations,omitempty"`
	// MatchConditions scope the policy to the pods of some service accounts.
	MatchConditions []MatchCondition `json:"match_conditions,omitempty"`
	// Rules are the rule IDs the policy enforces, sorted.
	Rules []string `json:"rules"`
}

// VAPSettings are the attributes of the ekspodsec_validating_admission_policy data source.
type VAPSettings struct {
	Name                 string `json:"name"`
	KubernetesVersion    string `json:"kubernetes_version,omitempty"`
	PodSecurityStandards bool   `json:"pod_security_standards"`
	// AllowedCapabilities: nil leaves the attribute out (NET_BIND_SERVICE).
	AllowedCapabilities []string          `json:"allowed_capabilities,omitempty"`
	AllowedHostPaths    []string          `json:"allowed_host_paths,omitempty"`
	NamespaceSelector   map[string]string `json:"namespace_selector"`
	// ExemptNamespaces: nil leaves the attribute out (kube-system); empty exempts none.
	ExemptNamespaces []string `json:"exempt_namespaces"`
}

// Validation is one CEL validation.
type Validation struct {
	Rule       string `json:"rule"`
	Expression string `json:"expression"`
	Message    string `json:"message"`
}

// MatchCondition is one CEL match condition.
type MatchCondition struct {
	Name       string `json:"name"`
	Expression string `json:"expression"`
}

// Relaxation is a catalogue rule a policy does not enforce because workloads it covers
// would be refused: the rule, the policy's message, and who needs it relaxed.
type Relaxation struct {
	Rule     string     `json:"rule"`
	Message  string     `json:"message"`
	NeededBy []NeededBy `json:"needed_by"`
}

// vapOptions are the data source's settings as the data source turns them into the
// renderer's options (defaults, normalisation and order as its Read does).
func (s VAPSettings) vapOptions() (admission.VAPOptions, error) {
	o := admission.VAPOptions{Name: s.Name, PodSecurityStandards: s.PodSecurityStandards, NamespaceSelector: s.NamespaceSelector}
	if s.AllowedCapabilities != nil {
		o.AllowedCapabilities = make([]string, 0, len(s.AllowedCapabilities))
		for _, c := range s.AllowedCapabilities {
			n, err := profile.AllowedCapability(profile.Restricted, c)
			if err != nil {
				return o, err
			}
			o.AllowedCapabilities = append(o.AllowedCapabilities, n)
		}
		sort.Strings(o.AllowedCapabilities)
		o.AllowedCapabilities = slices.Compact(o.AllowedCapabilities)
	}
	if s.ExemptNamespaces != nil {
		o.ExemptNamespaces = append([]string{}, s.ExemptNamespaces...)
	}
	for _, p := range s.AllowedHostPaths {
		clean, err := profile.AllowedHostPath(profile.Restricted, p)
		if err != nil {
			return o, err
		}
		o.AllowedHostPaths = append(o.AllowedHostPaths, profile.HostPath{PathPrefix: clean, ReadOnly: true})
	}
	return o, nil
}

// Objects renders the policy and its binding as the data source does, with advise's
// changes applied.
func (p *Policy) Objects() (*admissionv1.ValidatingAdmissionPolicy, *admissionv1.ValidatingAdmissionPolicyBinding, error) {
	o, err := p.DataSource.vapOptions()
	if err != nil {
		return nil, nil, fmt.Errorf("policy %s: %w", p.Name, err)
	}
	pol, bind := admission.Policy(o)
	var vs []admissionv1.Validation
	for _, v := range pol.Spec.Validations {
		if !slices.Contains(p.Dropped, ruleOf(v.Message)) {
			vs = append(vs, v)
		}
	}
	invalid := metav1.StatusReasonInvalid
	for _, a := range p.Added {
		r := invalid
		vs = append(vs, admissionv1.Validation{Expression: a.Expression, Message: a.Message, Reason: &r})
	}
	pol.Spec.Validations = vs
	for _, m := range p.MatchConditions {
		pol.Spec.MatchConditions = append(pol.Spec.MatchConditions, admissionv1.MatchCondition{Name: m.Name, Expression: m.Expression})
	}
	return pol, bind, nil
}

// Maps renders the policy and its binding as generic objects (what --format yaml writes
// and what kubernetes_manifest receives).
func (p *Policy) Maps() ([]map[string]any, error) {
	pol, bind, err := p.Objects()
	if err != nil {
		return nil, err
	}
	return render.All(pol, bind)
}

// ruleOf is the rule ID a validation message starts with ("EPS007: ...").
func ruleOf(message string) string {
	id, _, _ := strings.Cut(message, ":")
	return id
}

// policyName is a policy's name: ekspodsec.<namespace>[.<service account>]. Namespaces
// have no dots, so two policies never share a name.
func policyName(namespace, serviceAccount string) string {
	n := "ekspodsec." + namespace
	if serviceAccount != "" {
		n += "." + serviceAccount
	}
	if len(n) > 253 {
		n = n[:253]
	}
	return strings.TrimRight(n, ".-")
}

// serviceAccountExpr is the CEL of the service account an object's pods run as, for
// match conditions (which cannot use the policy's variables). The API server fills
// serviceAccountName from the deprecated serviceAccount, and a pod's from "default".
func serviceAccountExpr() string {
	spec := `(object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : ` +
		`(object.kind == 'PodTemplate' ? object.template.spec : object.spec.template.spec)))`
	return fmt.Sprintf(`(has(%[1]s.serviceAccountName) && %[1]s.serviceAccountName != '' ? %[1]s.serviceAccountName : 'default')`, spec)
}

func celStrings(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// matchServiceAccounts scopes a policy to the pods of one service account (only), or to
// every pod but those of the service accounts given (except).
func matchServiceAccounts(only string, except []string) []MatchCondition {
	switch {
	case only != "":
		return []MatchCondition{{Name: "service-account", Expression: serviceAccountExpr() + " == " + strconv.Quote(only)}}
	case len(except) > 0:
		return []MatchCondition{{Name: "other-service-accounts", Expression: "!(" + serviceAccountExpr() + " in " + celStrings(except) + ")"}}
	}
	return nil
}

// catalogueValidation is the catalogue's validation of rule with options o.
func catalogueValidation(rule string, o rules.CELOptions) (Validation, bool) {
	for _, v := range rules.CELValidations(o) {
		if v.Rule == rule {
			return Validation{Rule: v.Rule, Expression: v.Expression, Message: v.Message}, true
		}
	}
	return Validation{}, false
}

// prefixesCEL are prefixes as the catalogue's CEL compares them ("/" is "").
func prefixesCEL(prefixes []string) []string {
	out := make([]string, len(prefixes))
	for i, p := range prefixes {
		out[i] = strings.TrimSuffix(p, "/")
	}
	return out
}

// underAny is the CEL for "the hostPath volume v is under one of the prefixes".
func underAny(prefixes []string) string {
	return celStrings(prefixesCEL(prefixes)) + ".exists(p, p == '' || v.hostPath.path == p || v.hostPath.path.startsWith(p + '/'))"
}

// exceptionPolicy is the policy of one service account's exceptions (or, with none, of
// the pods of the rest of a namespace): the data source's settings and the validations
// that replace the ones it cannot parameterise.
func exceptionPolicy(namespace, kubernetesVersion string, e Exceptions, only string, except []string) *Policy {
	p := &Policy{Name: policyName(namespace, only)}
	p.DataSource = VAPSettings{
		Name: p.Name, KubernetesVersion: kubernetesVersion, PodSecurityStandards: true,
		NamespaceSelector: map[string]string{"kubernetes.io/metadata.name": namespace},
	}
	if namespace == "kube-system" {
		p.DataSource.ExemptNamespaces = []string{}
	}
	p.MatchConditions = matchServiceAccounts(only, except)

	// Capabilities: NET_BIND_SERVICE (restricted's own) and those needed that the data
	// source takes (ALL and * are never allowed; they are relaxed if needed).
	if len(e.Capabilities) > 0 {
		caps := []string{"NET_BIND_SERVICE"}
		for _, c := range e.Capabilities {
			if n, err := profile.AllowedCapability(profile.Restricted, c.Value); err == nil {
				caps = append(caps, n)
			}
		}
		sort.Strings(caps)
		p.DataSource.AllowedCapabilities = slices.Compact(caps)
	}

	// Host paths: the prefixes the data source accepts go to it (EPS007); a prefix it
	// refuses (the whole host, a runtime socket) takes EPS007 out of its hands.
	if len(e.HostPaths) > 0 {
		var all, accepted, writable, sockets []string
		for _, hp := range e.HostPaths {
			all = append(all, hp.PathPrefix)
			if _, err := profile.AllowedHostPath(profile.Restricted, hp.PathPrefix); err == nil {
				accepted = append(accepted, hp.PathPrefix)
			}
			if !hp.ReadOnly {
				writable = append(writable, hp.PathPrefix)
			}
			if _, ok := profile.RuntimeSocketUnder(hp.PathPrefix); ok {
				sockets = append(sockets, hp.PathPrefix)
			}
		}
		p.DataSource.AllowedHostPaths = accepted
		if len(accepted) < len(all) {
			if len(accepted) == 0 {
				p.Dropped = append(p.Dropped, "EPS005")
			} else {
				p.Dropped = append(p.Dropped, "EPS007")
			}
			var hps []profile.HostPath
			for _, a := range all {
				hps = append(hps, profile.HostPath{PathPrefix: a, ReadOnly: true})
			}
			if v, ok := catalogueValidation("EPS007", rules.CELOptions{AllowedHostPaths: hps}); ok && !slices.Contains(all, "/") {
				p.Added = append(p.Added, v) // with / (the whole host) there is nothing to check
			}
		}
		if len(writable) > 0 {
			p.Dropped = append(p.Dropped, "EPS006")
		}
		if len(writable) > 0 && !slices.Contains(writable, "/") {
			p.Added = append(p.Added, Validation{Rule: "EPS006",
				Expression: `variables.allContainers.all(c, !has(c.volumeMounts) || c.volumeMounts.all(m, ` +
					`!(m.name in variables.hostPathNames) || (has(m.readOnly) && m.readOnly) || ` +
					`variables.hostPathVolumes.exists(v, v.name == m.name && ` + underAny(writable) + `)))`,
				Message: "EPS006: hostPath volumes must be mounted read-only, except under " + strings.Join(writable, ", ")})
		}
		if len(sockets) > 0 {
			p.Dropped = append(p.Dropped, "EPS008")
			if v, ok := catalogueValidation("EPS008", rules.CELOptions{}); ok && !slices.Contains(sockets, "/") {
				const head = "variables.hostPathVolumes.all(v, "
				if strings.HasPrefix(v.Expression, head) && strings.HasSuffix(v.Expression, ")") {
					inner := strings.TrimSuffix(strings.TrimPrefix(v.Expression, head), ")")
					p.Added = append(p.Added, Validation{Rule: "EPS008",
						Expression: head + underAny(sockets) + " || (" + inner + "))",
						Message:    "EPS008: the container runtime socket (or a directory above it) must not be mounted, except under " + strings.Join(sockets, ", ")})
				}
			}
		}
	}

	// Host namespaces: EPS010 for the ones not granted.
	if len(e.HostNamespaces) > 0 {
		p.Dropped = append(p.Dropped, "EPS010")
		granted := e.HostNamespaceSet()
		var conds, names, grantedNames []string
		for _, h := range []struct{ field, name string }{{"hostNetwork", "network"}, {"hostPID", "PID"}, {"hostIPC", "IPC"}} {
			if granted[h.field] {
				grantedNames = append(grantedNames, h.field)
				continue
			}
			conds = append(conds, fmt.Sprintf("!(has(variables.podSpec.%[1]s) && variables.podSpec.%[1]s)", h.field))
			names = append(names, h.name)
		}
		if len(conds) > 0 {
			p.Added = append(p.Added, Validation{Rule: "EPS010", Expression: strings.Join(conds, " && "),
				Message: fmt.Sprintf("EPS010: pods must not share the host's %s namespace (allowed here: %s)", strings.Join(names, " or "), strings.Join(grantedNames, ", "))})
		}
	}

	// Host ports: EPS011 for the ports not granted.
	if len(e.HostPorts) > 0 || len(e.HostPortRanges) > 0 {
		p.Dropped = append(p.Dropped, "EPS011")
		ports := portList(e.HostPorts)
		var alts, shown []string
		if len(ports) > 0 {
			alts = append(alts, `(string(p.hostPort) + '/' + (has(p.protocol) ? p.protocol : 'TCP')) in `+celStrings(ports))
			shown = append(shown, ports...)
		}
		every := false
		for _, r := range e.HostPortRanges {
			every = every || (r.Min <= 1 && r.Max >= 65535)
			alts = append(alts, fmt.Sprintf("(p.hostPort >= %d && p.hostPort <= %d)", r.Min, r.Max))
			shown = append(shown, fmt.Sprintf("%d-%d", r.Min, r.Max))
		}
		if !every {
			p.Added = append(p.Added, Validation{Rule: "EPS011",
				Expression: `variables.allContainers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0 || ` + strings.Join(alts, " || ") + `))`,
				Message:    "EPS011: containers may bind only these host ports: " + strings.Join(shown, ", ")})
		}
	}

	if len(e.Privileged) > 0 {
		p.Dropped = append(p.Dropped, "EPS001")
	}
	sort.Strings(p.Dropped)
	return p
}

// settle evaluates the policy on the objects of the workloads it covers and relaxes every
// validation that refuses one of them. It returns the relaxations, and false when no
// validation is left (the workloads need everything the policy could check: no policy).
func (p *Policy) settle(ctx context.Context, namespace string, ws []*Workload) ([]Relaxation, bool, error) {
	pol, _, err := p.Objects()
	if err != nil {
		return nil, false, err
	}
	c, err := compilePolicy(pol)
	if err != nil {
		return nil, false, err
	}
	refused := map[string]*Relaxation{}
	for _, w := range ws {
		objs, err := manifests(w)
		if err != nil {
			return nil, false, err
		}
		for _, obj := range objs {
			if obj["kind"] == "PodTemplate" {
				continue
			}
			ev, err := c.evaluate(ctx, obj, namespace)
			if err != nil {
				return nil, false, fmt.Errorf("policy %s on %s: %w", p.Name, w.ID(), err)
			}
			if !ev.matched {
				return nil, false, fmt.Errorf("policy %s does not select %s (%s): its match conditions are wrong", p.Name, w.ID(), obj["kind"])
			}
			for i, why := range ev.failed {
				rule := ruleOf(pol.Spec.Validations[i].Message)
				r := refused[rule]
				if r == nil {
					r = &Relaxation{Rule: rule, Message: why}
					refused[rule] = r
				}
				r.refuse(w, rule, kindOf(obj))
			}
		}
	}
	var out []Relaxation
	for rule, r := range refused {
		p.drop(rule)
		sortNeededBy(r.NeededBy)
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rule < out[j].Rule })
	pol, _, err = p.Objects()
	if err != nil {
		return nil, false, err
	}
	p.Rules = nil
	for _, v := range pol.Spec.Validations {
		p.Rules = append(p.Rules, ruleOf(v.Message))
	}
	sort.Strings(p.Rules)
	p.Rules = slices.Compact(p.Rules)
	return out, len(pol.Spec.Validations) > 0, nil
}

// drop takes a rule's validations out of the policy.
func (p *Policy) drop(rule string) {
	if !slices.Contains(p.Dropped, rule) {
		p.Dropped = append(p.Dropped, rule)
	}
	var kept []Validation
	for _, a := range p.Added {
		if a.Rule != rule {
			kept = append(kept, a)
		}
	}
	p.Added = kept
	sort.Strings(p.Dropped)
}

// kindOf names the object a validation refuses: the Pod, or the workload object.
func kindOf(obj map[string]any) string {
	k, _ := obj["kind"].(string)
	return k
}

// refuse records that the relaxed rule refuses w (as the object of kind): one entry per
// workload, with the fields the catalogue's Go check fails on (or the rule that implies
// it, when the Go check reports it there).
func (r *Relaxation) refuse(w *Workload, rule, kind string) {
	for i := range r.NeededBy {
		if r.NeededBy[i].Workload == w.ID() {
			if !strings.Contains(r.NeededBy[i].Value, kind) {
				r.NeededBy[i].Value += " and as a " + kind
			}
			return
		}
	}
	field := strings.Join(w.failing[rule], ", ")
	if field == "" {
		if def, ok := rules.Lookup(rule); ok {
			for _, by := range def.ImpliedBy {
				if paths := w.failing[by]; len(paths) > 0 {
					field = strings.Join(paths, ", ") + " (" + by + ", which implies it)"
					break
				}
			}
		}
	}
	r.NeededBy = append(r.NeededBy, NeededBy{Workload: w.ID(), Field: field, Value: "refused as a " + kind})
}
