package advise

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// Migration is one PodSecurityPolicy of the input: the Pod Security Standards level it
// corresponds to, what it allows beyond that level, who its RBAC lets use it, and the
// labels and policy rules that keep the same boundary after 1.25.
type Migration struct {
	Name   string `json:"name"`
	Origin string `json:"origin,omitempty"`
	// Level is the strictest level that admits everything the policy admits but what a
	// ValidatingAdmissionPolicy grants per service account (the Exceptions).
	Level string `json:"level"`
	// Enforce is the Pod Security Admission level a namespace needs to admit the policy's
	// pods, exceptions included.
	Enforce string `json:"enforce"`
	// Beyond says what the policy allows beyond restricted.
	Beyond []string `json:"allows_beyond_restricted,omitempty"`
	// Exceptions are what it grants that the ValidatingAdmissionPolicy grants by name.
	Exceptions Exceptions `json:"exceptions"`
	// Relaxed are the catalogue rules the same boundary cannot enforce.
	Relaxed []Relaxation `json:"relaxed,omitempty"`
	// Lost are constraints of the policy nothing after 1.25 keeps.
	Lost []string `json:"not_kept,omitempty"`
	// Reach is who the input's RBAC lets use the policy.
	Reach []Reach  `json:"reach"`
	Notes []string `json:"notes,omitempty"`
}

// Reach is one grant of a PodSecurityPolicy: the pods of a service account (Namespace,
// ServiceAccount), of every service account of a namespace (ServiceAccount ""), of every
// namespace (Namespace ""), or people who create pods themselves (Creator).
type Reach struct {
	Namespace      string `json:"namespace,omitempty"`
	ServiceAccount string `json:"service_account,omitempty"`
	// Everywhere: every service account of every namespace.
	Everywhere bool `json:"everywhere,omitempty"`
	// Creator is a user or group that may use the policy for the pods it creates itself.
	Creator string `json:"creator,omitempty"`
	// Via is the binding and role that grant it.
	Via string `json:"via"`
}

