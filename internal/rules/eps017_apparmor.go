package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// appArmorAnnotationPrefix is the per-container AppArmor annotation (before 1.30's field).
const appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

func init() {
	register(Rule{
		ID:          "EPS017",
		Peers:       []string{"KSV002", "pss:appArmorProfile"},
		Severity:    finding.Low,
		Description: `A container runs AppArmor ` + "`" + `Unconfined` + "`" + ` (the ` + "`" + `container.apparmor.security.beta.kubernetes.io/NAME` + "`" + ` annotation or ` + "`" + `securityContext.appArmorProfile` + "`" + `).`,
		Title:       "AppArmor profile unconfined",
		Guide:       guideRestricted,
		Remediation: "Remove the Unconfined AppArmor setting (the container.apparmor.security.beta.kubernetes.io " +
			"annotation, or securityContext.appArmorProfile) so the runtime's default profile applies.",
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			podUnconfined := in.Spec().SecurityContext != nil && in.Spec().SecurityContext.AppArmorProfile != nil &&
				in.Spec().SecurityContext.AppArmorProfile.Type == corev1.AppArmorProfileTypeUnconfined
			if podUnconfined {
				out = append(out, fail(in.P("securityContext.appArmorProfile.type"), "", "The pod sets AppArmor profile Unconfined: its containers run without mandatory access control."))
			}
			for _, ref := range in.Containers() {
				key := appArmorAnnotationPrefix + ref.C.Name
				ap := fieldpath.Join(in.T("annotations"), key)
				shownAP := ap
				if in.containerName(ref) == "" {
					// The key holds the container's name, which is sensitive.
					shownAP = fieldpath.Join(in.T("annotations"), appArmorAnnotationPrefix+Redacted)
				}
				switch {
				case in.W.Template.Annotations[key] == "unconfined":
					out = append(out, fail(shownAP, in.containerName(ref), fmt.Sprintf("The pod's AppArmor annotation for the %s is unconfined: it runs without AppArmor.", in.describe(ref))))
				case in.Obj.Unknown(ap):
					out = append(out, unknown(shownAP, in.containerName(ref), fmt.Sprintf("The AppArmor annotation of the %s is not known until apply.", in.describe(ref))))
				}
				if c := ref.C.SecurityContext; c != nil && c.AppArmorProfile != nil && c.AppArmorProfile.Type == corev1.AppArmorProfileTypeUnconfined {
					out = append(out, fail(in.P(ref.Path+".securityContext.appArmorProfile.type"), in.containerName(ref), fmt.Sprintf("The %s sets AppArmor profile Unconfined.", in.describe(ref))))
				}
			}
			return out
		},
	})
}
