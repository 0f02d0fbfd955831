// Package advise runs the rule catalogue backwards: from the workloads a team already runs
// (a Terraform plan, Kubernetes manifests, a live cluster) to the tightest pod security
// they already satisfy, and the few exceptions they really need.
//
// # The analysis
//
// Every workload is judged as the Pod the API server will receive: its pod template with
// the API server's defaults that matter for security (with hostNetwork, a container port's
// hostPort defaults to its containerPort) and its namespace's LimitRange defaults. Its Pod
// Security Standards level is the strictest of restricted, baseline and privileged that
// k8s.io/pod-security-admission's own checks admit, at the standard's version of the
// cluster ("v1.31", or "latest" when the version is not known); the checks' forbidden
// reasons say what holds it back. A namespace's level is the strictest level every
// workload in it passes: that is what Pod Security Admission enforces there.
//
// What a workload uses beyond the restricted level, of the kinds a pod security policy
// grants one by one — host paths (read-only when every mount of the path is), added
// capabilities, host ports, host namespaces, privileged containers — are its needs. The
// needs of all workloads of one service account are that service account's exceptions:
// host paths as the smallest set of prefixes that covers them (a prefix is dropped only
// when a kept prefix above it grants at least as much), capabilities, ports and
// namespaces as sets. Nothing is ever granted to a namespace's default service account:
// a workload that runs as default and needs an exception is advised to run as a service
// account of its own (named after the workload), and the exceptions are written for that
// service account.
//
// # The policies
//
// Pod Security Admission has no per-service-account exceptions: a namespace whose
// workloads need more than restricted gets the level they need, and a
// ValidatingAdmissionPolicy keeps the boundary per service account. Each service account
// with exceptions gets a policy (ekspodsec_validating_admission_policy with
// pod_security_standards, its capabilities and host path prefixes), matched to its pods
// by a matchCondition on the pods' service account; the rest of the namespace gets one
// policy for every other service account. The catalogue's validations that the data
// source cannot parameterise are replaced by validations that allow exactly the
// exceptions (EPS006 for host paths that are written, EPS007 and EPS008 for prefixes the
// data source refuses such as a runtime socket, EPS010 for the host namespaces granted,
// EPS011 for the host ports granted, EPS001 dropped for privileged containers). Each
// policy is then evaluated, with the API server's own CEL compiler, on every workload it
// covers (the workload object and its Pod): a validation that still refuses one of them is
// relaxed (dropped) for that policy and reported with the workload that needs it. What
// is left is the tightest policy every workload passes, and every refusal names its rule.
//
// Below Kubernetes 1.25 the same exceptions become PodSecurityPolicies
// (ekspodsec_pod_security_policy) bound to exactly those service accounts
// (ekspodsec_pod_security_policy_rbac). PodSecurityPolicies in the input are migrated:
// the level they correspond to, what they allow beyond it, and the labels and policies
// that keep the same boundary for the namespaces and service accounts their RBAC reaches.
//
// # Unknown and sensitive values
//
// A workload from a plan whose security fields are unknown until apply has no level yet:
// its namespace is "not decidable", with the fields that make it so, and no policy is
// written for it. Values the plan marks sensitive are judged but never printed; a
// namespace whose advice would have to print one (a host path, a capability, a name) is
// reported without it and no policy is written for it.
package advise