// pspBoundary maps a PodSecurityPolicy onto the Pod Security Standards and the catalogue:
// its level, its exceptions, the rules it relaxes, and what it allows beyond restricted.
func pspBoundary(p *psp.PodSecurityPolicy, id string) *Migration {
	m := &Migration{Name: p.Name, Level: Restricted}
	s := p.Spec
	by := func(field string) []NeededBy { return []NeededBy{{Workload: id, Field: field}} }
	level := func(l string) { m.Level = looser(m.Level, l) }
	relax := func(rule, why, field string) {
		for i := range m.Relaxed {
			if m.Relaxed[i].Rule == rule {
				return
			}
		}
		m.Relaxed = append(m.Relaxed, Relaxation{Rule: rule, Message: why, NeededBy: by(field)})
	}
	enforce := Restricted
	if s.Privileged {
		m.Exceptions.Privileged = by("spec.privileged")
		m.Beyond = append(m.Beyond, "privileged containers")
		enforce = Privileged
	}
	for _, h := range []struct {
		on   bool
		name string
	}{{s.HostNetwork, "hostNetwork"}, {s.HostPID, "hostPID"}, {s.HostIPC, "hostIPC"}} {
		if h.on {
			m.Exceptions.HostNamespaces = append(m.Exceptions.HostNamespaces, Exception{Value: h.name, NeededBy: by("spec." + h.name)})
			m.Beyond = append(m.Beyond, h.name)
			enforce = Privileged
		}
	}
	for i, r := range s.HostPorts {
		m.Exceptions.HostPortRanges = append(m.Exceptions.HostPortRanges, PortRangeException{Min: r.Min, Max: r.Max, NeededBy: by(fmt.Sprintf("spec.hostPorts[%d]", i))})
		m.Beyond = append(m.Beyond, fmt.Sprintf("host ports %d-%d", r.Min, r.Max))
		enforce = Privileged
	}
	if slices.Contains(s.Volumes, "hostPath") || slices.Contains(s.Volumes, "*") {
		enforce = Privileged
		if len(s.AllowedHostPaths) == 0 {
			m.Exceptions.HostPaths = append(m.Exceptions.HostPaths, HostPathException{PathPrefix: "/", NeededBy: by("spec.volumes")})
			m.Beyond = append(m.Beyond, "any host path, read-write")
		}
		for i, hp := range s.AllowedHostPaths {
			prefix := hp.PathPrefix
			if clean, err := profile.CleanHostPath(prefix); err == nil {
				prefix = clean
			}
			m.Exceptions.HostPaths = append(m.Exceptions.HostPaths, HostPathException{PathPrefix: prefix, ReadOnly: hp.ReadOnly, NeededBy: by(fmt.Sprintf("spec.allowedHostPaths[%d]", i))})
			mode := "read-write"
			if hp.ReadOnly {
				mode = "read-only"
			}
			m.Beyond = append(m.Beyond, "host path "+prefix+" ("+mode+")")
		}
	}
	caps := map[string]string{}
	for i, c := range s.AllowedCapabilities {
		caps[c] = fmt.Sprintf("spec.allowedCapabilities[%d]", i)
	}
	for i, c := range s.DefaultAddCapabilities {
		caps[c] = fmt.Sprintf("spec.defaultAddCapabilities[%d]", i)
	}
	var capNames []string
	for c := range caps {
		capNames = append(capNames, c)
	}
	sort.Strings(capNames)
	for _, c := range capNames {
		n := normalizedCapability(c)
		switch {
		case n == "NET_BIND_SERVICE":
		case n == "*" || n == "ALL":
			relax("EPS012", "EPS012: every capability may be added", caps[c])
			m.Beyond = append(m.Beyond, "every capability")
			enforce = Privileged
		default:
			m.Exceptions.Capabilities = append(m.Exceptions.Capabilities, Exception{Value: n, NeededBy: by(caps[c])})
			m.Beyond = append(m.Beyond, "capability "+n)
			if slices.Contains(profile.BaselineCapabilities(), n) {
				enforce = looser(enforce, Baseline)
			} else {
				enforce = Privileged
			}
		}
	}
	if !slices.Contains(s.RequiredDropCapabilities, "ALL") {
		relax("EPS013", "EPS013: containers need not drop ALL capabilities", "spec.requiredDropCapabilities")
		m.Beyond = append(m.Beyond, "containers that keep the runtime's default capabilities (requiredDropCapabilities lacks ALL)")
		level(Baseline)
	}
	if s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation {
		relax("EPS002", "EPS002: containers may allow privilege escalation", "spec.allowPrivilegeEscalation")
		m.Beyond = append(m.Beyond, "privilege escalation")
		level(Baseline)
	}
	rootUser := s.RunAsUser.Rule == "RunAsAny" || s.RunAsUser.Rule == "" || (s.RunAsUser.Rule == "MustRunAs" && rangeHasZero(s.RunAsUser.Ranges))
	if rootUser {
		relax("EPS003", "EPS003: containers may run as root", "spec.runAsUser")
		relax("EPS004", "EPS004: containers may run as user 0", "spec.runAsUser")
		m.Beyond = append(m.Beyond, "running as root")
		level(Baseline)
	} else if s.RunAsUser.Rule == "MustRunAs" {
		m.Lost = append(m.Lost, "runAsUser MustRunAs: the PodSecurityPolicy set a user ID on pods that had none; after 1.25 pods must set runAsNonRoot or runAsUser themselves (EPS003)")
	}
	groupsRoot := s.FSGroup.Rule == "RunAsAny" || s.FSGroup.Rule == "" || s.SupplementalGroups.Rule == "RunAsAny" || s.SupplementalGroups.Rule == "" ||
		rangeHasZero(s.FSGroup.Ranges) || rangeHasZero(s.SupplementalGroups.Ranges)
	if groupsRoot && !rootUser {
		relax("EPS004", "EPS004: pods may use group 0", "spec.fsGroup")
		m.Beyond = append(m.Beyond, "group 0 (fsGroup or supplementalGroups)")
	}
	var extraVolumes []string
	for _, v := range s.Volumes {
		switch {
		case v == "*":
			extraVolumes = append(extraVolumes, "every volume type")
		case v != "hostPath" && !slices.Contains(profile.PSSRestrictedVolumes(), v):
			extraVolumes = append(extraVolumes, v)
		}
	}
	if len(extraVolumes) > 0 {
		m.Beyond = append(m.Beyond, "volume types "+strings.Join(extraVolumes, ", "))
		level(Baseline)
	}
	seccomp := p.Annotations[psp.SeccompAllowedProfilesAnnotation]
	if seccomp == "" || slices.ContainsFunc(strings.Split(seccomp, ","), func(s string) bool {
		s = strings.TrimSpace(s)
		return s == "*" || s == "unconfined"
	}) {
		relax("EPS016", "EPS016: containers may run without a seccomp profile", "metadata.annotations")
		m.Beyond = append(m.Beyond, "unconfined seccomp")
		level(Privileged)
	}
	if slices.Contains(s.AllowedProcMountTypes, "Unmasked") {
		m.Beyond = append(m.Beyond, "unmasked /proc")
		level(Privileged)
	}
	if len(s.AllowedUnsafeSysctls) > 0 {
		m.Beyond = append(m.Beyond, "unsafe sysctls "+strings.Join(s.AllowedUnsafeSysctls, ", "))
		level(Privileged)
	}
	if p.Annotations[psp.AppArmorAllowedProfilesAnnotation] == "" {
		m.Notes = append(m.Notes, "the policy does not limit AppArmor profiles; Pod Security Standards baseline refuses unconfined AppArmor")
	}
	if s.SELinux.Rule != "MustRunAs" {
		m.Notes = append(m.Notes, "the policy does not limit SELinux options; Pod Security Standards baseline allows only the container types")
	}
	if s.ReadOnlyRootFilesystem {
		m.Lost = append(m.Lost, "readOnlyRootFilesystem: neither Pod Security Admission nor the catalogue's policy requires it")
	}
	sort.Slice(m.Relaxed, func(i, j int) bool { return m.Relaxed[i].Rule < m.Relaxed[j].Rule })
	m.Enforce = looser(enforce, m.Level)
	return m
}

