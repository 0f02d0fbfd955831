package rules

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
