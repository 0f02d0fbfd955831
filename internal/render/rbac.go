package render

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// Binding grants use of a policy in one namespace to service accounts and groups.
type Binding struct {
	Namespace       string
	ServiceAccounts []string
	Groups          []string
}

// ForbiddenGroups are the groups that stand for everyone or every service account:
// binding a policy to them is the mistake the guide warns against
// (EKS's eks:podsecuritypolicy:authenticated binding). The value says who they are.
func ForbiddenGroups() map[string]string {
	return map[string]string{
		"system:authenticated":   "every authenticated user and service account",
		"system:unauthenticated": "every anonymous request",
		"system:anonymous":       "the anonymous user",
		"system:serviceaccounts": "every service account in every namespace",
	}
}

// ForbiddenGroupMessage explains why a group may not be granted a policy, or returns ""
// for a group that may be.
func ForbiddenGroupMessage(group string) string {
	who, ok := ForbiddenGroups()[group]
	if !ok {
		return ""
	}
	return fmt.Sprintf("group %q is %s: granting it use of the policy lets any pod use it, which is exactly EKS's "+
		"eks:podsecuritypolicy:authenticated binding that the guide tells you to remove. Name the service accounts, "+
		"or leave service_accounts and groups empty to grant the namespace's own service accounts (system:serviceaccounts:NAMESPACE)", group, who)
}

// GroupNameProblem says why g cannot name an RBAC group (empty, or with spaces or control
// characters, which no authenticator issues), or returns "" for a usable name.
func GroupNameProblem(g string) string {
	if g == "" {
		return "a group name must not be empty"
	}
	if strings.ContainsFunc(g, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) || !utf8.ValidString(g) {
		return fmt.Sprintf("%s is not a group name: it has spaces, control characters or invalid UTF-8", profile.Quote(g))
	}
	return ""
}

// RoleName is the ClusterRole name used when none is given: psp:<policy>.
func RoleName(policy string) string { return "psp:" + policy }

// RBACResult is the RBAC that grants use of one PodSecurityPolicy.
type RBACResult struct {
	ClusterRole *rbacv1.ClusterRole
	// RoleBindings are sorted by namespace.
	RoleBindings []*rbacv1.RoleBinding
	// Decisions: the role's name, when none is given, is RoleName(policy); a binding
	// with neither service accounts nor groups grants the namespace's service accounts.
	Decisions
}

// Objects are the rendered objects, in output order: the ClusterRole, then the
// RoleBindings.
func (r RBACResult) Objects() []any {
	out := []any{r.ClusterRole}
	for _, rb := range r.RoleBindings {
		out = append(out, rb)
	}
	return out
}

// PolicyRBAC renders the ClusterRole that allows `use` of exactly one PodSecurityPolicy,
// and one RoleBinding per namespace (never a ClusterRoleBinding), sorted by namespace. A
// binding with neither service accounts nor groups grants the namespace's own service
// accounts (group system:serviceaccounts:<namespace>). Errors are FieldErrors whose paths
// are policy_name, role_name, labels, annotations and binding[i].namespace /
// .service_accounts[j] / .groups[j].
func PolicyRBAC(policy, role string, bindings []Binding, m Meta) (RBACResult, error) {
	var errs FieldErrors
	var res RBACResult
	checkSubdomain(&errs, []any{"policy_name"}, "policy_name", policy)
	if role == "" {
		role = RoleName(policy)
		res.Defaults = append(res.Defaults, Default{Path: []any{"role_name"}, Value: role})
	} else {
		checkRBACName(&errs, []any{"role_name"}, "role_name", role)
	}
	if len(bindings) == 0 {
		errs = append(errs, FieldError{Path: []any{"binding"}, Msg: "at least one binding is needed: a ClusterRole nobody is bound to grants nothing"})
	}
	seen := map[string]int{}
	var rbs []*rbacv1.RoleBinding
	for i, b := range bindings {
		at := func(rest ...any) []any { return append([]any{"binding", i}, rest...) }
		checkNamespace(&errs, at("namespace"), b.Namespace)
		if first, dup := seen[b.Namespace]; dup {
			errs = append(errs, FieldError{Path: at("namespace"), Msg: fmt.Sprintf(
				"namespace %s already has binding %d: put all its service accounts and groups in one binding", profile.Quote(b.Namespace), first)})
			continue
		}
		seen[b.Namespace] = i
		var subjects []rbacv1.Subject
		sas := sortedUnique(b.ServiceAccounts)
		for j, sa := range b.ServiceAccounts {
			checkSubdomain(&errs, at("service_accounts", j), "service account", sa)
		}
		for _, sa := range sas {
			subjects = append(subjects, rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: sa, Namespace: b.Namespace})
		}
		for j, g := range b.Groups {
			if msg := ForbiddenGroupMessage(g); msg != "" {
				errs = append(errs, FieldError{Path: at("groups", j), Msg: msg})
			} else if msg := GroupNameProblem(g); msg != "" {
				errs = append(errs, FieldError{Path: at("groups", j), Msg: msg})
			}
		}
		for _, g := range sortedUnique(b.Groups) {
			subjects = append(subjects, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: g})
		}
		if len(subjects) == 0 {
			group := "system:serviceaccounts:" + b.Namespace
			subjects = []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: group}}
			res.Defaults = append(res.Defaults, Default{Path: []any{"binding", i, "groups"}, Value: []string{group}})
		}
		rbs = append(rbs, &rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: role, Namespace: b.Namespace},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
			Subjects:   subjects,
		})
	}
	om, err := objectMeta(role, "", m, nil)
	errs.add(err)
	if len(errs) > 0 {
		return RBACResult{}, errs.titled("Cannot grant use of the policy")
	}
	for _, rb := range rbs {
		ns := rb.Namespace
		rb.ObjectMeta = *om.DeepCopy() // the same metadata, in the binding's namespace
		rb.Namespace = ns
	}
	cr := &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRole"},
		ObjectMeta: om,
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{"policy"}, Resources: []string{"podsecuritypolicies"},
			ResourceNames: []string{policy}, Verbs: []string{"use"},
		}},
	}
	sort.Slice(rbs, func(i, j int) bool { return rbs[i].Namespace < rbs[j].Namespace })
	res.ClusterRole, res.RoleBindings = cr, rbs
	return res, nil
}

// sortedUnique returns a sorted copy of list without duplicates.
func sortedUnique(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	j := 0
	for i, v := range out {
		if i == 0 || v != out[j-1] {
			out[j] = v
			j++
		}
	}
	return out[:j]
}
