package profile

import (
	"maps"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
)

// The facts of the guidance that more than one part of ekspodsec decides on (the
// renderers, the data sources, the admission policy, the plan-check rules). Each is read
// from here, never written again; functions return fresh values, so no caller can change
// what another one reads.

// PSPRemovedIn is the first Kubernetes version without PodSecurityPolicy (policy/v1beta1):
// a policy rendered for it, or planned on a cluster that runs it, is refused.
func PSPRemovedIn() k8sversion.Version { return k8sversion.Version{Major: 1, Minor: 25} }

// PSAMinimum is the first Kubernetes version with Pod Security Admission (beta and on by
// default; GA in PSAStable).
func PSAMinimum() k8sversion.Version { return k8sversion.Version{Major: 1, Minor: 23} }

// PSAStable is the Kubernetes version where Pod Security Admission is GA.
func PSAStable() k8sversion.Version { return k8sversion.Version{Major: 1, Minor: 25} }

// VAPMinimum is the first Kubernetes version that serves ValidatingAdmissionPolicy as
// admissionregistration.k8s.io/v1.
func VAPMinimum() k8sversion.Version { return k8sversion.Version{Major: 1, Minor: 30} }

// DefaultAllowedCapabilities are the capabilities a container may add when nothing else is
// said (plan-check's EPS012, the admission policy's): the Pod Security Standards
// restricted level's allowance.
func DefaultAllowedCapabilities() []string { return []string{"NET_BIND_SERVICE"} }

// SystemNamespace is the namespace of EKS's own agents (aws-node, kube-proxy): the one
// where privileged pods and host access belong.
const SystemNamespace = "kube-system"

// ExemptNamespaces are the namespaces the admission policy leaves alone unless told
// otherwise.
func ExemptNamespaces() []string { return []string{SystemNamespace} }

// NamespaceDefaults are what a hardened namespace gets for what its inputs leave unset.
type NamespaceDefaults struct {
	// Level is the Pod Security Standards level of every Pod Security Admission mode.
	Level Level
	// LimitRangeName and QuotaName name the LimitRange and the ResourceQuota.
	LimitRangeName, QuotaName string
	// ContainerDefault is the LimitRange's default (limit) of a container that declares
	// none, ContainerDefaultRequest its default request: resource name → quantity.
	ContainerDefault, ContainerDefaultRequest map[string]string
	// QuotaHard is the ResourceQuota's hard limits: requests and limits of CPU and memory,
	// so that every pod must declare them, and a pod count.
	QuotaHard map[string]string
}

var namespaceDefaults = NamespaceDefaults{
	Level:                   Restricted,
	LimitRangeName:          "defaults",
	QuotaName:               "compute",
	ContainerDefault:        map[string]string{"cpu": "500m", "memory": "256Mi"},
	ContainerDefaultRequest: map[string]string{"cpu": "100m", "memory": "128Mi"},
	QuotaHard:               map[string]string{"requests.cpu": "4", "requests.memory": "8Gi", "limits.cpu": "8", "limits.memory": "16Gi", "pods": "50"},
}

// DefaultNamespace returns the namespace defaults (fresh maps: the caller may change them).
func DefaultNamespace() NamespaceDefaults {
	d := namespaceDefaults
	d.ContainerDefault = maps.Clone(d.ContainerDefault)
	d.ContainerDefaultRequest = maps.Clone(d.ContainerDefaultRequest)
	d.QuotaHard = maps.Clone(d.QuotaHard)
	return d
}

// FargateRefusal is something EKS Fargate refuses to run: a pod that asks for it stays
// Pending.
type FargateRefusal string

// What Fargate refuses (EKS user guide, "AWS Fargate considerations").
const (
	FargatePrivileged        FargateRefusal = "privileged containers"
	FargateHostNetwork       FargateRefusal = "hostNetwork"
	FargateHostPort          FargateRefusal = "hostPort"
	FargateAddedCapabilities FargateRefusal = "added capabilities"
	// FargateDaemonSet is a kind, not a pod field: no pod security policy can say it.
	FargateDaemonSet FargateRefusal = "DaemonSets"
)

// FargateRefusals lists what Fargate refuses: the pod fields, then DaemonSets.
func FargateRefusals() []FargateRefusal {
	return []FargateRefusal{FargatePrivileged, FargateHostNetwork, FargateHostPort, FargateAddedCapabilities, FargateDaemonSet}
}

// forFargate returns p without what Fargate refuses.
func (p Profile) forFargate() Profile {
	p.Fargate = true
	for _, r := range FargateRefusals() {
		switch r {
		case FargatePrivileged:
			p.Privileged = false
		case FargateHostNetwork:
			p.HostNetwork = false
		case FargateHostPort:
			p.HostPorts = nil
		case FargateAddedCapabilities:
			p.AllowedCapabilities = nil
		}
	}
	return p
}
