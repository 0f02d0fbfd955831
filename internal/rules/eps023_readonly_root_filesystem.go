package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:       "EPS023",
		Peers:    []string{"CKV_K8S_22", "d532566b-8d9d-4f3b-80bd-361fe802f9c2", "KSV014"},
		Severity: finding.Low,
		Title:    "Root filesystem not read-only",
		Description: "A container does not set `securityContext.readOnlyRootFilesystem: true`, so a process in it — or an " +
			"intruder — can overwrite the image's binaries and libraries, or drop tools next to them, and the change lasts " +
			"as long as the container. The guide asks for read-only root filesystems, with writes going to a mounted " +
			"volume (`emptyDir` for /tmp and caches). Kubernetes defaults it to false, and the kubernetes Terraform " +
			"provider sends false whenever a container has a `security_context` block without the attribute. Low: a " +
			"writable filesystem is no escalation by itself, but it makes persistence and tampering easy. Windows pods " +
			"are exempt (Windows ignores the field).",
		Guide: guideReadOnlyRoot,
		Remediation: "Set securityContext.readOnlyRootFilesystem: true on the container, and mount an emptyDir volume " +
			"where the process must write (/tmp, caches).",
		RemediationTyped: "Set read_only_root_filesystem = true in the container's security_context (the provider sends " +
			"false when it is not written), and add a volume { empty_dir {} } with a volume_mount where the process writes.",
		CEL: &CEL{OptIn: true,
			Expression: constant(`(has(variables.podSpec.os) && has(variables.podSpec.os.name) && variables.podSpec.os.name == 'windows') || ` +
				`variables.allContainers.all(c, has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem)`),
			Message: constant("containers must set readOnlyRootFilesystem: true (mount an emptyDir where they write)")},
		Workload: func(in *WorkloadInput) []Result {
			if windowsPod(in) {
				return nil
			}
			var out []Result
			for _, ref := range in.Containers() {
				p := ref.Path + ".securityContext.readOnlyRootFilesystem"
				v := sc(ref.C).ReadOnlyRootFilesystem
				const risk = "a process or an intruder can overwrite the image's binaries or drop tools next to them."
				switch defaulted := in.Obj.Defaulted(in.P(p)); {
				case v != nil && *v:
				case v == nil && in.Unknown(p):
					out = append(out, unknown(in.P(p), in.containerName(ref),
						fmt.Sprintf("Whether the %s has a read-only root filesystem is not known until apply.", in.describe(ref))))
				case v != nil && defaulted != "":
					out = append(out, fail(in.P(p), in.containerName(ref),
						fmt.Sprintf("The %s does not set readOnlyRootFilesystem to true, and %s: %s", in.describe(ref), defaulted, risk)))
				case v != nil:
					out = append(out, fail(in.P(p), in.containerName(ref),
						fmt.Sprintf("The %s sets readOnlyRootFilesystem to false: %s", in.describe(ref), risk)))
				default:
					out = append(out, fail(in.P(p), in.containerName(ref),
						fmt.Sprintf("The %s does not set readOnlyRootFilesystem: true, and Kubernetes defaults it to false: %s", in.describe(ref), risk)))
				}
			}
			return append(out, in.unknownContainers("read-only root filesystems")...)
		},
	})
}

// windowsPod reports whether the pod says it runs on Windows (spec.os.name), where the
// Linux-only settings do not apply.
func windowsPod(in *WorkloadInput) bool {
	return in.Spec().OS != nil && in.Spec().OS.Name == "windows"
}
