package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The migration map (docs/peers.md): every check of the tools users come from — Checkov's
// CKV_K8S_* checks for Terraform's kubernetes resources, KICS's Terraform/kubernetes
// queries, Trivy's KSV checks, and the Pod Security Standards controls as
// k8s.io/pod-security-admission names them — with the EPS rules that cover it (the rules'
// Peers) or why none does. TestPeerMap holds the two sides together: every peer a rule
// names is listed here, every check listed without a reason is covered by a rule, and no
// check with a reason is.

// Peer tools.
const (
	ToolCheckov = "Checkov"
	ToolKICS    = "KICS"
	ToolTrivy   = "Trivy"
	ToolPSS     = "Pod Security Standards"
)

// PeerCheck is one check of another tool.
type PeerCheck struct {
	Tool string
	// ID is how the tool names the check: CKV_K8S_22, a KICS query UUID, KSV014,
	// pss:sysctls.
	ID    string
	Title string
	// NotCovered says why no EPS rule covers the check ("" when rules do: they list the ID
	// in Rule.Peers).
	NotCovered string
	// Note qualifies the coverage ("PSPs written as kubernetes_manifest").
	Note string
}

// Reasons shared by several peer checks.
const (
	whyPSPField     = "PodSecurityPolicy was removed in Kubernetes 1.25 and the kubernetes provider 3.x has no kubernetes_pod_security_policy resource; EPS102 judges what the guide's restricted policy forbids (escalation, host namespaces and ports, `*` capabilities and volumes, writable hostPath, root users), and the pods themselves are held to the EPS workload rules for this field"
	whyAvailability = "availability and operations, not pod security: outside the EKS pod-security guidance this catalogue implements"
	whyNetworking   = "Services, Ingresses and NetworkPolicies are not read: network exposure is outside the pod-security guidance this catalogue implements"
	whyTiller       = "Helm v2's Tiller has not been supported since 2020 and no current chart installs it; plan-check reads workloads, not what image a workload runs"
	whyRegistry     = "an allow-list of registries is organisation policy, not a pod-security control: enforce it with an admission policy that names your registries"
	whyUIDRange     = "the guide and the Pod Security Standards ask for a non-root user (EPS003, EPS004), not an ID above 10000; ID ranges are an image convention and would flag most compliant charts"
	whyRBACWrite    = "writes to Roles and bindings are guarded by the API server's escalation prevention (a subject cannot grant what it does not hold); EPS113 reports what lifts that guard: escalate, bind, impersonate and wildcards"
	whySecretScan   = "plan-check does not scan values for credentials (values the plan marks sensitive are never printed, and guessing secrets from text is a secret scanner's job)"
)

// PeerChecks is the whole map, in the order of docs/peers.md (tool, then ID as the tool
// orders them). The caller may keep and change the slice.
func PeerChecks() []PeerCheck { return append([]PeerCheck(nil), peerTable...) }

// peerTable and peerIndex are built once when the package initialises and only read
// afterwards.
var (
	peerTable = peerChecks()
	peerIndex = func() map[string]int {
		m := make(map[string]int, len(peerTable))
		for i, p := range peerTable {
			m[strings.ToLower(p.ID)] = i
		}
		return m
	}()
)

