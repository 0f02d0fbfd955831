package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS004",
		Peers:       []string{"KSV105", "KSV116", "pss:runAsUser"},
		Severity:    finding.High,
		Description: `The container runs as user 0 or group 0, or the pod sets ` + "`" + `fsGroup: 0` + "`" + ` or adds group 0 to ` + "`" + `supplementalGroups` + "`" + `. Root in a container is root on the node as soon as anything breaks out.`,
		Title:       "Runs as root user or group",
		Guide:       guideRoot,
		Remediation: "Use a non-zero run_as_user, run_as_group and fs_group (e.g. \"10001\"), drop group 0 from " +
			"supplemental_groups, and set run_as_non_root = true.",
		CEL: &CEL{Applies: withPSS,
			Expression: constant(`variables.allContainers.all(c, ` +
				`(has(c.securityContext) && has(c.securityContext.runAsUser) ? c.securityContext.runAsUser != 0 : ` +
				`!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.runAsUser) && variables.podSpec.securityContext.runAsUser == 0)) && ` +
				`(has(c.securityContext) && has(c.securityContext.runAsGroup) ? c.securityContext.runAsGroup != 0 : ` +
				`!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.runAsGroup) && variables.podSpec.securityContext.runAsGroup == 0))) && ` +
				`!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.fsGroup) && variables.podSpec.securityContext.fsGroup == 0) && ` +
				`!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.supplementalGroups) && 0 in variables.podSpec.securityContext.supplementalGroups)`),
			Message: constant("containers must not run as user or group 0 (root), and the pod must not use group 0")},
		Workload: func(in *WorkloadInput) []Result {
			shared := in.podShared()
			pod := in.podSC()
			for _, ref := range in.Containers() {
				c := sc(ref.C)
				for _, f := range []struct {
					field string
					cVal  *int64
					pVal  *int64
					what  string
				}{
					{"runAsUser", c.RunAsUser, pod.RunAsUser, "user"},
					{"runAsGroup", c.RunAsGroup, pod.RunAsGroup, "group"},
				} {
					eff := resolve(in, ref, f.field, f.cVal, f.field, f.pVal)
					switch {
					case eff.value != nil && *eff.value == 0:
						shared.add(finding.Fail, eff.path, ref, f.field, func(who string, plural bool) string {
							return fmt.Sprintf("The %s %s as root %s 0 (%s): root in the container is root on the node once anything breaks out.", who, verb(plural, "runs", "run"), f.what, eff.path)
						})
					case eff.value == nil && eff.unknown:
						shared.add(finding.Unknown, eff.path, ref, f.field, func(who string, plural bool) string {
							return fmt.Sprintf("The %s the %s %s as is not known until apply: it could be 0 (root).", f.what, who, verb(plural, "runs", "run"))
						})
					}
				}
			}
			out := shared.results()
			if g := pod.FSGroup; g != nil && *g == 0 {
				out = append(out, fail(in.P("securityContext.fsGroup"), "", "The pod sets fsGroup 0: every volume it mounts is owned by the root group."))
			} else if g == nil && in.Unknown("securityContext.fsGroup") {
				out = append(out, unknown(in.P("securityContext.fsGroup"), "", "The pod's fsGroup is not known until apply: it could be 0 (root)."))
			}
			for i, g := range pod.SupplementalGroups {
				if g == 0 {
					out = append(out, fail(in.P(fmt.Sprintf("securityContext.supplementalGroups[%d]", i)), "", "The pod adds the root group (0) to its supplemental groups."))
				}
			}
			if in.UnknownWithin("securityContext.supplementalGroups") {
				out = append(out, unknown(in.P("securityContext.supplementalGroups"), "", "The pod's supplemental groups are not all known until apply: one could be 0 (root)."))
			}
			return append(out, in.unknownContainers("the user the containers run as")...)
		},
	})
}
