// Package psp holds a small local copy of the policy/v1beta1 PodSecurityPolicy types.
//
// PodSecurityPolicy was removed in Kubernetes 1.25 and its Go types are gone from current
// k8s.io/api. EKS clusters older than 1.25 still serve it, so ekspodsec keeps the subset of
// the type it renders and reads, with the same JSON names as the removed API, rather than
// pinning an old k8s.io/api.
package psp

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// APIVersion and Kind of a PodSecurityPolicy.
const (
	APIVersion = "policy/v1beta1"
	Kind       = "PodSecurityPolicy"
)

// Annotations the PodSecurityPolicy admission controller reads.
const (
	SeccompAllowedProfilesAnnotation  = "seccomp.security.alpha.kubernetes.io/allowedProfileNames"
	SeccompDefaultProfileAnnotation   = "seccomp.security.alpha.kubernetes.io/defaultProfileName"
	AppArmorAllowedProfilesAnnotation = "apparmor.security.beta.kubernetes.io/allowedProfileNames"
	AppArmorDefaultProfileAnnotation  = "apparmor.security.beta.kubernetes.io/defaultProfileName"
)

// PodSecurityPolicy governs the ability to make requests that affect the security context
// that will be applied to a pod and container.
type PodSecurityPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              PodSecurityPolicySpec `json:"spec,omitempty"`
}

// PodSecurityPolicySpec has the policy's rules. The booleans the guide writes out
// (privileged, host namespaces, readOnlyRootFilesystem) are always rendered, false
// included, so a rendered policy reads like the guide's.
type PodSecurityPolicySpec struct {
	Privileged                      bool                              `json:"privileged"`
	DefaultAddCapabilities          []string                          `json:"defaultAddCapabilities,omitempty"`
	RequiredDropCapabilities        []string                          `json:"requiredDropCapabilities,omitempty"`
	AllowedCapabilities             []string                          `json:"allowedCapabilities,omitempty"`
	Volumes                         []string                          `json:"volumes,omitempty"`
	HostNetwork                     bool                              `json:"hostNetwork"`
	HostPorts                       []HostPortRange                   `json:"hostPorts,omitempty"`
	HostPID                         bool                              `json:"hostPID"`
	HostIPC                         bool                              `json:"hostIPC"`
	SELinux                         SELinuxStrategyOptions            `json:"seLinux"`
	RunAsUser                       RunAsUserStrategyOptions          `json:"runAsUser"`
	RunAsGroup                      *RunAsGroupStrategyOptions        `json:"runAsGroup,omitempty"`
	SupplementalGroups              SupplementalGroupsStrategyOptions `json:"supplementalGroups"`
	FSGroup                         FSGroupStrategyOptions            `json:"fsGroup"`
	ReadOnlyRootFilesystem          bool                              `json:"readOnlyRootFilesystem"`
	DefaultAllowPrivilegeEscalation *bool                             `json:"defaultAllowPrivilegeEscalation,omitempty"`
	AllowPrivilegeEscalation        *bool                             `json:"allowPrivilegeEscalation,omitempty"`
	AllowedHostPaths                []AllowedHostPath                 `json:"allowedHostPaths,omitempty"`
	AllowedFlexVolumes              []AllowedFlexVolume               `json:"allowedFlexVolumes,omitempty"`
	AllowedCSIDrivers               []AllowedCSIDriver                `json:"allowedCSIDrivers,omitempty"`
	AllowedUnsafeSysctls            []string                          `json:"allowedUnsafeSysctls,omitempty"`
	ForbiddenSysctls                []string                          `json:"forbiddenSysctls,omitempty"`
	AllowedProcMountTypes           []string                          `json:"allowedProcMountTypes,omitempty"`
	RuntimeClass                    *RuntimeClassStrategyOptions      `json:"runtimeClass,omitempty"`
}

// AllowedHostPath restricts hostPath volumes to a path prefix.
type AllowedHostPath struct {
	PathPrefix string `json:"pathPrefix,omitempty"`
	ReadOnly   bool   `json:"readOnly,omitempty"`
}

// AllowedFlexVolume names an allowed flexVolume driver.
type AllowedFlexVolume struct {
	Driver string `json:"driver"`
}

// AllowedCSIDriver names an allowed inline CSI driver.
type AllowedCSIDriver struct {
	Name string `json:"name"`
}

// HostPortRange is an inclusive range of host ports.
type HostPortRange struct {
	Min int32 `json:"min"`
	Max int32 `json:"max"`
}

// SELinuxStrategyOptions defines the SELinux strategy.
type SELinuxStrategyOptions struct {
	Rule           string          `json:"rule"`
	SELinuxOptions *SELinuxOptions `json:"seLinuxOptions,omitempty"`
}

// SELinuxOptions are the labels applied under MustRunAs.
type SELinuxOptions struct {
	User  string `json:"user,omitempty"`
	Role  string `json:"role,omitempty"`
	Type  string `json:"type,omitempty"`
	Level string `json:"level,omitempty"`
}

// RunAsUserStrategyOptions defines the user ID strategy.
type RunAsUserStrategyOptions struct {
	Rule   string    `json:"rule"`
	Ranges []IDRange `json:"ranges,omitempty"`
}

// RunAsGroupStrategyOptions defines the group ID strategy.
type RunAsGroupStrategyOptions struct {
	Rule   string    `json:"rule"`
	Ranges []IDRange `json:"ranges,omitempty"`
}

// SupplementalGroupsStrategyOptions defines the supplemental groups strategy.
type SupplementalGroupsStrategyOptions struct {
	Rule   string    `json:"rule,omitempty"`
	Ranges []IDRange `json:"ranges,omitempty"`
}

// FSGroupStrategyOptions defines the fsGroup strategy.
type FSGroupStrategyOptions struct {
	Rule   string    `json:"rule,omitempty"`
	Ranges []IDRange `json:"ranges,omitempty"`
}

// IDRange is an inclusive range of IDs.
type IDRange struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
}

// RuntimeClassStrategyOptions restricts runtime classes.
type RuntimeClassStrategyOptions struct {
	AllowedRuntimeClassNames []string `json:"allowedRuntimeClassNames"`
	DefaultRuntimeClassName  *string  `json:"defaultRuntimeClassName,omitempty"`
}
