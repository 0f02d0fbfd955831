package advise

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// Options configure the advice.
type Options struct {
	// KubernetesVersion is the cluster's version ("1.31"); it overrides the input's.
	KubernetesVersion string
	// WarnLevel sets Pod Security Admission's warn and audit modes one level stricter than
	// enforce.
	WarnLevel bool
	// Namespaces limits the advice to these namespaces (all when empty).
	Namespaces []string
}

// Input is what advise reads: typed objects (from a plan, manifests or a cluster) and
// what the source knows of the cluster.
type Input struct {
	// Source names what was read, for the advice's header.
	Source  string
	Objects []*object.Object
	// Observed are pods seen in a cluster for a workload object (its ReplicaSets' pods for a
	// Deployment): judged with the workload.
	Observed map[*object.Object][]ObservedPod
	// KubernetesVersion is the version the input says the cluster runs ("" when it does
	// not), and VersionSource where it says so.
	KubernetesVersion, VersionSource string
	// Notes are the reader's remarks (objects it could not read as workloads).
	Notes []string
	// Complete is set when the input holds every workload of its namespaces (a live
	// cluster read without filters); a plan or manifests may not (kube-system holds EKS's
	// own agents, which neither describes).
	Complete bool
}

// ObservedPod is one pod of a workload seen in a cluster.
type ObservedPod struct {
	Name string
	Spec corev1.PodSpec
}

// Mechanisms advise writes, by Kubernetes version.
const (
	// MechanismAdmission is Pod Security Admission and ValidatingAdmissionPolicy (1.30+,
	// and when the version is not known).
	MechanismAdmission = "pod-security-admission+validating-admission-policy"
	// MechanismPSA is Pod Security Admission alone (1.25 to 1.29: no
	// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy).
	MechanismPSA = "pod-security-admission"
	// MechanismPSP is PodSecurityPolicy and its RBAC (before 1.25).
	MechanismPSP = "pod-security-policy"
)

// Advice is the result: per namespace the level, the workloads that hold it back, and
// the exceptions of each service account that needs more, with the policies that grant
// exactly those; and the migration of the input's PodSecurityPolicies.
type Advice struct {
	Source            string `json:"source,omitempty"`
	KubernetesVersion string `json:"kubernetes_version,omitempty"`
	VersionSource     string `json:"kubernetes_version_source,omitempty"`
	// PodSecurityVersion is the Pod Security Standards version the levels are judged by.
	PodSecurityVersion string                   `json:"pod_security_standards_version"`
	Mechanism          string                   `json:"mechanism"`
	WarnLevel          bool                     `json:"warn_level"`
	Namespaces         []*Namespace             `json:"namespaces"`
	Migrations         []*Migration             `json:"psp_migrations,omitempty"`
	Notes              []string                 `json:"notes,omitempty"`
	ServiceAccounts    []ServiceAccountToCreate `json:"service_accounts_to_create,omitempty"`

	complete bool
}

// ServiceAccountToCreate is a service account advise writes for workloads that run as
// default today.
type ServiceAccountToCreate struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	For       string `json:"for"`
}

// Namespace is the advice for one namespace.
type Namespace struct {
	Name string `json:"name"`
	// Level is the strictest Pod Security Standards level every workload passes, or
	// "unknown" when it is not decidable yet.
	Level string `json:"level"`
	// NotDecidable says why the level is not known (values unknown until apply).
	NotDecidable []string `json:"not_decidable,omitempty"`
	// NotWritable says why no policy is written (a value that may not be printed).
	NotWritable []string `json:"not_writable,omitempty"`
	// Labels are the Pod Security Admission labels to set (nil when none are written).
	Labels    *PSALabels  `json:"labels,omitempty"`
	Workloads []*Workload `json:"workloads"`
	// ServiceAccounts are the service accounts that need more than restricted, each with
	// its exceptions and policy.
	ServiceAccounts []*Group `json:"service_accounts,omitempty"`
	// Rest is the policy of every other pod of the namespace (nil when the namespace is
	// restricted: Pod Security Admission alone holds it).
	Rest *Group `json:"rest,omitempty"`
	// Current are the Pod Security Admission labels the input gives the namespace today.
	Current map[string]string `json:"current_labels,omitempty"`
	// CreatedBy is the input's object that creates the namespace (a Terraform address).
	CreatedBy string `json:"created_by,omitempty"`
	// Migrated is set when the namespace's advice comes from a PodSecurityPolicy
	// migration (no workload of the input runs there).
	Migrated string `json:"migrated_from,omitempty"`
}

// PSALabels are the Pod Security Admission levels of a namespace.
type PSALabels struct {
	Enforce string `json:"enforce"`
	Audit   string `json:"audit"`
	Warn    string `json:"warn"`
	// Version is the pinned standard version ("v1.31", "latest").
	Version string `json:"version"`
	// Labels are the labels themselves, as the data source renders them.
	Labels map[string]string `json:"labels"`
}

