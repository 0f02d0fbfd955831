package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS003",
		Severity:    finding.High,
		Description: `Neither the container nor the pod sets ` + "`" + `runAsNonRoot: true` + "`" + ` or a non-zero ` + "`" + `runAsUser` + "`" + `, so the image's ` + "`" + `USER` + "`" + ` decides, and most images run as root.`,
		Title:       "Container may run as root",
		Guide:       guideRoot,
		Remediation: "Set run_as_non_root = true and a non-zero run_as_user in the pod's or the container's " +
			"security_context (securityContext.runAsNonRoot / runAsUser). Without them the image's USER decides, " +
			"and most images run as root.",
		CEL: &CEL{Applies: withPSS,
			Expression: constant(`variables.allContainers.all(c, ` +
				`(has(c.securityContext) && has(c.securityContext.runAsNonRoot) ? c.securityContext.runAsNonRoot : ` +
				`(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.runAsNonRoot) && variables.podSpec.securityContext.runAsNonRoot)) || ` +
				`(has(c.securityContext) && has(c.securityContext.runAsUser)) || ` +
				`(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.runAsUser)))`),
			Message: constant("containers must run as non-root: set runAsNonRoot: true or a non-zero runAsUser")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			pod := in.podSC()
			for _, ref := range in.Containers() {
				c := sc(ref.C)
				nonRoot := resolve(in, ref, "runAsNonRoot", c.RunAsNonRoot, "runAsNonRoot", pod.RunAsNonRoot)
				user := resolve(in, ref, "runAsUser", c.RunAsUser, "runAsUser", pod.RunAsUser)
				if nonRoot.value != nil && *nonRoot.value {
					continue
				}
				if user.value != nil {
					// A non-zero user is not root; user 0 is EPS004's explicit root.
					continue
				}
				if nonRoot.unknown || user.unknown {
					out = append(out, unknown(in.P(user.path), in.containerName(ref),
						fmt.Sprintf("Whether the %s runs as root is not known until apply (runAsNonRoot or runAsUser is computed).", in.describe(ref))))
					continue
				}
				out = append(out, fail(in.P(nonRoot.path), in.containerName(ref),
					fmt.Sprintf("The %s sets neither runAsNonRoot: true nor a non-zero runAsUser (on itself or the pod), so it runs as whatever user its image chooses, often root.", in.describe(ref))))
			}
			return append(out, in.unknownContainers("the user the containers run as")...)
		},
	})
}