func peerChecks() []PeerCheck {
	return []PeerCheck{
		// Checkov: checkov/terraform/checks/resource/kubernetes (bridgecrewio/checkov 03d5fda).
		{Tool: ToolCheckov, ID: "CKV_K8S_1", Title: "Do not admit containers wishing to share the host process ID namespace (PodSecurityPolicy)", Note: "PSPs written as kubernetes_manifest or kubectl_manifest: provider 3.x has no kubernetes_pod_security_policy"},
		{Tool: ToolCheckov, ID: "CKV_K8S_2", Title: "Do not admit privileged containers (PodSecurityPolicy)", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolCheckov, ID: "CKV_K8S_3", Title: "Do not admit containers wishing to share the host IPC namespace (PodSecurityPolicy)", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolCheckov, ID: "CKV_K8S_4", Title: "Do not admit containers wishing to share the host network namespace (PodSecurityPolicy)", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolCheckov, ID: "CKV_K8S_5", Title: "Containers should not run with allowPrivilegeEscalation (PodSecurityPolicy)", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolCheckov, ID: "CKV_K8S_6", Title: "Do not admit root containers (PodSecurityPolicy)", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolCheckov, ID: "CKV_K8S_7", Title: "Do not admit containers with the NET_RAW capability (PodSecurityPolicy)", NotCovered: whyPSPField + " (EPS013: drop ALL)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_8", Title: "Liveness Probe Should be Configured", Note: "off by default (hygiene)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_9", Title: "Readiness Probe Should be Configured", Note: "off by default (hygiene)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_10", Title: "CPU requests should be set"},
		{Tool: ToolCheckov, ID: "CKV_K8S_11", Title: "CPU Limits should be set"},
		{Tool: ToolCheckov, ID: "CKV_K8S_12", Title: "Memory Limits should be set"},
		{Tool: ToolCheckov, ID: "CKV_K8S_13", Title: "Memory requests should be set"},
		{Tool: ToolCheckov, ID: "CKV_K8S_14", Title: "Image Tag should be fixed - not latest or blank"},
		{Tool: ToolCheckov, ID: "CKV_K8S_15", Title: "Image Pull Policy should be Always", Note: "off by default (hygiene)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_16", Title: "Do not admit privileged containers"},
		{Tool: ToolCheckov, ID: "CKV_K8S_17", Title: "Do not admit containers wishing to share the host process ID namespace"},
		{Tool: ToolCheckov, ID: "CKV_K8S_18", Title: "Do not admit containers wishing to share the host IPC namespace"},
		{Tool: ToolCheckov, ID: "CKV_K8S_19", Title: "Do not admit containers wishing to share the host network namespace"},
		{Tool: ToolCheckov, ID: "CKV_K8S_20", Title: "Containers should not run with allowPrivilegeEscalation"},
		{Tool: ToolCheckov, ID: "CKV_K8S_21", Title: "The default namespace should not be used", Note: "workloads only; off by default (hygiene)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_22", Title: "Use read-only filesystem for containers where possible"},
		{Tool: ToolCheckov, ID: "CKV_K8S_24", Title: "Do not allow containers with added capability (PodSecurityPolicy)", NotCovered: whyPSPField + " (EPS012: added capabilities)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_25", Title: "Minimize the admission of containers with added capability"},
		{Tool: ToolCheckov, ID: "CKV_K8S_26", Title: "Do not specify hostPort unless absolutely necessary"},
		{Tool: ToolCheckov, ID: "CKV_K8S_27", Title: "Do not expose the docker daemon socket to containers"},
		{Tool: ToolCheckov, ID: "CKV_K8S_28", Title: "Minimize the admission of containers with the NET_RAW capability", Note: "dropping ALL drops NET_RAW"},
		{Tool: ToolCheckov, ID: "CKV_K8S_29", Title: "Apply security context to your pods, deployments and daemon_sets", Note: "judged by what the missing context leaves: no runAsNonRoot, no seccomp"},
		{Tool: ToolCheckov, ID: "CKV_K8S_30", Title: "Apply security context to your pods and containers", Note: "judged by what the missing context leaves: escalation allowed, capabilities kept"},
		{Tool: ToolCheckov, ID: "CKV_K8S_32", Title: "Ensure default seccomp profile set to docker/default or runtime/default (PodSecurityPolicy)", NotCovered: whyPSPField + " (EPS016: seccomp)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_34", Title: "Ensure that Tiller (Helm v2) is not deployed", NotCovered: whyTiller},
		{Tool: ToolCheckov, ID: "CKV_K8S_35", Title: "Prefer using secrets as files over secrets as environment variables"},
		{Tool: ToolCheckov, ID: "CKV_K8S_36", Title: "Minimise the admission of containers with capabilities assigned (PodSecurityPolicy)", NotCovered: whyPSPField + " (EPS013: drop ALL)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_37", Title: "Minimise the admission of containers with capabilities assigned", Note: "the check asks for drop ALL"},
		{Tool: ToolCheckov, ID: "CKV_K8S_39", Title: "Do not use the CAP_SYS_ADMIN linux capability"},
		{Tool: ToolCheckov, ID: "CKV_K8S_41", Title: "Ensure that default service accounts are not actively used", Note: "judged on the pods that would mount the default account's token"},
		{Tool: ToolCheckov, ID: "CKV_K8S_42", Title: "Ensure that default service accounts are not actively used (bindings)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_43", Title: "Image should use digest", Note: "off by default (hygiene)"},
		{Tool: ToolCheckov, ID: "CKV_K8S_44", Title: "Ensure that the Tiller Service (Helm v2) is deleted", NotCovered: whyTiller},
		{Tool: ToolCheckov, ID: "CKV_K8S_49", Title: "Minimize wildcard use in Roles and ClusterRoles"},
		{Tool: ToolCheckov, ID: "CKV_K8S_159", Title: "Do not admit privileged containers (git-sync GITSYNC_GIT environment variable)", NotCovered: "the check looks for an environment variable that makes git-sync run another binary: an application setting, not a pod-security control"},

		// KICS: assets/queries/terraform/kubernetes (Checkmarx/kics); IDs are the queries' UUIDs.
		{Tool: ToolKICS, ID: "17172bc2-56fb-4f17-916f-a014147706cd", Title: "Cluster Admin Rolebinding With Superuser Permissions", Note: "bound to everyone (EPS108) or to a service account (EPS111); a named user or group is an administrator on purpose"},
		{Tool: ToolKICS, ID: "a9174d31-d526-4ad9-ace4-ce7ddbf52e03", Title: "Cluster Allows Unsafe Sysctls", Note: "pods' sysctls (PSS control sysctls); PSP allowedUnsafeSysctls is not judged (PSP removed in 1.25)"},
		{Tool: ToolKICS, ID: "e94d3121-c2d1-4e34-a295-139bfeb73ea3", Title: "Shared Host IPC Namespace (container_host_ipc_is_true, shared_host_ipc_namespace)"},
		{Tool: ToolKICS, ID: "587d5d82-70cf-449b-9817-f60f9bccb88c", Title: "Container Host Pid Is True"},
		{Tool: ToolKICS, ID: "87065ef8-de9b-40d8-9753-f4a4303e27a4", Title: "Container Is Privileged"},
		{Tool: ToolKICS, ID: "60af03ff-a421-45c8-b214-6741035476fa", Title: "Container Resources Limits Undefined"},
		{Tool: ToolKICS, ID: "0ad60203-c050-4115-83b6-b94bde92541d", Title: "Container Runs Unmasked (PodSecurityPolicy allowed_proc_mount_types)", NotCovered: whyPSPField + " (EPS032: procMount on pods)"},
		{Tool: ToolKICS, ID: "fe771ff7-ba15-4f8f-ad7a-8aa232b49a28", Title: "Containers With Added Capabilities"},
		{Tool: ToolKICS, ID: "3f55386d-75cd-4e9a-ac47-167b26c04724", Title: "Containers With Sys Admin Capabilities"},
		{Tool: ToolKICS, ID: "5f4735ce-b9ba-4d95-a089-a37a767b716f", Title: "CPU Limits Not Set"},
		{Tool: ToolKICS, ID: "577ac19c-6a77-46d7-9f14-e049cdd15ec2", Title: "CPU Requests Not Set"},
		{Tool: ToolKICS, ID: "58876b44-a690-4e9f-9214-7735fa0dd15d", Title: "CronJob Deadline Not Configured", NotCovered: whyAvailability},
		{Tool: ToolKICS, ID: "737a0dd9-0aaa-4145-8118-f01778262b8a", Title: "Default Service Account In Use", Note: "judged on the pods that would mount the default account's token"},
		{Tool: ToolKICS, ID: "461ed7e4-f8d5-4bc1-b3c6-64ddb4fd00a3", Title: "Deployment Has No PodAntiAffinity", NotCovered: whyAvailability},
		{Tool: ToolKICS, ID: "a05331ee-1653-45cb-91e6-13637a76e4f0", Title: "Deployment Without PodDisruptionBudget", NotCovered: whyAvailability},
		{Tool: ToolKICS, ID: "4e203a65-c8d8-49a2-b749-b124d43c9dc1", Title: "Docker Daemon Socket is Exposed to Containers"},
		{Tool: ToolKICS, ID: "5d05ea11-ae3e-470e-9864-97e55fb2b2e0", Title: "Host Aliases Undefined Or Empty", NotCovered: "hostAliases only add lines to the pod's own /etc/hosts; neither the guide nor the Pod Security Standards ask for them"},
		{Tool: ToolKICS, ID: "17e52ca3-ddd0-4610-9d56-ce107442e110", Title: "HPA Targets Invalid Object", NotCovered: whyAvailability},
		{Tool: ToolKICS, ID: "0cfc4fe7-24eb-451f-a1c1-8c2bb82c0fae", Title: "Workload Host Port Specified"},
		{Tool: ToolKICS, ID: "4e74cf4f-ff65-4c1a-885c-67ab608206ce", Title: "Workload Host Port Not Specified (the query's earlier ID)"},
		{Tool: ToolKICS, ID: "aa737abf-6b1d-4aba-95aa-5c160bd7f96e", Title: "Image Pull Policy Of The Container Is Not Set To Always", Note: "off by default (hygiene)"},
		{Tool: ToolKICS, ID: "228c4c19-feeb-4c18-848c-800ac70fdfb7", Title: "Image Without Digest", Note: "off by default (hygiene)"},
		{Tool: ToolKICS, ID: "26b047a9-0329-48fd-8fb7-05bbe5ba80ee", Title: "Incorrect Volume Claim Access Mode ReadWriteOnce", NotCovered: whyAvailability},
		{Tool: ToolKICS, ID: "e2c83c1f-84d7-4467-966c-ed41fd015bb9", Title: "Ingress Controller Exposes Workload", NotCovered: whyNetworking},
		{Tool: ToolKICS, ID: "e76cca7c-c3f9-4fc9-884c-b2831168ebd8", Title: "Invalid Image"},
		{Tool: ToolKICS, ID: "5b6d53dd-3ba3-4269-b4d7-f82e880e43c3", Title: "Liveness Probe Is Not Defined", Note: "off by default (hygiene)"},
		{Tool: ToolKICS, ID: "fd097ed0-7fe6-4f58-8b71-fef9f0820a21", Title: "Memory Limits Not Defined"},
		{Tool: ToolKICS, ID: "21719347-d02b-497d-bda4-04a03c8e5b61", Title: "Memory Requests Not Defined"},
		{Tool: ToolKICS, ID: "bc3dabb6-fd50-40f8-b9ba-7429c9f1fb0e", Title: "Metadata Label Is Invalid", NotCovered: "the API server refuses invalid labels at apply; not a pod-security control"},
		{Tool: ToolKICS, ID: "bd6bd46c-57db-4887-956d-d372f21291b6", Title: "Missing App Armor Config", NotCovered: "EKS's Amazon Linux and Bottlerocket nodes do not run AppArmor (Bottlerocket confines containers with SELinux), so a required AppArmor profile would be noise; EPS017 reports an explicit Unconfined and EPS032 any value the PSS baseline refuses"},
		{Tool: ToolKICS, ID: "9aa32890-ac1a-45ee-81ca-5164e2098556", Title: "NET_RAW Capabilities Disabled for PSP", NotCovered: whyPSPField + " (EPS013: drop ALL)"},
		{Tool: ToolKICS, ID: "e5587d53-a673-4a6b-b3f2-ba07ec274def", Title: "NET_RAW Capabilities Not Being Dropped", Note: "dropping ALL drops NET_RAW"},
		{Tool: ToolKICS, ID: "b80b14c6-aaa2-4876-b651-8a48b6c32fbf", Title: "Network Policy Is Not Targeting Any Pod", NotCovered: whyNetworking},
		{Tool: ToolKICS, ID: "21cef75f-289f-470e-8038-c7cee0664164", Title: "No Drop Capabilities for Containers"},
		{Tool: ToolKICS, ID: "86a947ea-f577-4efb-a8b0-5fc00257d521", Title: "Non Kube System Pod With Host Mount", Note: "every hostPath is reported, kube-system included"},
		{Tool: ToolKICS, ID: "2acb555f-f4ad-4b1b-b984-84e6588f4b05", Title: "Not Limited Capabilities For Pod Security Policy", NotCovered: whyPSPField + " (EPS013: drop ALL)"},
		{Tool: ToolKICS, ID: "522d4a64-4dc9-44bd-9240-7d8a0d5cb5ba", Title: "Permissive Access to Create Pods"},
		{Tool: ToolKICS, ID: "ad69e38a-d92e-4357-a8da-f2f29d545883", Title: "Pod or Container Without Security Context", Note: "judged by what the missing context leaves"},
		{Tool: ToolKICS, ID: "c878abb4-cca5-4724-92b9-289be68bd47c", Title: "Privilege Escalation Allowed"},
		{Tool: ToolKICS, ID: "4950837c-0ce5-4e42-9bee-a25eae73740b", Title: "PSP Allows Containers To Share The Host Network Namespace", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolKICS, ID: "2bff9906-4e9b-4f71-9346-8ebedfdf43ef", Title: "PSP Allows Privilege Escalation", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolKICS, ID: "51bed0ac-a8ae-407a-895e-90c6cb0610ce", Title: "PSP Allows Sharing Host IPC", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolKICS, ID: "67d086cf-d80a-49ef-b65c-4267c41a8ed7", Title: "PSP Host Pid Is True", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolKICS, ID: "a6a4d4fc-4e8f-47d1-969f-e9d4a084f3b9", Title: "PSP Set To Privileged", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolKICS, ID: "48388bd2-7201-4dcc-b56d-e8a9efa58fad", Title: "PSP With Added Capabilities", NotCovered: whyPSPField + " (EPS012: added capabilities; EPS102 reports `*`)"},
		{Tool: ToolKICS, ID: "8657197e-3f87-4694-892b-8144701d83c1", Title: "Readiness Probe Is Not Configured", Note: "off by default (hygiene)"},
		{Tool: ToolKICS, ID: "826abb30-3cd5-4e0b-a93b-67729b4f7e63", Title: "RBAC Roles with Read Secrets Permissions"},
		{Tool: ToolKICS, ID: "3360c01e-c8c0-4812-96a2-a6329b9b7f9f", Title: "Role Binding To Default Service Account"},
		{Tool: ToolKICS, ID: "d532566b-8d9d-4f3b-80bd-361fe802f9c2", Title: "Root Container Not Mounted As Read-only"},
		{Tool: ToolKICS, ID: "4c415497-7410-4559-90e8-f2c8ac64ee38", Title: "Root Containers Admitted (PodSecurityPolicy)", Note: "PSPs written as kubernetes_manifest or kubectl_manifest"},
		{Tool: ToolKICS, ID: "455f2e0c-686d-4fcb-8b5f-3f953f12c43c", Title: "Seccomp Profile Is Not Configured"},
		{Tool: ToolKICS, ID: "6d8f1a10-b6cd-48f0-b960-f7c535d5cdb8", Title: "Secrets As Environment Variables"},
		{Tool: ToolKICS, ID: "07fc3413-e572-42f7-9877-5c8fc6fccfb5", Title: "Service Account Allows Access Secrets"},
		{Tool: ToolKICS, ID: "24b132df-5cc7-4823-8029-f898e1c50b72", Title: "Service Account Name Undefined Or Empty", NotCovered: "a pod that names no service account runs as its namespace's default account, which has no rights unless bound (EPS109 reports the binding); its token is EPS020's"},
		{Tool: ToolKICS, ID: "a9a13d4f-f17a-491b-b074-f54bffffcb4a", Title: "Service Account Token Automount Not Disabled"},
		{Tool: ToolKICS, ID: "5c281bf8-d9bb-47f2-b909-3f6bb11874ad", Title: "Service Type is NodePort", NotCovered: whyNetworking},
		{Tool: ToolKICS, ID: "2a52567c-abb8-4651-a038-52fa27c77aed", Title: "Service With External Load Balancer", NotCovered: whyNetworking},
		{Tool: ToolKICS, ID: "ac1564a3-c324-4747-9fa1-9dfc234dace0", Title: "Shared Host Network Namespace"},
		{Tool: ToolKICS, ID: "f74b9c43-161a-4799-bc95-0b0ec81801b9", Title: "Shared Service Account", NotCovered: "sharing a service account between workloads is least-privilege hygiene that needs the whole cluster's workloads to judge; the rights themselves are judged on the roles (EPS113) and bindings (EPS108, EPS109, EPS111)"},
		{Tool: ToolKICS, ID: "fcc2612a-1dfe-46e4-8ce6-0320959f0040", Title: "StatefulSet Requests Storage", NotCovered: whyAvailability},
		{Tool: ToolKICS, ID: "7249e3b0-9231-4af3-bc5f-5daf4988ecbf", Title: "StatefulSet Without PodDisruptionBudget", NotCovered: whyAvailability},
		{Tool: ToolKICS, ID: "420e6360-47bb-46f6-9072-b20ed22c842d", Title: "StatefulSet Without Service Name", NotCovered: whyAvailability},
		{Tool: ToolKICS, ID: "ca2fba76-c1a7-4afd-be67-5249f861cb0e", Title: "Tiller (Helm v2) Is Deployed", NotCovered: whyTiller},
		{Tool: ToolKICS, ID: "abcb818b-5af7-4d72-aba9-6dd84956b451", Title: "Using Default Namespace", Note: "workloads only; off by default (hygiene)"},
		{Tool: ToolKICS, ID: "a62a99d1-8196-432f-8f80-3c100b05d62a", Title: "Volume Mount With OS Directory Write Permissions"},
		{Tool: ToolKICS, ID: "a737be28-37d8-4bff-aa6d-1be8aa0a0015", Title: "Workload Mounting With Sensitive OS Directory"},

		// Trivy: checks/kubernetes (aquasecurity/trivy-checks 80e5382); IDs as Trivy's aliases
		// spell them (KSV014; AVD-KSV-0014 and KSV-0014 are accepted too).
		{Tool: ToolTrivy, ID: "KSV001", Title: "Can elevate its own privileges"},
		{Tool: ToolTrivy, ID: "KSV002", Title: "Runtime/Default AppArmor profile not set", Note: "Unconfined (EPS017) and any value the PSS baseline refuses (EPS032); a Localhost profile passes, as the PSS allow"},
		{Tool: ToolTrivy, ID: "KSV003", Title: "Default capabilities: some containers do not drop all"},
		{Tool: ToolTrivy, ID: "KSV004", Title: "Default capabilities: some containers do not drop any"},
		{Tool: ToolTrivy, ID: "KSV005", Title: "SYS_ADMIN capability added"},
		{Tool: ToolTrivy, ID: "KSV006", Title: "hostPath volume mounted with docker.sock"},
		{Tool: ToolTrivy, ID: "KSV007", Title: "Manages /etc/hosts", NotCovered: "hostAliases only add lines to the pod's own /etc/hosts; neither the guide nor the Pod Security Standards restrict them"},
		{Tool: ToolTrivy, ID: "KSV008", Title: "Access to host IPC namespace"},
		{Tool: ToolTrivy, ID: "KSV009", Title: "Access to host network"},
		{Tool: ToolTrivy, ID: "KSV010", Title: "Access to host PID"},
		{Tool: ToolTrivy, ID: "KSV011", Title: "CPU not limited"},
		{Tool: ToolTrivy, ID: "KSV012", Title: "Runs as root user"},
		{Tool: ToolTrivy, ID: "KSV013", Title: "Image tag \":latest\" used"},
		{Tool: ToolTrivy, ID: "KSV014", Title: "Root file system is not read-only"},
		{Tool: ToolTrivy, ID: "KSV015", Title: "CPU requests not specified"},
		{Tool: ToolTrivy, ID: "KSV016", Title: "Memory requests not specified"},
		{Tool: ToolTrivy, ID: "KSV017", Title: "Privileged"},
		{Tool: ToolTrivy, ID: "KSV018", Title: "Memory not limited"},
		{Tool: ToolTrivy, ID: "KSV020", Title: "Runs with UID <= 10000", NotCovered: whyUIDRange},
		{Tool: ToolTrivy, ID: "KSV021", Title: "Runs with GID <= 10000", NotCovered: whyUIDRange},
		{Tool: ToolTrivy, ID: "KSV022", Title: "Specific capabilities added"},
		{Tool: ToolTrivy, ID: "KSV023", Title: "hostPath volumes mounted"},
		{Tool: ToolTrivy, ID: "KSV024", Title: "Access to host ports"},
		{Tool: ToolTrivy, ID: "KSV025", Title: "SELinux custom options set"},
		{Tool: ToolTrivy, ID: "KSV026", Title: "Unsafe sysctl options set"},
		{Tool: ToolTrivy, ID: "KSV027", Title: "Non-default /proc masks set"},
		{Tool: ToolTrivy, ID: "KSV028", Title: "Non-core volume types used"},
		{Tool: ToolTrivy, ID: "KSV030", Title: "Runtime/Default Seccomp profile not set"},
		{Tool: ToolTrivy, ID: "KSV032", Title: "All container images must start with the *.azurecr.io domain", NotCovered: whyRegistry},
		{Tool: ToolTrivy, ID: "KSV033", Title: "All container images must start with a GCR domain", NotCovered: whyRegistry},
		{Tool: ToolTrivy, ID: "KSV034", Title: "Container images from public registries used", NotCovered: whyRegistry},
		{Tool: ToolTrivy, ID: "KSV035", Title: "All container images must start with an ECR domain", NotCovered: whyRegistry},
		{Tool: ToolTrivy, ID: "KSV036", Title: "Protecting Pod service account tokens"},
		{Tool: ToolTrivy, ID: "KSV037", Title: "User resources should not be placed in kube-system namespace", NotCovered: "EKS add-ons (CoreDNS, kube-proxy, VPC CNI, EBS CSI, the load balancer controller) run in kube-system by design, and the PSA labels and policies exempt it; plan-check judges what runs there like anything else"},
		{Tool: ToolTrivy, ID: "KSV038", Title: "Selector usage in network policies", NotCovered: whyNetworking},
		{Tool: ToolTrivy, ID: "KSV039", Title: "limit range usage"},
		{Tool: ToolTrivy, ID: "KSV040", Title: "resource quota usage"},
		{Tool: ToolTrivy, ID: "KSV041", Title: "Manage secrets"},
		{Tool: ToolTrivy, ID: "KSV042", Title: "Delete pod logs", NotCovered: "deleting logs hides tracks but grants nothing; EPS113 reports what takes over workloads or the cluster"},
		{Tool: ToolTrivy, ID: "KSV043", Title: "Do not allow impersonation of privileged groups"},
		{Tool: ToolTrivy, ID: "KSV044", Title: "No wildcard verb and resource roles"},
		{Tool: ToolTrivy, ID: "KSV045", Title: "No wildcard verb roles"},
		{Tool: ToolTrivy, ID: "KSV046", Title: "Manage all resources"},
		{Tool: ToolTrivy, ID: "KSV047", Title: "Do not allow privilege escalation from node proxy"},
		{Tool: ToolTrivy, ID: "KSV048", Title: "Manage Kubernetes workloads and pods", Note: "create, update and patch (delete grants no pod)"},
		{Tool: ToolTrivy, ID: "KSV049", Title: "Manage configmaps", NotCovered: "ConfigMaps hold configuration, not credentials; writing aws-auth (which grants cluster access on EKS) is reported by EPS113 (KSV115)"},
		{Tool: ToolTrivy, ID: "KSV050", Title: "Do not allow privilege escalation via RBAC resources", NotCovered: whyRBACWrite},
		{Tool: ToolTrivy, ID: "KSV051", Title: "Do not allow role binding creation and association with privileged role/clusterrole", Note: "the bind verb"},
		{Tool: ToolTrivy, ID: "KSV052", Title: "Do not allow role to create ClusterRoleBindings and association with privileged role", Note: "the bind verb"},
		{Tool: ToolTrivy, ID: "KSV053", Title: "Exec into Pods"},
		{Tool: ToolTrivy, ID: "KSV054", Title: "Do not allow attaching to shell on pods"},
		{Tool: ToolTrivy, ID: "KSV055", Title: "Do not allow users in a rolebinding to add other users to their rolebindings", NotCovered: whyRBACWrite},
		{Tool: ToolTrivy, ID: "KSV056", Title: "Manage Kubernetes networking", NotCovered: whyNetworking},
		{Tool: ToolTrivy, ID: "KSV01010", Title: "ConfigMap with sensitive content", NotCovered: whySecretScan},
		{Tool: ToolTrivy, ID: "KSV01011", Title: "system:authenticate group access binding"},
		{Tool: ToolTrivy, ID: "KSV102", Title: "Tiller Is Deployed", NotCovered: whyTiller},
		{Tool: ToolTrivy, ID: "KSV103", Title: "Access to host process"},
		{Tool: ToolTrivy, ID: "KSV104", Title: "Seccomp policies disabled"},
		{Tool: ToolTrivy, ID: "KSV105", Title: "Containers must not set runAsUser to 0"},
		{Tool: ToolTrivy, ID: "KSV106", Title: "Container capabilities must only include NET_BIND_SERVICE"},
		{Tool: ToolTrivy, ID: "KSV107", Title: "The deprecated 'apiVersion' and 'kind' should not be used", NotCovered: "the API server refuses removed API versions at apply; EPS110 reports the one that matters here, PodSecurityPolicy"},
		{Tool: ToolTrivy, ID: "KSV108", Title: "Service with External IP", NotCovered: whyNetworking},
		{Tool: ToolTrivy, ID: "KSV109", Title: "ConfigMap with secrets", NotCovered: whySecretScan},
		{Tool: ToolTrivy, ID: "KSV110", Title: "Workloads in the default namespace", Note: "off by default (hygiene)"},
		{Tool: ToolTrivy, ID: "KSV111", Title: "User with admin access", Note: "bound to everyone (EPS108) or to a service account (EPS111); a named user or group is an administrator on purpose"},
		{Tool: ToolTrivy, ID: "KSV112", Title: "Manage all resources at the namespace"},
		{Tool: ToolTrivy, ID: "KSV113", Title: "Manage namespace secrets"},
		{Tool: ToolTrivy, ID: "KSV114", Title: "Manage webhookconfigurations"},
		{Tool: ToolTrivy, ID: "KSV115", Title: "Manage EKS IAM Auth ConfigMap"},
		{Tool: ToolTrivy, ID: "KSV116", Title: "Runs with a root primary or supplementary GID"},
		{Tool: ToolTrivy, ID: "KSV117", Title: "Prevent binding to privileged ports", NotCovered: "a containerPort below 1024 is not a privilege: binding it needs NET_BIND_SERVICE, which EPS012 governs"},
		{Tool: ToolTrivy, ID: "KSV118", Title: "Default security context configured", Note: "judged by what the missing context leaves"},
		{Tool: ToolTrivy, ID: "KSV119", Title: "NET_RAW capability added"},
		{Tool: ToolTrivy, ID: "KSV120", Title: "SYS_MODULE capability added"},
		{Tool: ToolTrivy, ID: "KSV121", Title: "Kubernetes resource with disallowed volumes mounted"},
		{Tool: ToolTrivy, ID: "KSV122", Title: "Anonymous user access binding"},
		{Tool: ToolTrivy, ID: "KSV123", Title: "system:masters group access binding", NotCovered: "binding a role to system:masters grants nothing (its members bypass RBAC); who is put into system:masters is EPS115's (aws-auth)"},
		{Tool: ToolTrivy, ID: "KSV124", Title: "Gatekeeper repo reference is ambiguously open-ended", NotCovered: "Gatekeeper constraints are not read; an allow-list of registries is organisation policy"},
		{Tool: ToolTrivy, ID: "KSV125", Title: "Restrict container images to trusted registries", NotCovered: whyRegistry},

		// Pod Security Standards: the checks of k8s.io/pod-security-admission v0.37.
		{Tool: ToolPSS, ID: "pss:privileged", Title: "Privileged Containers (baseline)"},
		{Tool: ToolPSS, ID: "pss:hostNamespaces", Title: "Host Namespaces (baseline)"},
		{Tool: ToolPSS, ID: "pss:hostPathVolumes", Title: "HostPath Volumes (baseline)"},
		{Tool: ToolPSS, ID: "pss:hostPorts", Title: "Host Ports (baseline)"},
		{Tool: ToolPSS, ID: "pss:capabilities_baseline", Title: "Capabilities (baseline)"},
		{Tool: ToolPSS, ID: "pss:appArmorProfile", Title: "AppArmor (baseline)"},
		{Tool: ToolPSS, ID: "pss:seLinuxOptions", Title: "SELinux (baseline)"},
		{Tool: ToolPSS, ID: "pss:procMount", Title: "/proc Mount Type (baseline)"},
		{Tool: ToolPSS, ID: "pss:seccompProfile_baseline", Title: "Seccomp (baseline)"},
		{Tool: ToolPSS, ID: "pss:sysctls", Title: "Sysctls (baseline)"},
		{Tool: ToolPSS, ID: "pss:windowsHostProcess", Title: "HostProcess (baseline)"},
		{Tool: ToolPSS, ID: "pss:hostProbesAndHostLifecycle", Title: "Host in probes and lifecycle handlers (baseline, 1.34+)"},
		{Tool: ToolPSS, ID: "pss:restrictedVolumes", Title: "Volume Types (restricted)"},
		{Tool: ToolPSS, ID: "pss:allowPrivilegeEscalation", Title: "Privilege Escalation (restricted)"},
		{Tool: ToolPSS, ID: "pss:runAsNonRoot", Title: "Running as Non-root (restricted)"},
		{Tool: ToolPSS, ID: "pss:runAsUser", Title: "Running as Non-root user (restricted)"},
		{Tool: ToolPSS, ID: "pss:seccompProfile_restricted", Title: "Seccomp (restricted)"},
		{Tool: ToolPSS, ID: "pss:capabilities_restricted", Title: "Capabilities (restricted)"},
		{Tool: ToolPSS, ID: "pss:procMount_restricted", Title: "/proc Mount Type (restricted, 1.35+)"},
	}
}

