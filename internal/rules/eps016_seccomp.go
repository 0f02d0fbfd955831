package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS016",
		Peers:       []string{"CKV_K8S_29", "455f2e0c-686d-4fcb-8b5f-3f953f12c43c", "KSV030", "KSV104", "KSV118", "pss:seccompProfile_baseline", "pss:seccompProfile_restricted"},
		Severity:    finding.Medium,
		Description: `The container's seccomp profile (its own, else the pod's) is not ` + "`" + `RuntimeDefault` + "`" + ` or ` + "`" + `Localhost` + "`" + `, so every system call is open to it, including those used in container escapes. Windows pods are exempt.`,
		Title:       "Seccomp profile not RuntimeDefault or Localhost",
		Guide:       guideRestricted,
		Remediation: "Set seccomp_profile { type = \"RuntimeDefault\" } in the pod's security_context " +
			"(securityContext.seccompProfile.type: RuntimeDefault), or a Localhost profile.",
		CEL: &CEL{Applies: withPSS,
			Expression: constant(`(has(variables.podSpec.os) && variables.podSpec.os.name == 'windows') || variables.allContainers.all(c, ` +
				`(has(c.securityContext) && has(c.securityContext.seccompProfile)) ? ` +
				`(c.securityContext.seccompProfile.type == 'RuntimeDefault' || c.securityContext.seccompProfile.type == 'Localhost') : ` +
				`(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.seccompProfile) && ` +
				`(variables.podSpec.securityContext.seccompProfile.type == 'RuntimeDefault' || variables.podSpec.securityContext.seccompProfile.type == 'Localhost')))`),
			Message: constant("containers must use the RuntimeDefault or a Localhost seccomp profile")},
		ImpliedBy: []string{"EPS001"},
		Implies:   "no seccomp confinement",
		Workload: func(in *WorkloadInput) []Result {
			if os := in.Spec().OS; os != nil && os.Name == corev1.Windows {
				return nil // seccomp does not apply to Windows pods
			}
			shared := in.podShared()
			pod := in.podSC()
			for _, ref := range in.Containers() {
				if in.Implied(ref) {
					continue // privileged: no seccomp profile applies, EPS001 says it
				}
				eff := resolve(in, ref, "seccompProfile", sc(ref.C).SeccompProfile, "seccompProfile", pod.SeccompProfile)
				typePath := eff.path + ".type"
				switch {
				case eff.value != nil && (eff.value.Type == corev1.SeccompProfileTypeRuntimeDefault || eff.value.Type == corev1.SeccompProfileTypeLocalhost):
				case eff.unknown || in.Unknown(typePath):
					shared.add(finding.Unknown, typePath, ref, "unknown", func(who string, _ bool) string {
						return fmt.Sprintf("The seccomp profile of the %s is not known until apply.", who)
					})
				case eff.value != nil && eff.value.Type != "":
					shown := in.Show(typePath, string(eff.value.Type))
					shared.add(finding.Fail, typePath, ref, "type", func(who string, plural bool) string {
						return fmt.Sprintf("The %s %s with seccomp profile %s: every system call is open to %s, including those used in container escapes.", who, verb(plural, "runs", "run"), shown, verb(plural, "it", "them"))
					})
				default:
					shared.add(finding.Fail, typePath, ref, "unset", func(who string, plural bool) string {
						return fmt.Sprintf("The %s %s no seccomp profile (neither %s nor the pod), so %s Unconfined on most runtimes: every system call is open to %s.",
							who, verb(plural, "sets", "set"), verb(plural, "it", "they"), verb(plural, "it runs", "they run"), verb(plural, "it", "them"))
					})
				}
			}
			return append(shared.results(), in.unknownContainers("seccomp profiles")...)
		},
	})
}
