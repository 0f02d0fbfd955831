package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:         "EPS033",
		Peers:      []string{"CKV_K8S_8", "CKV_K8S_9", "5b6d53dd-3ba3-4269-b4d7-f82e880e43c3", "8657197e-3f87-4694-892b-8144701d83c1"},
		Severity:   finding.Low,
		DefaultOff: true,
		Title:      "Liveness or readiness probe missing",
		Description: "A long-running container (of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet or " +
			"ReplicationController; Jobs, CronJobs and init containers are exempt) has no `livenessProbe` or no " +
			"`readinessProbe`: a hung process is never restarted, and traffic reaches a replica before it can serve. " +
			"Off by default: it is availability hygiene, not pod security. Turn it on with " +
			"`rule \"EPS033\" { enabled = true }`.",
		Guide:       guidePeers,
		Remediation: "Give the container a livenessProbe and a readinessProbe (httpGet, tcpSocket, grpc or exec) that reflect whether it works and can serve.",
		RemediationTyped: "Give the container a liveness_probe and a readiness_probe block (http_get, tcp_socket, grpc or exec) " +
			"that reflect whether it works and can serve.",
		CEL: &CEL{OptIn: true,
			Expression: constant(`object.kind == 'Job' || object.kind == 'CronJob' || ` +
				`variables.podSpec.containers.all(c, has(c.livenessProbe) && has(c.readinessProbe))`),
			Message: constant("long-running containers need a livenessProbe and a readinessProbe")},
		Workload: func(in *WorkloadInput) []Result {
			if in.Obj.Kind == "Job" || in.Obj.Kind == "CronJob" {
				return nil
			}
			var out []Result
			for _, ref := range in.Containers() {
				if ref.Kind != "container" {
					continue
				}
				var missing []string
				for _, p := range []struct {
					field   string
					present bool
				}{{"livenessProbe", ref.C.LivenessProbe != nil}, {"readinessProbe", ref.C.ReadinessProbe != nil}} {
					switch {
					case p.present:
					case in.Unknown(ref.Path + "." + p.field):
						out = append(out, unknown(in.P(ref.Path+"."+p.field), in.containerName(ref), fmt.Sprintf("Whether the %s has a %s is not known until apply.", in.describe(ref), p.field)))
					default:
						missing = append(missing, p.field)
					}
				}
				if len(missing) > 0 {
					out = append(out, fail(in.P(ref.Path+"."+missing[0]), in.containerName(ref), fmt.Sprintf("The %s has no %s.", in.describe(ref), joinAnd(missing))))
				}
			}
			return append(out, in.unknownContainers("probes")...)
		},
	})
}