// trivyID matches Trivy's spellings of a KSV check: KSV014, KSV-0014, AVD-KSV-0014.
// The five-digit checks (KSV-01010) keep their digits: KSV01010.
var trivyID = regexp.MustCompile(`^(?:AVD-)?KSV-?([0-9]+)$`)

// normalizePeerID turns the ways users write a peer's ID into the map's spelling.
func normalizePeerID(id string) string {
	id = strings.TrimSpace(id)
	up := strings.ToUpper(id)
	if m := trivyID.FindStringSubmatch(up); m != nil {
		n := m[1]
		if len(n) == 5 {
			return "KSV" + n
		}
		n = strings.TrimLeft(n, "0")
		if len(n) < 3 {
			n = strings.Repeat("0", 3-len(n)) + n
		}
		return "KSV" + n
	}
	if strings.HasPrefix(up, "CKV_K8S_") {
		return up
	}
	if strings.HasPrefix(strings.ToLower(id), "pss:") {
		return "pss:" + id[4:]
	}
	return strings.ToLower(id) // KICS UUIDs
}

// LookupPeer finds a peer check by any spelling of its ID, with the EPS rules that cover
// it (none when it is not covered).
func LookupPeer(id string) (PeerCheck, []string, bool) {
	i, ok := peerIndex[strings.ToLower(normalizePeerID(id))]
	if !ok {
		return PeerCheck{}, nil, false
	}
	p := peerTable[i]
	return p, CoveringRules(p.ID), true
}

