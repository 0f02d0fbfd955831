package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:           "EPS108",
		Peers:        []string{"17172bc2-56fb-4f17-916f-a014147706cd", "KSV01011", "KSV111", "KSV122"},
		SeverityNote: "critical for cluster-admin",
		Severity:     finding.High,
		Description:  `A RoleBinding or ClusterRoleBinding grants a role to ` + "`" + `system:anonymous` + "`" + `, ` + "`" + `system:unauthenticated` + "`" + `, ` + "`" + `system:authenticated` + "`" + ` or all service accounts (` + "`" + `system:serviceaccounts` + "`" + `, ` + "`" + `system:serviceaccounts:NS` + "`" + `): the same mistake as the authenticated PSP binding, for any permission. Critical when the role is cluster-admin. Roles that only grant PSP ` + "`" + `use` + "`" + ` are EPS103's.`,
		Title:        "Role bound to everyone",
		Guide:        guideRBAC,
		Remediation: "Bind roles to named users, groups or service accounts, never to system:anonymous, " +
			"system:unauthenticated, system:authenticated or system:serviceaccounts(:NAMESPACE).",
		Object: func(in *ObjectInput) []Result {
			b, ok := asBinding(in)
			if !ok {
				return nil
			}
			r := in.Ctx.resolveRole(b)
			if r.known && onlyPSPUse(r.rules) {
				return nil // PodSecurityPolicy use is EPS103's
			}
			var out []Result
			if in.Unknown("subjects") {
				return []Result{unknown("subjects", "", fmt.Sprintf("The binding's subjects are not known until apply: it could grant %s %s to everyone.", r.source, roleScope(b)))}
			}
			for i := range b.subjects {
				who := broadSubject(b, i, true)
				if who == "" {
					if mayBeBroad(b, i) {
						out = append(out, unknown(fmt.Sprintf("subjects[%d]", i), "", fmt.Sprintf("Who subject %d of the binding is, is not known until apply: it could be everyone (system:authenticated), and the binding grants %s %s.", i, r.source, roleScope(b))))
					}
					continue
				}
				res := fail(fmt.Sprintf("subjects[%d]", i), "", fmt.Sprintf("The binding grants %s %s to %s.", r.source, roleScope(b), who))
				if r.clusterAdmin {
					res.Severity = sev(finding.Critical)
					res.Message = fmt.Sprintf("The binding makes %s cluster-admin %s: full control of the cluster.", who, roleScope(b))
				}
				out = append(out, res)
			}
			return out
		},
	})
}

func roleScope(b binding) string {
	if b.cluster {
		return "in every namespace"
	}
	return "in namespace " + b.namespaceText()
}
