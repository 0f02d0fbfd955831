package rules

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
)

// binding is a RoleBinding or ClusterRoleBinding, whichever the object is.
type binding struct {
	cluster   bool
	namespace string
	roleRef   rbacv1.RoleRef
	subjects  []rbacv1.Subject
	// in shows the binding's own fields in messages (sensitive values redacted).
	in *ObjectInput
}

func asBinding(in *ObjectInput) (binding, bool) {
	switch t := in.Obj.Typed.(type) {
	case *rbacv1.ClusterRoleBinding:
		return binding{cluster: true, roleRef: t.RoleRef, subjects: t.Subjects, in: in}, true
	case *rbacv1.RoleBinding:
		return binding{namespace: in.Obj.Namespace, roleRef: t.RoleRef, subjects: t.Subjects, in: in}, true
	}
	return binding{}, false
}

// namespaceText is the binding's namespace for messages.
func (b binding) namespaceText() string { return b.in.Plain("metadata.namespace", b.namespace) }

// roleName is the name of the role the binding refers to, for messages.
func (b binding) roleName() string { return b.in.Plain("roleRef.name", b.roleRef.Name) }

// subjectText renders subject i ("Group ops", "ServiceAccount ci/runner") for messages.
func (b binding) subjectText(i int) string {
	s := b.subjects[i]
	p := fmt.Sprintf("subjects[%d]", i)
	out := b.in.Plain(p+".kind", s.Kind) + " "
	if s.Kind == rbacv1.ServiceAccountKind && s.Namespace != "" {
		out += b.in.Plain(p+".namespace", s.Namespace) + "/"
	}
	return out + b.in.Plain(p+".name", s.Name)
}

// role is what a binding's roleRef resolves to.
type role struct {
	// rules of the role; nil with known=false when the role is neither in the plan nor built in.
	rules []rbacv1.PolicyRule
	known bool
	// source says where the rules came from, for messages.
	source string
	// clusterAdmin is the built-in cluster-admin role (or any role granting * on *).
	clusterAdmin bool
	// sensitive is set when the plan marks some of the role's rules sensitive: names taken
	// from them are never shown.
	sensitive bool
}

// builtinClusterRoles are roles every EKS cluster has, with the rules that matter here.
func builtinClusterRoles() map[string][]rbacv1.PolicyRule {
	all := []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}, {NonResourceURLs: []string{"*"}, Verbs: []string{"*"}}}
	// admin, edit and view grant many things but never `use` of a PodSecurityPolicy.
	someRights := []rbacv1.PolicyRule{{APIGroups: []string{"", "apps", "batch"}, Resources: []string{"pods", "deployments", "jobs"}, Verbs: []string{"get", "list", "watch"}}}
	return map[string][]rbacv1.PolicyRule{
		"cluster-admin":                    all,
		"admin":                            someRights,
		"edit":                             someRights,
		"view":                             someRights,
		"eks:podsecuritypolicy:privileged": {{APIGroups: []string{"policy"}, Resources: []string{"podsecuritypolicies"}, ResourceNames: []string{"eks.privileged"}, Verbs: []string{"use"}}},
	}
}

// resolveRole finds the role a binding refers to: in the plan, or built in.
func (c *Context) resolveRole(b binding) role {
	if b.roleRef.Kind == "Role" {
		if o := c.Roles[b.namespace+"/"+b.roleRef.Name]; o != nil && !o.UnknownWithin("rules") {
			r := o.Typed.(*rbacv1.Role)
			return role{rules: r.Rules, known: true, source: originOr(o, "Role "+b.namespaceText()+"/"+b.roleName()), clusterAdmin: grantsEverything(r.Rules), sensitive: o.SensitiveWithin("rules")}
		}
		return role{source: "Role " + b.namespaceText() + "/" + b.roleName()}
	}
	if o := c.ClusterRoles[b.roleRef.Name]; o != nil {
		r := o.Typed.(*rbacv1.ClusterRole)
		if o.UnknownWithin("rules") || r.AggregationRule != nil {
			return role{source: originOr(o, "ClusterRole "+b.roleName())}
		}
		return role{rules: r.Rules, known: true, source: originOr(o, "ClusterRole "+b.roleName()), clusterAdmin: grantsEverything(r.Rules), sensitive: o.SensitiveWithin("rules")}
	}
	if rules, ok := builtinClusterRoles()[b.roleRef.Name]; ok {
		return role{rules: rules, known: true, source: "built-in ClusterRole " + b.roleName(), clusterAdmin: b.roleRef.Name == "cluster-admin"}
	}
	return role{source: "ClusterRole " + b.roleName()}
}

