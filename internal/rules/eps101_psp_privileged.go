package rules

import (
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
)

func init() {
	register(Rule{
		ID:          "EPS101",
		Peers:       []string{"CKV_K8S_2", "a6a4d4fc-4e8f-47d1-969f-e9d4a084f3b9"},
		Severity:    finding.Critical,
		Description: `A PodSecurityPolicy allows privileged pods (` + "`" + `privileged: true` + "`" + `). Any pod admitted under it can take over its node.`,
		Title:       "PodSecurityPolicy allows privileged pods",
		Guide:       guidePrivileged,
		Remediation: "Set privileged = false in the policy (render it with ekspodsec_pod_security_policy, profile " +
			"\"restricted\" or \"baseline\"); keep one privileged policy for kube-system agents, bound only to their service accounts.",
		Object: func(in *ObjectInput) []Result {
			p, ok := in.Obj.Typed.(*psp.PodSecurityPolicy)
			if !ok || !in.Ctx.PSPEra() {
				return nil // on 1.25 and later the policy is EPS110's: it cannot be applied
			}
			switch {
			case p.Spec.Privileged:
				return []Result{fail("spec.privileged", "", "The policy allows privileged containers: any pod admitted under it can take over its node.")}
			case in.Unknown("spec.privileged"):
				return []Result{unknown("spec.privileged", "", "Whether the policy allows privileged containers is not known until apply.")}
			}
			return nil
		},
	})
}