// Group is one service account that needs more than restricted (or, as a namespace's
// Rest, every other pod), with what it needs and its policy.
type Group struct {
	ServiceAccount string `json:"service_account,omitempty"`
	// Create is set for a service account advise names for workloads that run as
	// default: it must be created and the workloads changed to run as it.
	Create bool `json:"create,omitempty"`
	// Except are, for a namespace's Rest, the service accounts that have a policy of their
	// own.
	Except     []string   `json:"except,omitempty"`
	Workloads  []string   `json:"workloads,omitempty"`
	Level      string     `json:"level,omitempty"`
	Exceptions Exceptions `json:"exceptions"`
	// Relaxed are the catalogue rules its policy does not enforce because its workloads
	// would be refused.
	Relaxed []Relaxation `json:"relaxed,omitempty"`
	// Policy is nil when no policy is written (see Note).
	Policy  *Policy       `json:"policy,omitempty"`
	Legacy  *LegacyPolicy `json:"pod_security_policy,omitempty"`
	Note    string        `json:"note,omitempty"`
	members []*Workload
}

// Advise computes the advice for the input.
func Advise(ctx context.Context, in *Input, opts Options) (*Advice, error) {
	a := &Advice{Source: in.Source, WarnLevel: opts.WarnLevel, Notes: append([]string(nil), in.Notes...), complete: in.Complete}
	kv, src := in.KubernetesVersion, in.VersionSource
	if opts.KubernetesVersion != "" {
		kv, src = opts.KubernetesVersion, "--kubernetes-version"
	}
	if kv != "" {
		v, err := k8sversion.Parse(kv)
		if err != nil {
			return nil, fmt.Errorf("kubernetes version (%s): %w", src, err)
		}
		if v.Major != 1 {
			return nil, fmt.Errorf("kubernetes version (%s): Kubernetes %s does not exist: Kubernetes versions are 1.x", src, v)
		}
		a.KubernetesVersion, a.VersionSource = v.String(), src
	}
	a.PodSecurityVersion = "latest"
	a.Mechanism = MechanismAdmission
	if a.KubernetesVersion != "" {
		v, _ := k8sversion.Parse(a.KubernetesVersion)
		a.PodSecurityVersion = "v" + v.String()
		switch {
		case !v.AtLeast(profile.PSPRemovedIn()):
			a.Mechanism = MechanismPSP
		case !v.AtLeast(profile.VAPMinimum()):
			a.Mechanism = MechanismPSA
		}
	} else {
		a.Notes = append(a.Notes, "the cluster's Kubernetes version is not known (give --kubernetes-version): levels are judged by the latest Pod Security Standards, labels pin \"latest\", and the policies are written for Kubernetes 1.30 or later")
	}
	ev, err := newEvaluator(a.PodSecurityVersion)
	if err != nil {
		return nil, err
	}
	wanted := func(ns string) bool {
		if len(opts.Namespaces) == 0 {
			return true
		}
		for _, n := range opts.Namespaces {
			if n == ns {
				return true
			}
		}
		return false
	}

	limitRanges := map[string][]*corev1.LimitRange{}
	namespaces := map[string]*object.Object{}
	serviceAccounts := map[string]map[string]bool{}
	var workloadObjs []*object.Object
	for _, o := range in.Objects {
		switch t := o.Typed.(type) {
		case *corev1.LimitRange:
			if !o.Unknown("metadata.namespace") {
				limitRanges[o.Namespace] = append(limitRanges[o.Namespace], t)
			}
		case *corev1.Namespace:
			if !o.Unknown("metadata.name") {
				namespaces[o.Name] = o
			}
		case *corev1.ServiceAccount:
			if serviceAccounts[o.Namespace] == nil {
				serviceAccounts[o.Namespace] = map[string]bool{}
			}
			serviceAccounts[o.Namespace][o.Name] = true
		}
		if o.Pod != nil || (o.Opaque != "" && isWorkloadKind(o.Kind)) {
			workloadObjs = append(workloadObjs, o)
		}
	}

	eng, err := rules.New(rules.Options{})
	if err != nil {
		return nil, err
	}
	rctx := eng.Context(in.Objects, rules.Facts{})
	byNS := map[string]*Namespace{}
	nsOf := func(name string) *Namespace {
		n := byNS[name]
		if n == nil {
			n = &Namespace{Name: name}
			byNS[name] = n
		}
		return n
	}
	var anywhere []string
	for _, o := range workloadObjs {
		if o.Pod == nil {
			id := rules.Identify(o)
			why := fmt.Sprintf("%s %s/%s (%s): %s", id.Kind, id.Namespace, id.Name, o.Origin, o.Opaque)
			if o.Unknown("metadata.namespace") {
				anywhere = append(anywhere, why)
			} else if wanted(o.Namespace) {
				n := nsOf(id.Namespace)
				n.NotDecidable = append(n.NotDecidable, why)
			}
			continue
		}
		if !o.Unknown("metadata.namespace") && !wanted(o.Namespace) {
			continue
		}
		w := newWorkload(o, limitRanges[o.Namespace])
		for _, p := range in.Observed[o] {
			w.addPodSpec(p.Spec, "pods/"+p.Name+".spec")
		}
		ev.judge(w)
		w.failing = failingPaths(eng.Judge(rctx, o))
		if o.Unknown("metadata.namespace") {
			name := w.Name
			if name == "" {
				name = "(name not known until apply)"
			}
			anywhere = append(anywhere, fmt.Sprintf("%s %s (%s): its namespace is not known until apply: it may run here", w.Kind, name, w.Origin))
			continue
		}
		n := nsOf(w.Namespace)
		n.Workloads = append(n.Workloads, w)
	}
	for _, n := range byNS {
		n.NotDecidable = append(n.NotDecidable, anywhere...)
		if o := namespaces[n.Name]; o != nil {
			n.Current, n.CreatedBy = currentLabels(o), o.Origin
		}
	}
	if len(anywhere) > 0 {
		a.Notes = append(a.Notes, fmt.Sprintf("%d workload(s) have a namespace not known until apply: no namespace's level is decidable yet (%s)", len(anywhere), strings.Join(anywhere, "; ")))
	}

	names := make([]string, 0, len(byNS))
	for name := range byNS {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		n := byNS[name]
		sort.Slice(n.Workloads, func(i, j int) bool { return n.Workloads[i].ID() < n.Workloads[j].ID() })
		if err := a.adviseNamespace(ctx, n, serviceAccounts[name]); err != nil {
			return nil, err
		}
		a.Namespaces = append(a.Namespaces, n)
	}
	if err := a.migrate(ctx, in.Objects, wanted); err != nil {
		return nil, err
	}
	if len(a.Namespaces) == 0 && len(a.Migrations) == 0 && len(anywhere) == 0 {
		a.Notes = append(a.Notes, "the input has no workloads and no PodSecurityPolicies to advise on")
	}
	return a, nil
}

