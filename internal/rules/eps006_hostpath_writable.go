package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS006",
		Peers:       []string{"a62a99d1-8196-432f-8f80-3c100b05d62a"},
		Severity:    finding.High,
		Description: `A container mounts a ` + "`" + `hostPath` + "`" + ` volume without ` + "`" + `readOnly: true` + "`" + `, so it can change the node's files (binaries, kubelet configuration, other pods' data).`,
		Title:       "hostPath mounted read-write",
		Guide:       guideHostPath,
		Remediation: "Set read_only = true on every volume_mount of a host_path volume " +
			"(volumeMounts[].readOnly: true).",
		CEL: &CEL{
			Expression: constant(`variables.allContainers.all(c, !has(c.volumeMounts) || c.volumeMounts.all(m, ` +
				`!(m.name in variables.hostPathNames) || (has(m.readOnly) && m.readOnly)))`),
			Message: constant("hostPath volumes must be mounted read-only")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			hp := in.hostPathVolumes()
			volumesUnknown := in.anyVolumeMayBeHostPath()
			for _, ref := range in.Containers() {
				for j, m := range ref.C.VolumeMounts {
					mp := fmt.Sprintf("%s.volumeMounts[%d]", ref.Path, j)
					v, isHost := hp[m.Name]
					if !isHost {
						nameUnknown := in.Unknown(mp + ".name")
						if !m.ReadOnly && (in.mayBeHostPath(m.Name) || nameUnknown && (len(hp) > 0 || volumesUnknown)) {
							out = append(out, unknown(in.P(mp+".readOnly"), in.containerName(ref),
								fmt.Sprintf("The %s mounts volume %s read-write, and the pod's volumes are not known until apply: it could be a hostPath.", in.describe(ref), in.Show(mp+".name", m.Name))))
						}
						continue
					}
					switch {
					case m.ReadOnly:
						continue
					case in.Unknown(mp + ".readOnly"):
						out = append(out, unknown(in.P(mp+".readOnly"), in.containerName(ref),
							fmt.Sprintf("Whether the %s mounts hostPath %s read-only is not known until apply.", in.describe(ref), in.Show(fmt.Sprintf("volumes[%d].hostPath.path", v.index), v.path))))
					default:
						out = append(out, fail(in.P(mp+".readOnly"), in.containerName(ref),
							fmt.Sprintf("The %s mounts hostPath %s at %s read-write: it can change the node's files.",
								in.describe(ref), in.Show(fmt.Sprintf("volumes[%d].hostPath.path", v.index), v.path), in.Show(mp+".mountPath", m.MountPath))))
					}
				}
				if in.Unknown(ref.Path+".volumeMounts") && (len(hp) > 0 || volumesUnknown) {
					out = append(out, unknown(in.P(ref.Path+".volumeMounts"), in.containerName(ref),
						fmt.Sprintf("The %s's volume mounts are not known until apply: a hostPath could be mounted read-write.", in.describe(ref))))
				}
			}
			return append(out, in.unknownContainers("hostPath mounts")...)
		},
	})
}
