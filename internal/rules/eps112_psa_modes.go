package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// psaLevels orders the Pod Security Standards levels.
var psaLevels = map[string]int{"privileged": 0, "baseline": 1, "restricted": 2}

func init() {
	register(Rule{
		ID:        "EPS112",
		Severity:  finding.Low,
		Title:     "Pod Security Admission enforce without warn and audit",
		AppliesTo: "Namespaces the plan creates (`kubernetes_namespace(_v1)`, manifests), with the labels `kubernetes_labels` adds",
		Description: "A namespace created in the plan sets `pod-security.kubernetes.io/enforce` but not `warn` and " +
			"`audit` at the same level or a stricter one (its own labels, or a `kubernetes_labels` resource's). " +
			"Enforcement applies to pods only: a Deployment, Job or StatefulSet whose pods break the level is " +
			"admitted, and the pods its controller creates are refused — `kubectl apply` and `terraform apply` say " +
			"nothing, and only the controller's status (a ReplicaFailure condition) does. `warn` makes the API server " +
			"tell whoever applies the workload, `audit` records it in the audit log; the guide asks for all three " +
			"modes. Low: the level is enforced either way; what is missing is being told. A namespace that enforces " +
			"privileged is EPS107's.",
		Guide: guidePSAModes,
		Remediation: "Set pod-security.kubernetes.io/warn and pod-security.kubernetes.io/audit to the enforce level (or " +
			"a stricter one) on the namespace; ekspodsec_pod_security_admission renders all three.",
		Object: func(in *ObjectInput) []Result {
			ns, labels, ok := createdNamespace(in)
			if !ok {
				return nil
			}
			enforce, has := labels[psaEnforceLabel]
			level, valid := psaLevels[enforce]
			if !has || !valid || level == 0 {
				return nil
			}
			var missing []string
			unknownMode := ""
			for _, mode := range []string{"warn", "audit"} {
				key := "pod-security.kubernetes.io/" + mode
				v, set := labels[key]
				switch l, ok := psaLevels[v]; {
				case set && ok && l >= level:
				case !set && in.Unknown(fieldpath.Join("metadata.labels", key)):
					unknownMode = key
				case !set:
					missing = append(missing, mode+" is not set")
				default:
					missing = append(missing, fmt.Sprintf("%s is %s", mode, in.Plain(fieldpath.Join("metadata.labels", key), v)))
				}
			}
			path := fieldpath.Join("metadata.labels", psaEnforceLabel)
			switch {
			case len(missing) > 0:
				return []Result{fail(path, "", fmt.Sprintf("Namespace %s enforces %s, but %s: a Deployment whose pods break %s is admitted, its pods are refused, and only the controller's status says so.",
					nsDisplay(in, ns), in.Plain(path, enforce), joinAnd(missing), in.Plain(path, enforce)))}
			case unknownMode != "":
				return []Result{unknown(fieldpath.Join("metadata.labels", unknownMode), "", fmt.Sprintf("Namespace %s enforces %s, and its %s label is not known until apply.", nsDisplay(in, ns), in.Plain(path, enforce), unknownMode))}
			}
			return nil
		},
	})
}
