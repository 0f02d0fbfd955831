package rules

import (
	"fmt"
	"strings"

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
			if !ok {
				return nil
			}
			r := in.Ctx.resolveRole(b)
			if !r.known {
				return nil
			}
			names, all := pspUse(r.rules)
			var privileged []string
			if all {
				privileged = append(privileged, "every PodSecurityPolicy (eks.privileged included)")
			}
			for _, n := range names {
				if in.Ctx.privilegedPSP(n) {
					privileged = append(privileged, r.names([]string{n}))
				}
			}
			if len(privileged) == 0 {
				return nil
			}
			what := strings.Join(privileged, ", ")
			if b.cluster {
				return []Result{fail("roleRef", "", fmt.Sprintf("A ClusterRoleBinding grants use of the privileged policy %s (through %s): its subjects may create privileged pods in every namespace.", what, r.source))}
			}
			for i, s := range b.subjects {
				if s.Kind == rbacv1.ServiceAccountKind {
					continue
				}
				if s.Kind == rbacv1.GroupKind && s.Name == "system:serviceaccounts:"+b.namespace {
					continue // the service accounts of this one namespace
				}
				return []Result{fail(fmt.Sprintf("subjects[%d]", i), "", fmt.Sprintf("The binding grants use of the privileged policy %s to %s, not to service accounts of namespace %s.", what, b.subjectText(i), b.namespaceText()))}
			}
			return nil
		},
	})
}
