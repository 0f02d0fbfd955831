package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS020",
		Severity:    finding.Low,
		Description: `The pod mounts a Kubernetes API token for its service account (` + "`" + `automountServiceAccountToken` + "`" + ` not false on the pod, nor on its service account in the plan). Anyone who gets into a container can call the API with that identity. The kubernetes Terraform provider sends ` + "`" + `true` + "`" + ` when the attribute is not set.`,
		Title:       "Service account token automounted",
		Guide:       guideIAM,
		Remediation: "Set automount_service_account_token = false on the pod spec (the kubernetes provider " +
			"sends true when it is not set) unless the pod talks to the Kubernetes API.",
		Workload: func(in *WorkloadInput) []Result {
			p := in.P("automountServiceAccountToken")
			v := in.Spec().AutomountServiceAccountToken
			switch {
			case v != nil && !*v:
				return nil
			case v == nil && in.Unknown("automountServiceAccountToken"):
				return []Result{unknown(p, "", "Whether the service account token is mounted is not known until apply.")}
			case v == nil:
				sa := in.Spec().ServiceAccountName
				if sa == "" {
					sa = "default"
				}
				if o := in.Ctx.ServiceAccounts[in.Obj.Namespace+"/"+sa]; o != nil {
					if t := o.Typed.(*corev1.ServiceAccount); t.AutomountServiceAccountToken != nil && !*t.AutomountServiceAccountToken {
						return nil
					}
				}
			}
			return []Result{fail(p, "", fmt.Sprintf("The pod mounts a Kubernetes API token for its service account: anyone who gets into a container can call the API with that identity."))}
		},
	})
}
