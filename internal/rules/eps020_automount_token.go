package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:           "EPS020",
		Peers:        []string{"CKV_K8S_41", "737a0dd9-0aaa-4145-8118-f01778262b8a", "a9a13d4f-f17a-491b-b074-f54bffffcb4a", "KSV036"},
		SeverityNote: "info when the token is requested on purpose",
		Severity:     finding.Low,
		Description:  `The pod mounts a Kubernetes API token for its service account (` + "`" + `automountServiceAccountToken` + "`" + ` not false on the pod, nor on its service account in the plan). Anyone who gets into a container can call the API with that identity. The kubernetes Terraform provider sends ` + "`" + `true` + "`" + ` when the attribute is not set.`,
		Title:        "Service account token automounted",
		Guide:        guideIAM,
		Remediation: "Set automountServiceAccountToken: false on the pod spec (or on its service account) unless " +
			"the pod talks to the Kubernetes API.",
		RemediationTyped: "Set automount_service_account_token = false on the pod spec (the kubernetes provider " +
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
			if v != nil && *v && in.Obj.Defaulted(p) == "" {
				// Written on purpose: a controller that talks to the API.
				r := fail(p, "", "The pod requests its service account token on purpose (automountServiceAccountToken: true): make sure the account's role grants only what the controller needs, since anyone who gets into a container can call the API with it.")
				r.Severity = sev(finding.Info)
				return []Result{r}
			}
			why := "nothing turns it off"
			if d := in.Obj.Defaulted(p); d != "" {
				why = d
			}
			return []Result{fail(p, "", fmt.Sprintf("The pod mounts a Kubernetes API token for its service account (%s): anyone who gets into a container can call the API with that identity.", why))}
		},
	})
}