// notPSPRules are the catalogue's rules no PodSecurityPolicy ever checked (images,
// requests and limits): they are not part of a policy's boundary, and the migrated
// policies leave them out.
func notPSPRules() []string { return []string{"EPS009", "EPS014", "EPS015"} }

func rangeHasZero(rs []psp.IDRange) bool {
	for _, r := range rs {
		if r.Min <= 0 {
			return true
		}
	}
	return false
}

// grantsUse reports whether role rules grant `use` of the PodSecurityPolicy name.
func grantsUse(rules []rbacv1.PolicyRule, name string) bool {
	has := func(list []string, want ...string) bool {
		for _, v := range list {
			if v == "*" || slices.Contains(want, strings.ToLower(v)) {
				return true
			}
		}
		return false
	}
	for _, r := range rules {
		if has(r.APIGroups, "policy", "extensions") && has(r.Resources, "podsecuritypolicies") && has(r.Verbs, "use") &&
			(len(r.ResourceNames) == 0 || slices.Contains(r.ResourceNames, name) || slices.Contains(r.ResourceNames, "*")) {
			return true
		}
	}
	return false
}

// reachOf is who the input's RBAC lets use the PodSecurityPolicy name.
func reachOf(name string, objs []*object.Object) ([]Reach, []string) {
	clusterRoles := map[string]*object.Object{}
	roles := map[string]*object.Object{}
	for _, o := range objs {
		switch t := o.Typed.(type) {
		case *rbacv1.ClusterRole:
			clusterRoles[t.Name] = o
		case *rbacv1.Role:
			roles[o.Namespace+"/"+t.Name] = o
		}
	}
	var out []Reach
	var notes []string
	roleGrants := func(ref rbacv1.RoleRef, ns string) (bool, string) {
		var o *object.Object
		if ref.Kind == "Role" {
			o = roles[ns+"/"+ref.Name]
		} else {
			o = clusterRoles[ref.Name]
		}
		if o == nil {
			if ref.Kind == "ClusterRole" && ref.Name == "cluster-admin" {
				return true, "the built-in ClusterRole cluster-admin"
			}
			return false, ""
		}
		if o.UnknownWithin("rules") {
			notes = append(notes, fmt.Sprintf("%s %s: its rules are not known until apply: who it lets use %s is not known", ref.Kind, ref.Name, name))
			return false, ""
		}
		var rs []rbacv1.PolicyRule
		switch t := o.Typed.(type) {
		case *rbacv1.ClusterRole:
			rs = t.Rules
		case *rbacv1.Role:
			rs = t.Rules
		}
		return grantsUse(rs, name), ref.Kind + " " + ref.Name
	}
	for _, o := range objs {
		var ref rbacv1.RoleRef
		var subjects []rbacv1.Subject
		cluster := false
		switch t := o.Typed.(type) {
		case *rbacv1.ClusterRoleBinding:
			ref, subjects, cluster = t.RoleRef, t.Subjects, true
		case *rbacv1.RoleBinding:
			ref, subjects = t.RoleRef, t.Subjects
		default:
			continue
		}
		ok, role := roleGrants(ref, o.Namespace)
		if !ok {
			continue
		}
		kind := "RoleBinding " + o.Namespace + "/" + o.Name
		if cluster {
			kind = "ClusterRoleBinding " + o.Name
		}
		via := kind + " (" + role + ")"
		if o.UnknownWithin("subjects") {
			notes = append(notes, via+": its subjects are not known until apply")
		}
		for _, s := range subjects {
			switch {
			case s.Kind == rbacv1.ServiceAccountKind:
				ns := s.Namespace
				if ns == "" {
					ns = o.Namespace
				}
				if !cluster && ns != o.Namespace {
					continue // a service account of another namespace cannot run pods here
				}
				out = append(out, Reach{Namespace: ns, ServiceAccount: s.Name, Via: via})
			case s.Kind == rbacv1.GroupKind && strings.HasPrefix(s.Name, "system:serviceaccounts:"):
				ns := strings.TrimPrefix(s.Name, "system:serviceaccounts:")
				if cluster || ns == o.Namespace {
					out = append(out, Reach{Namespace: ns, Via: via})
				}
			case s.Kind == rbacv1.GroupKind && (s.Name == "system:serviceaccounts" || s.Name == "system:authenticated"):
				if cluster {
					out = append(out, Reach{Everywhere: true, Creator: "Group " + s.Name, Via: via})
				} else {
					out = append(out, Reach{Namespace: o.Namespace, Creator: "Group " + s.Name, Via: via})
				}
			default:
				where := "in every namespace"
				if !cluster {
					where = "in " + o.Namespace
				}
				out = append(out, Reach{Creator: s.Kind + " " + s.Name + " (pods it creates itself, " + where + ")", Via: via})
			}
		}
	}
	return out, notes
}

