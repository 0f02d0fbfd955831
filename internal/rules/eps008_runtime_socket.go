package rules

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// mountedSockets returns the runtime sockets a hostPath exposes: the socket itself, or
// every socket under a directory above them (/var/run is /run on EKS nodes).
func mountedSockets(hostPath string) []string {
	p := path.Clean(hostPath)
	if p == "/var/run" || strings.HasPrefix(p, "/var/run/") {
		p = "/run" + strings.TrimPrefix(p, "/var/run")
	}
	if p == "/var" {
		p = "/" // /var holds /var/run, that is /run
	}
	var out []string
	for _, s := range profile.RuntimeSockets() {
		if profile.UnderPrefix(s, p) {
			out = append(out, s)
		}
	}
	return out
}

// eksRuntimeSocket is the socket of the container runtime EKS nodes run (containerd, since
// Kubernetes 1.24).
const eksRuntimeSocket = "/run/containerd/containerd.sock"

// exposes says what a hostPath that holds sockets gives the pod, for messages.
func exposes(hostPath string, sockets []string) string {
	clean := path.Clean(hostPath)
	switch {
	case len(sockets) == 1 && (clean == sockets[0] || clean == "/var"+sockets[0]):
		return "the container runtime socket " + sockets[0]
	case len(sockets) == 1:
		return "a directory holding the container runtime socket " + sockets[0]
	case slices.Contains(sockets, eksRuntimeSocket):
		return "a directory holding the node's container runtime sockets (containerd's " + eksRuntimeSocket + " on EKS nodes, and any other runtime's)"
	}
	return "a directory holding the container runtime sockets " + strings.Join(sockets, ", ")
}

func init() {
	register(Rule{
		ID:          "EPS008",
		Peers:       []string{"CKV_K8S_27", "4e203a65-c8d8-49a2-b749-b124d43c9dc1", "KSV006"},
		Severity:    finding.Critical,
		Description: `A ` + "`" + `hostPath` + "`" + ` volume mounts a container runtime socket (Docker, containerd, CRI-O, cri-dockerd, dockershim, podman, k3s, BuildKit) or a directory above one (` + "`" + `/var/run` + "`" + `, ` + "`" + `/run/containerd` + "`" + `). Whoever can talk to the socket can start privileged containers on the node and read every other container.`,
		Title:       "Container runtime socket mounted",
		Guide:       guideDinD,
		Remediation: "Remove the host_path volume of the runtime socket (or of its directory). To build images " +
			"use a daemonless builder (kaniko, buildah, BuildKit rootless) or a managed service (CodeBuild).",
		CEL: &CEL{
			Expression: constant(fmt.Sprintf(`variables.hostPathVolumes.all(v, `+
				`!%s.exists(s, s == v.hostPath.path || s.startsWith(v.hostPath.path.endsWith('/') ? v.hostPath.path : v.hostPath.path + '/') || `+
				`('/var' + s) == v.hostPath.path || ('/var' + s).startsWith(v.hostPath.path.endsWith('/') ? v.hostPath.path : v.hostPath.path + '/')))`,
				celList(profile.RuntimeSockets()))),
			Message: constant("the container runtime socket (or a directory above it) must not be mounted (EKS guide: never run Docker in Docker or mount the socket)")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for i, v := range in.Spec().Volumes {
				if v.HostPath == nil {
					continue
				}
				p := fmt.Sprintf("volumes[%d].hostPath.path", i)
				if in.Unknown(p) {
					out = append(out, unknown(in.P(p), "", fmt.Sprintf("The path of hostPath volume %s is not known until apply: it could be the container runtime socket.", in.Show(fmt.Sprintf("volumes[%d].name", i), v.Name))))
					continue
				}
				if sockets := mountedSockets(v.HostPath.Path); len(sockets) > 0 {
					what := exposes(v.HostPath.Path, sockets)
					if in.Obj.Sensitive(in.P(p)) {
						what = "the container runtime socket"
					}
					out = append(out, fail(in.P(p), "", fmt.Sprintf("Volume %s mounts %s: whoever talks to it can start privileged containers on the node and read every other container.",
						in.Show(fmt.Sprintf("volumes[%d].name", i), v.Name), what)))
				}
			}
			if in.Unknown("volumes") {
				out = append(out, unknown(in.P("volumes"), "", "The pod's volumes are not known until apply: one could mount the container runtime socket."))
			}
			return out
		},
	})
}
