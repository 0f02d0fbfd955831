package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS001",
		Peers:       []string{"CKV_K8S_16", "87065ef8-de9b-40d8-9753-f4a4303e27a4", "KSV017", "pss:privileged"},
		Severity:    finding.Critical,
		Description: `A container (or init or ephemeral container) sets ` + "`" + `securityContext.privileged: true` + "`" + `. A privileged container has every Linux capability and access to all host devices: it is root on the node, and escaping it is trivial.`,
		Title:       "Privileged container",
		Guide:       guidePrivileged,
		Remediation: "Remove privileged = true from the container's security_context (securityContext.privileged " +
			"in a manifest). A privileged container is root on the node. Node agents that truly need it " +
			"(VPC CNI, kube-proxy) belong in kube-system, under the privileged policy scoped to their service accounts.",
		CEL: &CEL{Applies: withPSS,
			Expression: constant(`variables.allContainers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)`),
			Message:    constant("containers must not run privileged")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				p := ref.Path + ".securityContext.privileged"
				switch v := sc(ref.C).Privileged; {
				case v != nil && *v:
					msg := fmt.Sprintf("The %s runs privileged: it has every capability and all host devices, so a compromise of it is a compromise of the node.", in.describe(ref))
					if also := impliedText("EPS001"); also != "" {
						msg += " Privileged also means " + also + ": removing privileged is the first fix."
					}
					out = append(out, fail(in.P(p), in.containerName(ref), msg))
				case v == nil && in.Unknown(p):
					out = append(out, unknown(in.P(p), in.containerName(ref),
						fmt.Sprintf("Whether the %s runs privileged is not known until apply.", in.describe(ref))))
				}
			}
			return append(out, in.unknownContainers("privileged mode")...)
		},
	})
}