// migrate maps every PodSecurityPolicy of the input and writes, for the namespaces its
// RBAC reaches that have no workload in the input, the labels and policies that keep its
// boundary.
func (a *Advice) migrate(ctx context.Context, objs []*object.Object, wanted func(string) bool) error {
	byNS := map[string][]grantOf{}
	for _, o := range objs {
		p, ok := o.Typed.(*psp.PodSecurityPolicy)
		if !ok {
			continue
		}
		id := "PodSecurityPolicy " + p.Name
		m := pspBoundary(p, id)
		m.Origin = o.Origin
		if o.UnknownWithin("spec") || o.UnknownWithin("metadata.annotations") {
			m.Notes = append(m.Notes, "parts of the policy are not known until apply: its level is judged on what is known")
		}
		var notes []string
		m.Reach, notes = reachOf(p.Name, objs)
		m.Notes = append(m.Notes, notes...)
		for _, r := range m.Reach {
			switch {
			case r.Everywhere:
				m.Notes = append(m.Notes, fmt.Sprintf("%s lets every service account of every namespace use it (%s): keeping that boundary means "+
					"enforce=%s in every namespace; the guide says to remove such a binding, and advise writes nothing for it", r.Via, r.Creator, m.Enforce))
			case r.Namespace == "":
			case wanted(r.Namespace):
				byNS[r.Namespace] = append(byNS[r.Namespace], grantOf{m, r})
			}
		}
		m.Notes = append(m.Notes, "EPS009, EPS014 and EPS015 (Docker-in-Docker images, requests, limits) are left out of the migrated policies: a PodSecurityPolicy never checked them")
		if len(m.Reach) == 0 {
			m.Notes = append(m.Notes, "no RBAC in the input lets anyone use it")
		}
		a.Migrations = append(a.Migrations, m)
	}
	sort.Slice(a.Migrations, func(i, j int) bool { return a.Migrations[i].Name < a.Migrations[j].Name })
	if a.Mechanism == MechanismPSP {
		if len(a.Migrations) > 0 {
			a.Notes = append(a.Notes, "the cluster runs a version with PodSecurityPolicy: the migrations say what keeps each policy's boundary after the upgrade to 1.25 or later (run advise with --kubernetes-version 1.30 to write it)")
		}
		return nil
	}
	have := map[string]bool{}
	for _, n := range a.Namespaces {
		have[n.Name] = true
	}
	var names []string
	for ns := range byNS {
		if have[ns] {
			a.Notes = append(a.Notes, fmt.Sprintf("namespace %s: its workloads decide its advice; the PodSecurityPolicies that reach it are migrated in the report", ns))
			continue
		}
		names = append(names, ns)
	}
	sort.Strings(names)
	for _, ns := range names {
		n, err := a.migratedNamespace(ctx, ns, byNS[ns])
		if err != nil {
			return err
		}
		a.Namespaces = append(a.Namespaces, n)
	}
	sort.Slice(a.Namespaces, func(i, j int) bool { return a.Namespaces[i].Name < a.Namespaces[j].Name })
	return nil
}

