package rules

import "github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"

// Guide sections (EKS best-practices guide, pod security), as findings cite them.
const (
	guidePrivileged   = "Restrict the containers that can run as privileged"
	guideEscalation   = "Do not allow privileged escalation"
	guideRoot         = "Do not run processes in containers as root"
	guideHostPath     = "Restrict the use of hostPath"
	guideDinD         = "Never run Docker in Docker or mount the socket in the container"
	guideCapabilities = "Restrict the use of default capabilities (eks.privileged PSP)"
	guideResources    = "Set requests and limits for each container"
	guideRestricted   = "Restricted PodSecurityPolicy (seccomp, AppArmor, volumes)"
	guideFargate      = "Fargate: privileged pods, hostNetwork, hostPort and added capabilities are refused"
	guideIAM          = "Beyond the guide: EKS IAM guidance (service account tokens)"
	guidePSA          = "Successor of PSP: Pod Security Admission"
	guideRBAC         = "Scope the privileged policy to kube-system service accounts (eks:podsecuritypolicy:authenticated)"
)

// Catalogue is every rule, in ID order. IDs are a public, stable interface: users waive
// them and dashboards track them. New rules go at the end of their range.
func Catalogue() []Rule {
	return []Rule{
		eps001(), eps002(), eps003(), eps004(), eps005(), eps006(), eps007(), eps008(), eps009(),
		eps010(), eps011(), eps012(), eps013(), eps014(), eps015(), eps016(), eps017(), eps018(),
		eps019(), eps020(), opaqueRule(), eps022(),
		eps101(), eps102(), eps103(), eps104(), eps105(), eps106(), eps107(), eps108(), eps109(), eps110(),
	}
}

// opaqueRule reports objects whose whole content is unknown until apply.
func opaqueRule() Rule {
	return Rule{
		ID:          "EPS021",
		Severity:    finding.High,
		Title:       "Object cannot be judged until apply",
		Description: `A ` + "`" + `kubernetes_manifest` + "`" + ` or ` + "`" + `kubectl_manifest` + "`" + ` whose whole content (or kind) is not known until apply. No rule can judge it, so it is reported once, as unknown.`,
		Guide:       "All sections: a value Terraform cannot know yet is never a pass",
		Remediation: "Make the manifest known at plan time (avoid building the whole object from values " +
			"computed during apply), or run plan-check on a later plan once those values exist.",
	}
}

func sev(s finding.Severity) *finding.Severity { return &s }
