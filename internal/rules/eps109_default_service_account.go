package rules

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS109",
		Peers:       []string{"CKV_K8S_42", "3360c01e-c8c0-4812-96a2-a6329b9b7f9f"},
		Severity:    finding.Medium,
		Description: `A binding grants a role to the ` + "`" + `default` + "`" + ` service account of a namespace, so every pod there that names no service account gets the role.`,
		Title:       "Default service account granted a role",
		Guide:       guideIAM,
		Remediation: "Create a dedicated service account for the workload that needs the role " +
			"(kubernetes_service_account_v1), bind the role to it, and set service_account_name on the pod spec.",
		Object: func(in *ObjectInput) []Result {
			b, ok := asBinding(in)
			if !ok {
				return nil
			}
			var out []Result
			for i, s := range b.subjects {
				if s.Kind != rbacv1.ServiceAccountKind || s.Name != "default" {
					continue
				}
				ns := in.Plain(fmt.Sprintf("subjects[%d].namespace", i), s.Namespace)
				if s.Namespace == "" {
					ns = b.namespaceText()
				}
				out = append(out, fail(fmt.Sprintf("subjects[%d]", i), "", fmt.Sprintf("The binding grants %s to the default service account of namespace %q: every pod there that names no service account gets it.", in.Ctx.resolveRole(b).source, ns)))
			}
			return out
		},
	})
}
