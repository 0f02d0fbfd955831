package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS016",
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
		Workload: func(in *WorkloadInput) []Result {
			if os := in.Spec().OS; os != nil && os.Name == corev1.Windows {
				return nil // seccomp does not apply to Windows pods
			}
			var out []Result
			pod := in.podSC()
			for _, ref := range in.Containers() {
				eff := resolve(in, ref, "seccompProfile", sc(ref.C).SeccompProfile, "seccompProfile", pod.SeccompProfile)
				typePath := in.P(eff.path + ".type")
				switch {
				case eff.value != nil && (eff.value.Type == corev1.SeccompProfileTypeRuntimeDefault || eff.value.Type == corev1.SeccompProfileTypeLocalhost):
				case eff.unknown || in.Obj.Unknown(typePath):
					out = append(out, unknown(typePath, in.containerName(ref), fmt.Sprintf("The seccomp profile of the %s is not known until apply.", in.describe(ref))))
				case eff.value != nil && eff.value.Type != "":
					out = append(out, fail(typePath, in.containerName(ref), fmt.Sprintf("The %s runs with seccomp profile %s: every system call is open to it, including those used in container escapes.", in.describe(ref), in.Show(eff.path+".type", string(eff.value.Type)))))
				default:
					out = append(out, fail(typePath, in.containerName(ref), fmt.Sprintf("The %s sets no seccomp profile (neither it nor the pod), so it runs Unconfined on most runtimes: every system call is open to it.", in.describe(ref))))
				}
			}
			return append(out, in.unknownContainers("seccomp profiles")...)
		},
	})
}
