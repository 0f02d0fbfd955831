package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS005",
		Peers:       []string{"86a947ea-f577-4efb-a8b0-5fc00257d521", "a737be28-37d8-4bff-aa6d-1be8aa0a0015", "KSV023", "KSV121", "pss:hostPathVolumes"},
		Severity:    finding.Medium,
		Description: `The pod mounts a ` + "`" + `hostPath` + "`" + ` volume. hostPath gives the pod the node's files; the guide asks to keep it rare, read-only and restricted to known prefixes.`,
		Title:       "hostPath volume used",
		Guide:       guideHostPath,
		Remediation: "Replace the host_path volume with an empty_dir, a config_map/secret/projected volume or a " +
			"persistent volume claim. If the pod must read node files (log shippers), mount only the narrowest " +
			"path, read-only, and allow that prefix explicitly (EPS007).",
		CEL: &CEL{Applies: func(o CELOptions) bool { return len(o.AllowedHostPaths) == 0 },
			Expression: constant(`variables.hostPathVolumes.size() == 0`),
			Message:    constant("hostPath volumes are not allowed (EKS guide: restrict the use of hostPath)")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			// With an allow-list configured, it decides: allowed prefixes are accepted, and a
			// path outside them is EPS007's finding.
			judged := len(in.Ctx.Profile.AllowedHostPaths) == 0
			for i, v := range in.Spec().Volumes {
				p := fmt.Sprintf("volumes[%d].hostPath", i)
				if v.HostPath != nil && judged {
					out = append(out, fail(in.P(p), "",
						fmt.Sprintf("Volume %s mounts the node's %s: hostPath gives the pod the node's files, and with write access a way to take over the node.",
							in.Show(fmt.Sprintf("volumes[%d].name", i), v.Name), in.Show(p+".path", v.HostPath.Path))))
				} else if v.HostPath == nil && in.Unknown(fmt.Sprintf("volumes[%d]", i)) {
					out = append(out, unknown(in.P(fmt.Sprintf("volumes[%d]", i)), "", fmt.Sprintf("Volume %d is not known until apply: it could be a hostPath.", i)))
				}
			}
			if in.Unknown("volumes") {
				out = append(out, unknown(in.P("volumes"), "", "The pod's volumes are not known until apply (a dynamic block over a computed list): any of them could be a hostPath."))
			}
			return out
		},
	})
}
