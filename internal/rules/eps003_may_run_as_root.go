package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS003",
		Peers:       []string{"CKV_K8S_29", "ad69e38a-d92e-4357-a8da-f2f29d545883", "KSV012", "KSV118", "pss:runAsNonRoot"},
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
			shared := in.podShared()
			var sent []Result // containers whose runAsNonRoot the provider sends as false
			pod := in.podSC()
			for _, ref := range in.Containers() {
				c := sc(ref.C)
				nonRoot := resolve(in, ref, "runAsNonRoot", c.RunAsNonRoot, "runAsNonRoot", pod.RunAsNonRoot)
				// object.ApplyProviderDefaults: the provider's false over the pod's true
				sentFalse := c.RunAsNonRoot != nil && in.Obj.Defaulted(in.P(nonRoot.path)) != ""
				user := resolve(in, ref, "runAsUser", c.RunAsUser, "runAsUser", pod.RunAsUser)
				if nonRoot.value != nil && *nonRoot.value {
					continue
				}
				if user.value != nil && *user.value == 0 && nonRoot.value != nil && in.Obj.Defaulted(in.P(nonRoot.path)) == "" {
					// Root, and the check that would refuse it written off: a choice of its own,
					// beside EPS004's explicit root user.
					shared.add(finding.Fail, nonRoot.path, ref, "off", func(who string, plural bool) string {
						return fmt.Sprintf("The %s %s runAsNonRoot: false and %s as user 0: nothing stops %s from running as root, and %s will.",
							who, verb(plural, "sets", "set"), verb(plural, "runs", "run"), verb(plural, "it", "them"), verb(plural, "it", "they"))
					})
					continue
				}
				if why := in.Obj.Defaulted(in.P(nonRoot.path)); sentFalse && user.value == nil && !user.unknown {
					// The typed resource's container sends false without saying so.
					r := fail(in.P(nonRoot.path), in.containerName(ref), fmt.Sprintf("The %s runs without the non-root check: its runAsNonRoot is false because %s, "+
						"which overrides the pod's runAsNonRoot: true, and neither it nor the pod sets a non-zero runAsUser, so it runs as whatever user its image chooses, often root.",
						in.describe(ref), why))
					r.Remediation = runAsNonRootFix
					sent = append(sent, r)
					continue
				}
				if user.value != nil {
					// A non-zero user is not root; user 0 with runAsNonRoot unset is EPS004's
					// explicit root.
					continue
				}
				if nonRoot.unknown || user.unknown {
					shared.add(finding.Unknown, user.path, ref, "unknown", func(who string, plural bool) string {
						return fmt.Sprintf("Whether the %s %s as root is not known until apply (runAsNonRoot or runAsUser is computed).", who, verb(plural, "runs", "run"))
					})
					continue
				}
				shared.add(finding.Fail, nonRoot.path, ref, "root", func(who string, plural bool) string {
					return fmt.Sprintf("The %s %s neither runAsNonRoot: true nor a non-zero runAsUser (on %s or the pod), so %s as whatever user %s image chooses, often root.",
						who, verb(plural, "sets", "set"), verb(plural, "itself", "themselves"), verb(plural, "it runs", "they run"), verb(plural, "its", "their"))
				})
			}
			return append(append(shared.results(), sent...), in.unknownContainers("the user the containers run as")...)
		},
	})
}