// PeerByID returns the peer check of an ID as the map spells it.
func PeerByID(id string) (PeerCheck, bool) {
	i, ok := peerIndex[strings.ToLower(id)]
	if !ok {
		return PeerCheck{}, false
	}
	return peerTable[i], true
}

// CoveringRules lists, in ID order, the catalogue rules that name peer id in Peers.
func CoveringRules(id string) []string {
	var out []string
	for _, r := range registry {
		for _, p := range r.Peers {
			if p == id {
				out = append(out, r.ID)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// PeersDoc renders docs/peers.md, the migration map, from PeerChecks and the catalogue.
func PeersDoc() string {
	var b strings.Builder
	b.WriteString("# Migration map: Checkov, KICS, Trivy and the Pod Security Standards\n\n")
	b.WriteString("Generated from the catalogue by `make docs` (internal/rules/peers.go); do not edit.\n\n")
	b.WriteString("Every check of the tools teams come from, with the EPS rules that cover it, or why none does. ")
	b.WriteString("`.ekspodsec.hcl` accepts a `rule` block or a `waiver` written with any of these IDs (Trivy's `KSV014`, `KSV-0014` or `AVD-KSV-0014`; ")
	b.WriteString("Pod Security Standards controls as `pss:<check>`): it is applied to the EPS rules that cover the check, with a note in the report ")
	b.WriteString("that says so, and an ID no rule covers is an error that says why. SARIF lists the IDs with each rule (`relatedRuleIds`).\n\n")
	b.WriteString("Sources: Checkov's `checkov/terraform/checks/resource/kubernetes` (bridgecrewio/checkov 03d5fda), KICS's ")
	b.WriteString("`assets/queries/terraform/kubernetes` (Checkmarx/kics; a query renamed over time is listed once per ID), Trivy's ")
	b.WriteString("`checks/kubernetes` KSV checks (aquasecurity/trivy-checks 80e5382; the KCV checks judge nodes and control-plane flags, ")
	b.WriteString("which Terraform's kubernetes resources do not hold), and k8s.io/pod-security-admission v0.37's checks.\n\n")
	checks := PeerChecks()
	tools := []string{ToolCheckov, ToolKICS, ToolTrivy, ToolPSS}
	b.WriteString("| tool | checks | covered | not covered |\n|---|---|---|---|\n")
	for _, tool := range tools {
		n, covered := 0, 0
		for _, p := range checks {
			if p.Tool != tool {
				continue
			}
			n++
			if len(CoveringRules(p.ID)) > 0 {
				covered++
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", tool, n, covered, n-covered)
	}
	b.WriteString("\n")
	for _, tool := range tools {
		fmt.Fprintf(&b, "## %s\n\n| ID | check | EPS rules | notes |\n|---|---|---|---|\n", tool)
		for _, p := range checks {
			if p.Tool != tool {
				continue
			}
			covering := CoveringRules(p.ID)
			var links []string
			for _, id := range covering {
				links = append(links, fmt.Sprintf("[%s](rules/%s.md)", id, id))
			}
			rules := strings.Join(links, ", ")
			notes := p.Note
			if len(covering) == 0 {
				rules, notes = "not covered", "because "+p.NotCovered
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", p.ID, mdCell(p.Title), rules, mdCell(notes))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// mdCell keeps a table cell on its row.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
