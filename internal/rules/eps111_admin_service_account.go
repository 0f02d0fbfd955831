package rules

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:       "EPS111",
		Peers:    []string{"17172bc2-56fb-4f17-916f-a014147706cd", "KSV111"},
		Severity: finding.High,
		Title:    "Service account granted full control",
		Description: "A binding grants a service account a role that allows every verb on every resource: the built-in " +
			"`cluster-admin`, or a role with `*` verbs on `*` resources in `*` API groups. Every pod that runs as that " +
			"account — and anyone who gets into one of its containers — can read every Secret, create privileged " +
			"pods and rewrite RBAC, in every namespace for a ClusterRoleBinding, in the binding's namespace for a " +
			"RoleBinding. Pod Security Admission cannot stop an account that can change the namespace's labels. " +
			"On clusters before 1.25, such a role also grants `use` of every PodSecurityPolicy.",
		Guide: "Beyond the guide: EKS IAM guidance (least privilege for workload service accounts)",
		Remediation: "Give the workload a role with only the verbs and resources it needs (a Role in its namespace " +
			"where it can be), and bind that to its service account instead of cluster-admin or a wildcard role.",
		Object: func(in *ObjectInput) []Result {
			b, ok := asBinding(in)
			if !ok {
				return nil
			}
			r := in.Ctx.resolveRole(b)
			if !r.known || !r.clusterAdmin {
				return nil
			}
			var out []Result
			for i, s := range b.subjects {
				if s.Kind != rbacv1.ServiceAccountKind || in.Unknown(fmt.Sprintf("subjects[%d].kind", i)) {
					continue
				}
				scope := "in every namespace: it can read every Secret of the cluster, create privileged pods on any node and change any RBAC"
				if !b.cluster {
					scope = "in namespace " + b.namespaceText() + ": it can read every Secret there, run any pod there and change the namespace's RBAC"
				}
				out = append(out, fail(fmt.Sprintf("subjects[%d]", i), "",
					fmt.Sprintf("The binding gives %s every verb on every resource (%s) %s. Every pod that runs as it has that power.", b.subjectText(i), r.source, scope)))
			}
			return out
		},
	})
}