// isWorkloadKind reports whether kind carries a pod template.
func isWorkloadKind(kind string) bool {
	k, ok := object.Lookup(kind)
	return ok && k.Workload
}

// failingPaths are, per rule, the fields the catalogue's Go checks fail on.
func failingPaths(vs []rules.Verdict) map[string][]string {
	out := map[string][]string{}
	for _, v := range vs {
		if v.Status == finding.Fail && v.Path != "" {
			out[v.Rule.ID] = append(out[v.Rule.ID], v.Path)
		}
	}
	return out
}

// adviseNamespace decides one namespace: its level, its labels, and the groups and
// policies of its service accounts.
func (a *Advice) adviseNamespace(ctx context.Context, n *Namespace, knownSAs map[string]bool) error {
	n.Level = Restricted
	for _, w := range n.Workloads {
		if w.Level == LevelUnknown {
			for _, u := range w.Unknown {
				n.NotDecidable = append(n.NotDecidable, fmt.Sprintf("%s (%s): %s is not known until apply", w.ID(), w.Origin, u))
			}
			continue
		}
		n.Level = looser(n.Level, w.Level)
		for _, s := range w.Sensitive {
			n.NotWritable = append(n.NotWritable, fmt.Sprintf("%s (%s): %s is sensitive: the advice would have to print it", w.ID(), w.Origin, s))
		}
	}
	if n.Name == Redacted {
		n.NotWritable = append(n.NotWritable, "the namespace's name is sensitive")
	}
	if len(n.NotDecidable) > 0 {
		n.Level = LevelUnknown
		return nil
	}
	if len(n.NotWritable) > 0 {
		return nil
	}
	partialSystem := n.Name == "kube-system" && !a.complete
	if !partialSystem {
		n.Labels = a.labels(n.Level)
	}
	if n.Level == Restricted && !partialSystem && a.Mechanism != MechanismPSP {
		return nil // Pod Security Admission alone holds it
	}

	// One group per service account whose workloads need more than restricted; a workload
	// that runs as default and needs more gets a service account of its own.
	used := map[string]bool{}
	for sa := range knownSAs {
		used[sa] = true
	}
	for _, w := range n.Workloads {
		used[w.ServiceAccount] = true
	}
	groups := map[string]*Group{}
	// A service account gets a group when one of its workloads needs more than restricted;
	// then every workload of it is judged by its policy.
	grouped := map[string]bool{}
	for _, w := range n.Workloads {
		if w.Level != Restricted && w.ServiceAccount != "default" {
			grouped[w.ServiceAccount] = true
		}
	}
	var rest []*Workload
	for _, w := range n.Workloads {
		switch {
		case w.Level == Restricted && !grouped[w.ServiceAccount]:
			rest = append(rest, w)
		case w.ServiceAccount == "default":
			name := dnsLabel(w.Name)
			for i := 2; used[name]; i++ {
				name = dnsLabel(w.Name) + "-" + strconv.Itoa(i)
			}
			used[name] = true
			w.AdvisedServiceAccount = name
			groups[name] = &Group{ServiceAccount: name, Create: true, members: []*Workload{w}}
			a.ServiceAccounts = append(a.ServiceAccounts, ServiceAccountToCreate{Namespace: n.Name, Name: name, For: w.ID()})
		default:
			g := groups[w.ServiceAccount]
			if g == nil {
				g = &Group{ServiceAccount: w.ServiceAccount}
				groups[w.ServiceAccount] = g
			}
			g.members = append(g.members, w)
		}
	}
	sas := make([]string, 0, len(groups))
	for sa := range groups {
		sas = append(sas, sa)
	}
	sort.Strings(sas)
	for _, sa := range sas {
		g := groups[sa]
		g.Exceptions = exceptionsOf(g.members)
		if err := a.groupPolicy(ctx, n.Name, g, sa, nil); err != nil {
			return err
		}
		n.ServiceAccounts = append(n.ServiceAccounts, g)
	}
	n.Rest = &Group{Except: sas, members: rest}
	if partialSystem {
		for _, w := range rest {
			n.Rest.Workloads = append(n.Rest.Workloads, w.ID())
		}
		n.Rest.Note = "kube-system runs EKS's own agents (aws-node, kube-proxy, coredns), which this input does not describe: no Pod Security Admission labels and no policy are written for the rest of kube-system (advise from the live cluster to get them); the service accounts above get their policies"
		return nil
	}
	return a.groupPolicy(ctx, n.Name, n.Rest, "", sas)
}

