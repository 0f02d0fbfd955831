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

// Sections of the current guide (docs.aws.amazon.com/eks/latest/best-practices/pod-security.html)
// and, for the peers' checks, where they come from.
const (
	guidePSAModes      = "Use multiple Pod Security Admission (PSA) modes for a better user experience"
	guideServiceLinks  = "Disable service discovery"
	guideReadOnlyRoot  = "Configure your images with read-only root file system"
	guideFargateLimits = "Fargate: pods run with the resources they request; only EFS volumes, no GPUs, at most 175 GiB of ephemeral storage"
	guideIAMAccess     = "Beyond the guide: EKS IAM guidance (cluster access management, least privilege)"
	guideRBACLeast     = "Beyond the guide: Kubernetes RBAC good practices (least privilege)"
	guidePeers         = "Beyond the guide: checks of Checkov, KICS and Trivy (docs/peers.md)"
	guidePSS           = "Pod Security Standards (baseline and restricted), as Pod Security Admission enforces them"
)
