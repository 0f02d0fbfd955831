package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS010",
		Peers:       []string{"CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "e94d3121-c2d1-4e34-a295-139bfeb73ea3", "587d5d82-70cf-449b-9817-f60f9bccb88c", "ac1564a3-c324-4747-9fa1-9dfc234dace0", "KSV008", "KSV009", "KSV010", "pss:hostNamespaces"},
		Severity:    finding.High,
		Description: `The pod shares a host namespace: ` + "`" + `hostNetwork` + "`" + `, ` + "`" + `hostPID` + "`" + ` or ` + "`" + `hostIPC` + "`" + `. It then sees the node's network (including the instance metadata service), its processes or its shared memory.`,
		Title:       "Host namespace shared",
		Guide:       guideCapabilities,
		Remediation: "Remove host_network, host_pid and host_ipc from the pod spec (or set them to false). " +
			"Only node agents in kube-system need them.",
		CEL: &CEL{Applies: withPSS,
			Expression: constant(`!(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork) && ` +
				`!(has(variables.podSpec.hostPID) && variables.podSpec.hostPID) && !(has(variables.podSpec.hostIPC) && variables.podSpec.hostIPC)`),
			Message: constant("pods must not share the host's network, PID or IPC namespace")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			s := in.Spec()
			for _, f := range []struct {
				field string
				on    bool
				why   string
			}{
				{"hostNetwork", s.HostNetwork, "the pod uses the node's network stack: it can reach node-local services (including the instance metadata service) and sniff traffic"},
				{"hostPID", s.HostPID, "the pod sees every process on the node and can signal or trace them"},
				{"hostIPC", s.HostIPC, "the pod shares the node's IPC namespace and can read shared memory of other processes"},
			} {
				switch {
				case f.on:
					out = append(out, fail(in.P(f.field), "", fmt.Sprintf("%s is true: %s.", f.field, f.why)))
				case in.Unknown(f.field):
					out = append(out, unknown(in.P(f.field), "", fmt.Sprintf("%s is not known until apply.", f.field)))
				}
			}
			return out
		},
	})
}
