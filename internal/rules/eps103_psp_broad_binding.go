package rules

import (
	"fmt"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS103",
		Severity:    finding.Critical,
		Description: `A binding grants ` + "`" + `use` + "`" + ` of a PodSecurityPolicy to ` + "`" + `system:authenticated` + "`" + `, ` + "`" + `system:unauthenticated` + "`" + `, ` + "`" + `system:anonymous` + "`" + ` or every service account (` + "`" + `system:serviceaccounts` + "`" + `). That is EKS's own ` + "`" + `eks:podsecuritypolicy:authenticated` + "`" + ` binding, which the guide asks to replace: every pod may then use the policy. The binding's role is resolved inside the plan; built-in ` + "`" + `cluster-admin` + "`" + ` grants everything.`,
		Title:       "PodSecurityPolicy use granted to everyone",
		Guide:       guideRBAC,
		Remediation: "Bind the policy's use role to the service accounts of one namespace with a RoleBinding " +
			"(ekspodsec_pod_security_policy_rbac), never to system:authenticated, system:unauthenticated or " +
			"system:serviceaccounts. EKS's own eks:podsecuritypolicy:authenticated binding is the example to remove.",
		Object: func(in *ObjectInput) []Result {
			b, ok := asBinding(in)
			if !ok || in.Ctx.PSPGone() {
				return nil // every cluster runs 1.25 or later: no PodSecurityPolicy is in force
			}
			var who []string
			if in.Unknown("subjects") {
				who = append(who, "")
			}
			for i := range b.subjects {
				if w := broadSubject(b, i, false); w != "" {
					who = append(who, w)
				} else if mayBeBroad(b, i) {
					who = append(who, "")
				}
			}
			if len(who) == 0 {
				return nil
			}
			r := in.Ctx.resolveRole(b)
			names, all := pspUse(r.rules)
			known := strings.Join(nonEmpty(who), " and ")
			switch {
			case !r.known:
				if known == "" {
					return nil
				}
				return []Result{unknown("roleRef", "", fmt.Sprintf("The binding grants %s to %s, whose rules are not in the plan: if it grants use of a PodSecurityPolicy, every pod can use it.", r.source, known))}
			case !all && len(names) == 0:
				return nil
			case known == "":
				return []Result{unknown("subjects", "", fmt.Sprintf("The binding grants use of PodSecurityPolicies (%s) to subjects that are not known until apply.", r.source))}
			}
			what := "every PodSecurityPolicy"
			if !all {
				what = "PodSecurityPolicy " + r.names(names)
			}
			return []Result{fail("subjects", "", fmt.Sprintf("The binding lets %s use %s (through %s): any pod anyone creates may use it, which defeats the policy.", known, what, r.source))}
		},
	})
}

func nonEmpty(s []string) []string {
	out := s[:0:0]
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
