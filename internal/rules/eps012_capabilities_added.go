package rules

import (
	"fmt"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS012",
		Peers:       []string{"CKV_K8S_25", "CKV_K8S_39", "fe771ff7-ba15-4f8f-ad7a-8aa232b49a28", "3f55386d-75cd-4e9a-ac47-167b26c04724", "KSV005", "KSV022", "KSV106", "KSV119", "KSV120", "pss:capabilities_baseline", "pss:capabilities_restricted"},
		Severity:    finding.High,
		Description: `A container adds a capability the profile does not allow (by default only ` + "`" + `NET_BIND_SERVICE` + "`" + `, as the Pod Security Standards restricted level). ` + "`" + `SYS_ADMIN` + "`" + `, ` + "`" + `NET_ADMIN` + "`" + `, ` + "`" + `SYS_PTRACE` + "`" + ` or ` + "`" + `ALL` + "`" + ` come close to root on the node.`,
		Title:       "Capabilities added beyond the allowed set",
		Guide:       guideCapabilities,
		Remediation: "Remove the capability from capabilities.add in the container's security_context; " +
			"drop ALL and add back only what the process needs (NET_BIND_SERVICE to bind ports below 1024).",
		CEL: &CEL{Applies: withPSS,
			Expression: func(o CELOptions) string {
				return fmt.Sprintf(`variables.allContainers.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities) || `+
					`!has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(x, x in %s))`, celList(celCapabilities(o)))
			},
			Message: func(o CELOptions) string {
				return fmt.Sprintf("containers may add only these capabilities: %s", strings.Join(celCapabilities(o), ", "))
			}},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				p := ref.Path + ".securityContext.capabilities.add"
				var bad []string
				if caps := sc(ref.C).Capabilities; caps != nil {
					for _, c := range caps.Add {
						if !in.Ctx.Profile.CapabilityAllowed(string(c)) {
							bad = append(bad, string(c))
						}
					}
				}
				if len(bad) > 0 {
					shown, why := strings.Join(bad, ", "), capabilityWhy(bad)
					if in.Obj.SensitiveWithin(in.P(p)) {
						shown, why = "(sensitive value)", "it is not in the allowed set"
					}
					out = append(out, fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s adds %s: %s.", in.describe(ref), shown, why)))
				} else if in.UnknownWithin(p) {
					out = append(out, unknown(in.P(p), in.containerName(ref), fmt.Sprintf("The capabilities the %s adds are not known until apply.", in.describe(ref))))
				}
			}
			return append(out, in.unknownContainers("added capabilities")...)
		},
	})
}

func capabilityWhy(caps []string) string {
	for _, c := range caps {
		switch strings.ToUpper(strings.TrimPrefix(c, "CAP_")) {
		case "ALL":
			return "ALL grants every capability, as good as privileged"
		case "SYS_ADMIN":
			return "SYS_ADMIN is close to root on the node (mounts, namespaces, BPF)"
		case "NET_ADMIN":
			return "NET_ADMIN lets it rewrite the node's network configuration and intercept traffic"
		case "SYS_PTRACE":
			return "SYS_PTRACE lets it read and modify other processes"
		case "SYS_MODULE":
			return "SYS_MODULE lets it load kernel modules"
		}
	}
	return "the profile allows adding only NET_BIND_SERVICE by default (--allow-capability adds more)"
}
