package profile

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// restrictedVolumes are the volume types of the guide's restricted policy.
var restrictedVolumes = []string{
	"configMap", "emptyDir", "projected", "secret", "downwardAPI", "persistentVolumeClaim",
}

// RestrictedVolumes returns the volume types the guide's restricted policy allows.
func RestrictedVolumes() []string { return slices.Clone(restrictedVolumes) }

// pssRestrictedExtraVolumes are the types Pod Security Standards "restricted" allows on
// top of the guide's list.
var pssRestrictedExtraVolumes = []string{"csi", "ephemeral"}

// PSSRestrictedVolumes returns the volume types Pod Security Standards restricted allows.
func PSSRestrictedVolumes() []string {
	return append(RestrictedVolumes(), pssRestrictedExtraVolumes...)
}

// volumeTypes are the PodSecurityPolicy FSType names of every volume source.
var volumeTypes = []string{
	"awsElasticBlockStore", "azureDisk", "azureFile", "cephFS", "cinder", "configMap", "csi",
	"downwardAPI", "emptyDir", "ephemeral", "fc", "flexVolume", "flocker", "gcePersistentDisk",
	"gitRepo", "glusterfs", "hostPath", "iscsi", "nfs", "persistentVolumeClaim",
	"photonPersistentDisk", "portworxVolume", "projected", "quobyte", "rbd", "scaleIO", "secret",
	"storageos", "vsphereVolume",
}

// baselineVolumes is every volume type but hostPath (Pod Security Standards baseline).
var baselineVolumes = func() []string {
	out := make([]string, 0, len(volumeTypes))
	for _, v := range volumeTypes {
		if v != "hostPath" {
			out = append(out, v)
		}
	}
	return out
}()

// RuntimeSockets lists the container runtime sockets of the runtimes EKS nodes have run
// (Docker, dockershim, cri-dockerd, containerd, CRI-O, podman, k3s, BuildKit), under /run:
// /var/run is a symlink to /run on every EKS AMI. EPS008 and the admission policy both
// refuse a hostPath that exposes one of them.
func RuntimeSockets() []string {
	return []string{
		"/run/docker.sock", "/run/dockershim.sock", "/run/cri-dockerd.sock", "/run/containerd/containerd.sock",
		"/run/crio/crio.sock", "/run/podman/podman.sock", "/run/k3s/containerd/containerd.sock", "/run/buildkit/buildkitd.sock",
	}
}

// VolumeTypes lists every volume type name, sorted.
func VolumeTypes() []string { return slices.Clone(volumeTypes) }

// IsVolumeType reports whether v is a volume type name (or "*").
func IsVolumeType(v string) bool { return v == "*" || slices.Contains(volumeTypes, v) }

// baselineCapabilities are the capabilities Pod Security Standards baseline lets a
// container add: the container runtime's default set.
var baselineCapabilities = []string{
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

// BaselineCapabilities returns the capabilities Pod Security Standards baseline allows.
func BaselineCapabilities() []string { return slices.Clone(baselineCapabilities) }

// linuxCapabilities are the Linux capability names Kubernetes accepts (without CAP_).
var linuxCapabilities = []string{
	"AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "BPF", "CHECKPOINT_RESTORE",
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER",
	"KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN",
	"NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "PERFMON", "SETFCAP", "SETGID", "SETPCAP",
	"SETUID", "SYSLOG", "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE",
	"SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG",
	"WAKE_ALARM",
}

// Capabilities lists the Linux capability names Kubernetes accepts, without "CAP_".
func Capabilities() []string { return slices.Clone(linuxCapabilities) }

// NormalizeCapability upper-cases a capability and strips a "CAP_" prefix. "*" and "ALL"
// are kept. Unknown names are an error.
func NormalizeCapability(c string) (string, error) {
	n := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
	if n == "*" || n == "ALL" || slices.Contains(linuxCapabilities, n) {
		return n, nil
	}
	return "", fmt.Errorf("unknown capability %q: want a Linux capability such as NET_BIND_SERVICE (without CAP_), or ALL", c)
}

// CleanHostPath validates a host path prefix: absolute, no ".." segment. It returns the
// path without a trailing slash (except for "/").
func CleanHostPath(p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("host path %q is not absolute: it must start with /", p)
	}
	if HasDotDot(p) {
		return "", fmt.Errorf("host path %q contains \"..\": a prefix must not climb out of itself", p)
	}
	return path.Clean(p), nil
}

// HasDotDot reports whether a path has a ".." segment.
func HasDotDot(p string) bool {
	return slices.Contains(strings.Split(p, "/"), "..")
}

// UnderPrefix reports whether p is prefix or below it, on whole path segments:
// "/var/log" covers "/var/log" and "/var/log/pods", not "/var/logs". A path with a ".."
// segment is never covered.
func UnderPrefix(p, prefix string) bool {
	if HasDotDot(p) || HasDotDot(prefix) || !strings.HasPrefix(p, "/") {
		return false
	}
	p, prefix = path.Clean(p), path.Clean(prefix)
	if prefix == "/" || p == prefix {
		return true
	}
	return strings.HasPrefix(p, prefix+"/")
}

// HostPathAllowed returns the allowed entry that covers p, if any.
func (p Profile) HostPathAllowed(hostPath string) (HostPath, bool) {
	for _, hp := range p.AllowedHostPaths {
		if UnderPrefix(hostPath, hp.PathPrefix) {
			return hp, true
		}
	}
	return HostPath{}, false
}

// CapabilityAllowed reports whether a container may add capability c.
func (p Profile) CapabilityAllowed(c string) bool {
	n := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
	return slices.Contains(p.AllowedCapabilities, "*") || slices.Contains(p.AllowedCapabilities, n)
}

// VolumeAllowed reports whether volume type v (PodSecurityPolicy name) is allowed.
func (p Profile) VolumeAllowed(v string) bool {
	return slices.Contains(p.Volumes, "*") || slices.Contains(p.Volumes, v)
}