func grantsEverything(rules []rbacv1.PolicyRule) bool {
	for _, r := range rules {
		if slices.Contains(r.APIGroups, "*") && slices.Contains(r.Resources, "*") && slices.Contains(r.Verbs, "*") {
			return true
		}
	}
	return false
}

// pspUse returns the PSP names the rules grant `use` of; all is true when the rules grant
// use of every PSP (no resourceNames, or a wildcard).
func pspUse(rules []rbacv1.PolicyRule) (names []string, all bool) {
	for _, r := range rules {
		if !matchesAny(r.APIGroups, "policy", "extensions") || !matchesAny(r.Resources, "podsecuritypolicies") || !matchesAny(r.Verbs, "use") {
			continue
		}
		if len(r.ResourceNames) == 0 || slices.Contains(r.ResourceNames, "*") {
			all = true
			continue
		}
		names = append(names, r.ResourceNames...)
	}
	return names, all
}

// onlyPSPUse reports whether every rule is `use` of PodSecurityPolicies.
func onlyPSPUse(rules []rbacv1.PolicyRule) bool {
	if len(rules) == 0 {
		return false
	}
	for _, r := range rules {
		if !matchesAny(r.Resources, "podsecuritypolicies") || len(r.Verbs) != 1 || r.Verbs[0] != "use" ||
			slices.Contains(r.Resources, "*") || slices.Contains(r.APIGroups, "*") {
			return false
		}
	}
	return true
}

func matchesAny(list []string, want ...string) bool {
	for _, v := range list {
		if v == "*" {
			return true
		}
		for _, w := range want {
			if strings.EqualFold(v, w) {
				return true
			}
		}
	}
	return false
}

// broadSubject says why subject i of the binding stands for "everyone" (or every service
// account), or "".
func broadSubject(b binding, i int, includeNamespaceSAs bool) string {
	s := b.subjects[i]
	switch {
	case s.Kind == rbacv1.GroupKind && s.Name == "system:authenticated":
		return "every authenticated identity (system:authenticated)"
	case s.Kind == rbacv1.GroupKind && s.Name == "system:unauthenticated":
		return "every anonymous request (system:unauthenticated)"
	case s.Kind == rbacv1.UserKind && s.Name == "system:anonymous":
		return "the anonymous user (system:anonymous)"
	case s.Kind == rbacv1.GroupKind && s.Name == "system:serviceaccounts":
		return "every service account in the cluster (system:serviceaccounts)"
	case includeNamespaceSAs && s.Kind == rbacv1.GroupKind && strings.HasPrefix(s.Name, "system:serviceaccounts:"):
		name := b.in.Plain(fmt.Sprintf("subjects[%d].name", i), s.Name)
		if name == Redacted {
			return "every service account of a namespace (" + Redacted + ")"
		}
		return "every service account of namespace " + strings.TrimPrefix(s.Name, "system:serviceaccounts:") + " (" + s.Name + ")"
	}
	return ""
}

// privilegedPSP reports whether the named PSP allows privileged pods: a PSP in the plan
// with privileged: true, or EKS's own eks.privileged.
func (c *Context) privilegedPSP(name string) bool {
	if o := c.PSPs[name]; o != nil {
		return o.Typed.(*psp.PodSecurityPolicy).Spec.Privileged
	}
	return name == "eks.privileged"
}

// names renders PodSecurityPolicy names taken from the role's rules, never sensitive ones.
func (r role) names(names []string) string {
	if r.sensitive {
		return Redacted
	}
	return strings.Join(names, ", ")
}

// originOr names an object by where it comes from, else by what.
func originOr(o *object.Object, what string) string {
	if o.Origin != "" {
		return o.Origin
	}
	return what
}

// mayBeBroad reports whether subject i, whose known fields name no broad group, could
// still stand for everyone once its unknown fields are known: only a Group or User (or a
// subject of unknown kind) whose name is unknown can. A ServiceAccount is one identity
// whatever its name, namespace and API group.
func mayBeBroad(b binding, i int) bool {
	p := fmt.Sprintf("subjects[%d]", i)
	s := b.subjects[i]
	if b.in.Unknown(p) || b.in.Unknown(p+".kind") {
		return true
	}
	if s.Kind == rbacv1.ServiceAccountKind {
		return false
	}
	return b.in.Unknown(p + ".name")
}
