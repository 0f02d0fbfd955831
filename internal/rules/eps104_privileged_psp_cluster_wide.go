package rules

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS104",
		Severity:    finding.Medium,
		Description: `A privileged PodSecurityPolicy (privileged in the plan, or EKS's ` + "`" + `eks.privileged` + "`" + `) is granted by a ClusterRoleBinding, or to users or groups rather than the service accounts of one namespace. The guide scopes the privileged policy to the kube-system service accounts of the agents that need it.`,
		Title:       "Privileged PodSecurityPolicy granted beyond one namespace's service accounts",
		Guide:       guideRBAC,
		Remediation: "Grant the privileged policy with a RoleBinding in kube-system to the service accounts " +
			"of the agents that need it (aws-node, kube-proxy), not with a ClusterRoleBinding or to users and groups.",
		Object: func(in *ObjectInput) []Result {
			b, ok := asBinding(in)
			if !ok || !in.Ctx.PSPEra() {
				return nil // no PodSecurityPolicy can be in force
			}
			r := in.Ctx.resolveRole(b)
			if !r.known {
				return nil
			}
			names, all := pspUse(r.rules)
			var privileged []string
			for _, n := range names {
				if in.Ctx.privilegedPSP(n) {
					privileged = append(privileged, n)
				}
			}
			var what string
			switch {
			case all:
				what = "every PodSecurityPolicy, eks.privileged among them"
			case len(privileged) == 0:
				return nil
			case len(privileged) == 1:
				what = "the privileged policy " + r.names(privileged)
			default:
				what = "the privileged policies " + r.names(privileged)
			}
			if b.cluster {
				return []Result{fail("roleRef", "", fmt.Sprintf("This ClusterRoleBinding lets its subjects use %s in every namespace (%s grants it): they may create privileged pods anywhere.", what, r.source))}
			}
			for i, s := range b.subjects {
				if s.Kind == rbacv1.ServiceAccountKind {
					continue
				}
				if s.Kind == rbacv1.GroupKind && s.Name == "system:serviceaccounts:"+b.namespace {
					continue // the service accounts of this one namespace
				}
				return []Result{fail(fmt.Sprintf("subjects[%d]", i), "", fmt.Sprintf("The binding lets %s use %s (%s grants it), not only the service accounts of namespace %s.", b.subjectText(i), what, r.source, b.namespaceText()))}
			}
			return nil
		},
	})
}