// migratedNamespace is a namespace whose boundary comes from the PodSecurityPolicies
// that reach it: per service account the policy granted to it, and for every other pod
// the policy granted to the whole namespace (restricted when none is: under
// PodSecurityPolicy their pods were refused).
func (a *Advice) migratedNamespace(ctx context.Context, ns string, grants []grantOf) (*Namespace, error) {
	n := &Namespace{Name: ns, Level: Restricted}
	var wholeNS *Migration
	perSA := map[string]*Migration{}
	var names []string
	for _, g := range grants {
		if !slices.Contains(names, g.m.Name) {
			names = append(names, g.m.Name)
		}
		n.Level = looser(n.Level, g.m.Enforce)
		if g.reach.ServiceAccount == "" {
			if wholeNS == nil || levelRank(g.m.Enforce) > levelRank(wholeNS.Enforce) {
				wholeNS = g.m
			}
			continue
		}
		if cur := perSA[g.reach.ServiceAccount]; cur == nil || levelRank(g.m.Enforce) > levelRank(cur.Enforce) {
			perSA[g.reach.ServiceAccount] = g.m
		}
	}
	sort.Strings(names)
	n.Migrated = strings.Join(names, ", ")
	n.Labels = a.labels(n.Level)
	if a.Mechanism == MechanismPSA || n.Level == Restricted {
		return n, nil
	}
	sas := make([]string, 0, len(perSA))
	for sa, m := range perSA {
		if wholeNS != nil && levelRank(wholeNS.Enforce) >= levelRank(m.Enforce) {
			continue // the namespace-wide policy already grants it as much
		}
		sas = append(sas, sa)
	}
	sort.Strings(sas)
	for _, sa := range sas {
		g := &Group{ServiceAccount: sa, Workloads: []string{"(PodSecurityPolicy " + perSA[sa].Name + ")"}}
		if err := a.migratedPolicy(ctx, ns, g, perSA[sa], sa, nil); err != nil {
			return nil, err
		}
		n.ServiceAccounts = append(n.ServiceAccounts, g)
	}
	n.Rest = &Group{Except: sas}
	if wholeNS != nil {
		n.Rest.Workloads = []string{"(PodSecurityPolicy " + wholeNS.Name + ")"}
		return n, a.migratedPolicy(ctx, ns, n.Rest, wholeNS, "", sas)
	}
	n.Rest.Note = "no PodSecurityPolicy of the input reaches the other service accounts of " + ns + " (their pods were refused): they get the restricted rules"
	p := exceptionPolicy(ns, a.KubernetesVersion, Exceptions{}, "", sas)
	for _, rule := range notPSPRules() {
		p.drop(rule)
	}
	if _, ok, err := p.settle(ctx, ns, nil); err != nil || !ok {
		return nil, err
	}
	n.Rest.Policy = p
	return n, nil
}

// grantOf is a PodSecurityPolicy and one grant of it.
type grantOf struct {
	m     *Migration
	reach Reach
}

// migratedPolicy writes the policy that keeps a PodSecurityPolicy's boundary for a group.
func (a *Advice) migratedPolicy(ctx context.Context, ns string, g *Group, m *Migration, only string, except []string) error {
	g.Exceptions, g.Relaxed, g.Level = m.Exceptions, m.Relaxed, m.Level
	p := exceptionPolicy(ns, a.KubernetesVersion, m.Exceptions, only, except)
	for _, r := range m.Relaxed {
		p.drop(r.Rule)
	}
	for _, rule := range notPSPRules() {
		p.drop(rule)
	}
	_, ok, err := p.settle(ctx, ns, nil)
	if err != nil {
		return err
	}
	if !ok {
		g.Note = "PodSecurityPolicy " + m.Name + " allows everything the policy could check: no policy is written"
		return nil
	}
	g.Policy = p
	return nil
}
