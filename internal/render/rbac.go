package render

import (
	"fmt"
	"sort"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Binding grants use of a policy in one namespace to service accounts and groups.
type Binding struct {
	Namespace       string
	ServiceAccounts []string
	Groups          []string
}

// ForbiddenGroups are the groups that stand for everyone or every service account:
// binding a policy to them is the mistake the guide warns against
// (eks:podsecuritypolicy:authenticated).
func ForbiddenGroups() map[string]string {
	return map[string]string{
		"system:authenticated":   "every authenticated user and service account",
		"system:unauthenticated": "every anonymous request",
		"system:anonymous":       "the anonymous user",
		"system:serviceaccounts": "every service account in every namespace",
	}
}

// ForbiddenGroupError explains why a group may not be granted a policy.
func ForbiddenGroupError(group string) error {
	who, ok := ForbiddenGroups()[group]
	if !ok {
		return nil
	}
	return fmt.Errorf("group %q is %s: granting it use of the policy lets any pod use it, which is exactly EKS's "+
		"eks:podsecuritypolicy:authenticated binding that the guide tells you to remove. Name the service accounts, "+
		"or leave service_accounts and groups empty to grant the namespace's own service accounts (system:serviceaccounts:NAMESPACE)", group, who)
}

// PolicyRBAC renders the ClusterRole that allows `use` of exactly one PodSecurityPolicy,
// and one RoleBinding per namespace (never a ClusterRoleBinding). A binding with neither
// service accounts nor groups grants the namespace's own service accounts.
func PolicyRBAC(policy, role string, bindings []Binding, m Meta) (*rbacv1.ClusterRole, []*rbacv1.RoleBinding, error) {
	if role == "" {
		role = "psp:" + policy
	}
	om, err := objectMeta(role, "", m, nil)
	if err != nil {
		return nil, nil, err
	}
	cr := &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: om,
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{"policy"}, Resources: []string{"podsecuritypolicies"},
			ResourceNames: []string{policy}, Verbs: []string{"use"},
		}},
	}
	seen := map[string]bool{}
	var rbs []*rbacv1.RoleBinding
	for _, b := range bindings {
		if seen[b.Namespace] {
			return nil, nil, fmt.Errorf("namespace %q has two bindings: put its service accounts and groups in one", b.Namespace)
		}
		seen[b.Namespace] = true
		var subjects []rbacv1.Subject
		sas := append([]string(nil), b.ServiceAccounts...)
		sort.Strings(sas)
		for _, sa := range sas {
			subjects = append(subjects, rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: sa, Namespace: b.Namespace})
		}
		groups := append([]string(nil), b.Groups...)
		sort.Strings(groups)
		for _, g := range groups {
			if err := ForbiddenGroupError(g); err != nil {
				return nil, nil, err
			}
			subjects = append(subjects, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: g})
		}
		if len(subjects) == 0 {
			subjects = []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "system:serviceaccounts:" + b.Namespace}}
		}
		bm, err := objectMeta(role, b.Namespace, m, nil)
		if err != nil {
			return nil, nil, err
		}
		rbs = append(rbs, &rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: bm,
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
			Subjects:   subjects,
		})
	}
	sort.Slice(rbs, func(i, j int) bool { return rbs[i].Namespace < rbs[j].Namespace })
	return cr, rbs, nil
}
