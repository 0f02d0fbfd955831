package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS002",
		Peers:       []string{"CKV_K8S_20", "CKV_K8S_30", "c878abb4-cca5-4724-92b9-289be68bd47c", "ad69e38a-d92e-4357-a8da-f2f29d545883", "KSV001", "KSV118", "pss:allowPrivilegeEscalation"},
		Severity:    finding.High,
		Description: `A container does not set ` + "`" + `allowPrivilegeEscalation: false` + "`" + `. Kubernetes defaults it to true, so a process can gain more privileges than its parent through setuid binaries or file capabilities. The kubernetes Terraform provider sends ` + "`" + `true` + "`" + ` for any container with a ` + "`" + `security_context` + "`" + ` block that does not set it to false. A privileged container always allows escalation: its EPS001 finding says so, and only an ` + "`" + `allowPrivilegeEscalation: true` + "`" + ` written explicitly is reported under EPS002 as well.`,
		Title:       "Privilege escalation not disabled",
		Guide:       guideEscalation,
		Remediation: "Set securityContext.allowPrivilegeEscalation: false on the container.",
		RemediationTyped: "Set allow_privilege_escalation = false in the container's security_context: the " +
			"kubernetes provider sends true whenever a security_context block is present and the attribute is not set to false.",
		CEL: &CEL{Applies: withPSS,
			Expression: constant(`variables.allContainers.all(c, has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && !c.securityContext.allowPrivilegeEscalation)`),
			Message:    constant("containers must set allowPrivilegeEscalation: false")},
		ImpliedBy: []string{"EPS001"},
		Implies:   "privilege escalation allowed",
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				p := ref.Path + ".securityContext.allowPrivilegeEscalation"
				v := sc(ref.C).AllowPrivilegeEscalation
				defaulted := in.Obj.Defaulted(in.P(p))
				switch {
				case v != nil && !*v:
					continue
				case in.Implied(ref) && (v == nil || defaulted != ""):
					// Privileged: escalation is allowed whatever this says (the API server
					// refuses false with privileged); EPS001 says it. An explicit true is
					// a choice of its own and stays.
					continue
				case v != nil && *v && defaulted != "":
					out = append(out, fail(in.P(p), in.containerName(ref),
						fmt.Sprintf("The %s does not set allowPrivilegeEscalation to false, and %s: a process can gain more privileges than its parent (setuid binaries, file capabilities).", in.describe(ref), defaulted)))
				case v == nil && in.Unknown(p):
					out = append(out, unknown(in.P(p), in.containerName(ref),
						fmt.Sprintf("Whether the %s may escalate privileges is not known until apply.", in.describe(ref))))
				case v != nil && *v:
					out = append(out, fail(in.P(p), in.containerName(ref),
						fmt.Sprintf("The %s sets allowPrivilegeEscalation to true: a process can gain more privileges than its parent (setuid binaries, file capabilities).", in.describe(ref))))
				default:
					out = append(out, fail(in.P(p), in.containerName(ref),
						fmt.Sprintf("The %s does not set allowPrivilegeEscalation to false, and Kubernetes defaults it to true: a process can gain more privileges than its parent.", in.describe(ref))))
				}
			}
			return append(out, in.unknownContainers("privilege escalation")...)
		},
	})
}