// labels are the Pod Security Admission labels for a namespace at level.
func (a *Advice) labels(level string) *PSALabels {
	if a.Mechanism == MechanismPSP {
		return nil
	}
	l := &PSALabels{Enforce: level, Audit: level, Warn: level, Version: a.PodSecurityVersion}
	if a.WarnLevel {
		l.Audit, l.Warn = stricter(level), stricter(level)
	}
	l.Labels = l.render("").Labels
	return l
}

// render renders the labels as the pod_security_admission data source does (on the
// Namespace named namespace, if any). It cannot fail: the version is given, or latest.
func (l *PSALabels) render(namespace string) render.PodSecurityResult {
	version := l.Version
	if version == "" {
		version = "latest"
	}
	res, _ := render.PodSecurity(render.PodSecuritySpec{Enforce: profile.Level(l.Enforce), Audit: profile.Level(l.Audit),
		Warn: profile.Level(l.Warn), Version: version, Namespace: namespace})
	return res
}

// groupPolicy writes the policy of a group (a service account with only, or the rest of
// the namespace, but the service accounts in except) and settles it on its workloads.
func (a *Advice) groupPolicy(ctx context.Context, namespace string, g *Group, only string, except []string) error {
	g.Level = Restricted
	for _, w := range g.members {
		g.Workloads = append(g.Workloads, w.ID())
		g.Level = looser(g.Level, w.Level)
	}
	switch a.Mechanism {
	case MechanismPSP:
		return a.legacyPolicy(namespace, g, only)
	case MechanismPSA:
		g.Note = "ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) needs Kubernetes 1.30: these exceptions cannot be scoped to the service account; Pod Security Admission's namespace level admits them"
		return nil
	}
	p := exceptionPolicy(namespace, a.KubernetesVersion, g.Exceptions, only, except)
	relaxed, ok, err := p.settle(ctx, namespace, g.members)
	if err != nil {
		return err
	}
	g.Relaxed = relaxed
	if !ok {
		g.Note = "its workloads need everything the policy could check: no policy is written, Pod Security Admission's namespace level is the only boundary"
		return nil
	}
	g.Policy = p
	return nil
}

// currentLabels are a Namespace object's Pod Security Admission labels (sensitive values
// redacted).
func currentLabels(o *object.Object) map[string]string {
	ns, ok := o.Typed.(*corev1.Namespace)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for k, v := range ns.Labels {
		if !strings.HasPrefix(k, render.PodSecurityLabelPrefix) {
			continue
		}
		p := fieldpath.Join("metadata.labels", k)
		switch {
		case o.SensitiveWithin("metadata.labels") && o.Sensitive(p):
			v = Redacted
		case o.Unknown(p):
			v = "(known after apply)"
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
