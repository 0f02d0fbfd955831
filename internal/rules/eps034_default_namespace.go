package rules

import (
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:         "EPS034",
		Peers:      []string{"CKV_K8S_21", "abcb818b-5af7-4d72-aba9-6dd84956b451", "KSV110"},
		Severity:   finding.Low,
		DefaultOff: true,
		Title:      "Workload in the default namespace",
		Description: "The workload runs in the `default` namespace (written, or left out: Kubernetes and the kubernetes " +
			"provider put it there). `default` is where everything lands that names no namespace, so its RBAC, " +
			"quotas, network policies and Pod Security Admission labels are shared by unrelated workloads, and are " +
			"rarely set at all. Off by default: it is hygiene, and the namespace rules (EPS105–EPS107) judge the " +
			"namespaces the plan creates. Turn it on with `rule \"EPS034\" { enabled = true }`.",
		Guide:            guidePeers,
		Remediation:      "Put the workload in a namespace of its own (metadata.namespace), with its own RBAC, quota and Pod Security Admission labels.",
		RemediationTyped: "Set metadata { namespace = ... } to a namespace of its own, with its own RBAC, quota and Pod Security Admission labels.",
		CEL: &CEL{OptIn: true,
			Expression: constant(`namespaceObject.metadata.name != 'default'`),
			Message:    constant("workloads must not run in the default namespace")},
		Workload: func(in *WorkloadInput) []Result {
			switch {
			case in.Obj.Unknown("metadata.namespace"):
				return []Result{unknown("metadata.namespace", "", "The workload's namespace is not known until apply: it could be default.")}
			case in.Obj.Namespace == "default":
				return []Result{fail("metadata.namespace", "", "The workload runs in the default namespace, shared with everything that names no namespace.")}
			}
			return nil
		},
	})
}
