package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS011",
		Peers:       []string{"CKV_K8S_26", "0cfc4fe7-24eb-451f-a1c1-8c2bb82c0fae", "4e74cf4f-ff65-4c1a-885c-67ab608206ce", "KSV024", "pss:hostPorts"},
		Severity:    finding.Medium,
		Description: `A container binds a ` + "`" + `hostPort` + "`" + `: it listens on the node's own address, bypasses network policies, pins the pod to nodes with the port free, and cannot run on Fargate.`,
		Title:       "hostPort used",
		Guide:       guideCapabilities,
		Remediation: "Remove host_port from the container's port block and expose the pod through a Service " +
			"(ClusterIP, NodePort or a load balancer) instead.",
		CEL: &CEL{Applies: withPSS,
			Expression: constant(`variables.allContainers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))`),
			Message:    constant("containers must not bind host ports")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				for j, port := range ref.C.Ports {
					p := fmt.Sprintf("%s.ports[%d].hostPort", ref.Path, j)
					switch {
					case port.HostPort != 0 && in.Obj.Defaulted(in.P(p)) != "":
						// Not written: the API server sets it (hostNetwork), see object.ApplyServerDefaults.
						r := fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s binds host port %s although it writes none: %s. It listens on the node's own address, bypassing network policies, and it cannot run on Fargate.", in.describe(ref), in.Show(p, port.HostPort), in.Obj.Defaulted(in.P(p))))
						r.Remediation = "Turn hostNetwork off (host_network in the kubernetes provider) unless the pod must share the node's network: with it every container port is a host port. Expose the pod through a Service instead."
						out = append(out, r)
					case port.HostPort != 0:
						out = append(out, fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s binds host port %s: it listens on the node's own address, bypassing network policies, and it cannot run on Fargate.", in.describe(ref), in.Show(p, port.HostPort))))
					case in.Unknown(p):
						out = append(out, unknown(in.P(p), in.containerName(ref), fmt.Sprintf("A host port of the %s is not known until apply.", in.describe(ref))))
					}
				}
				if in.Unknown(ref.Path + ".ports") {
					out = append(out, unknown(in.P(ref.Path+".ports"), in.containerName(ref), fmt.Sprintf("The ports of the %s are not known until apply: one could bind a host port.", in.describe(ref))))
				}
			}
			return append(out, in.unknownContainers("host ports")...)
		},
	})
}
