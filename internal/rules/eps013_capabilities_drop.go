package rules

import (
	"fmt"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS013",
		Peers:       []string{"CKV_K8S_28", "CKV_K8S_30", "CKV_K8S_37", "e5587d53-a673-4a6b-b3f2-ba07ec274def", "21cef75f-289f-470e-8038-c7cee0664164", "ad69e38a-d92e-4357-a8da-f2f29d545883", "KSV003", "KSV004", "KSV106", "pss:capabilities_restricted"},
		Severity:    finding.Medium,
		Description: `A container does not drop ` + "`" + `ALL` + "`" + ` capabilities, so it keeps the runtime's default set (` + "`" + `CHOWN` + "`" + `, ` + "`" + `DAC_OVERRIDE` + "`" + `, ` + "`" + `NET_RAW` + "`" + `, ` + "`" + `SETUID` + "`" + `, ...). The guide's restricted policy requires dropping ALL.`,
		Title:       "Capabilities not dropping ALL",
		Guide:       guideRestricted,
		Remediation: "Add capabilities { drop = [\"ALL\"] } to the container's security_context " +
			"(securityContext.capabilities.drop: [ALL]) and add back only what the process needs.",
		CEL: &CEL{Applies: withPSS,
			Expression: constant(`variables.allContainers.all(c, has(c.securityContext) && has(c.securityContext.capabilities) && ` +
				`has(c.securityContext.capabilities.drop) && c.securityContext.capabilities.drop.exists(x, x == 'ALL'))`),
			Message: constant("containers must drop ALL capabilities")},
		ImpliedBy: []string{"EPS001"},
		Implies:   "every capability kept, whatever it drops",
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				if in.Implied(ref) {
					continue // privileged: EPS001 says it keeps every capability
				}
				p := ref.Path + ".securityContext.capabilities.drop"
				dropsAll := false
				if caps := sc(ref.C).Capabilities; caps != nil {
					for _, c := range caps.Drop {
						if strings.EqualFold(string(c), "ALL") {
							dropsAll = true
						}
					}
				}
				switch {
				case dropsAll:
				case in.UnknownWithin(p):
					out = append(out, unknown(in.P(p), in.containerName(ref), fmt.Sprintf("The capabilities the %s drops are not known until apply.", in.describe(ref))))
				default:
					out = append(out, fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s does not drop ALL capabilities: it keeps the runtime's default set (CHOWN, DAC_OVERRIDE, NET_RAW, SETUID, ...).", in.describe(ref))))
				}
			}
			return append(out, in.unknownContainers("dropped capabilities")...)
		},
	})
}
