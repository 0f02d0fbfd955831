package profile

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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

// BaselineCapabilities are the capabilities Pod Security Standards baseline lets a
// container add, sorted (a fresh copy).
func BaselineCapabilities() []string { return slices.Clone(baselineCapabilities) }

// baselineCapabilities are the capabilities Pod Security Standards baseline lets a
// container add: the container runtime's default set.
var baselineCapabilities = []string{
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

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

// NormalizeCapability upper-cases a capability and strips a "CAP_" prefix. "*" and "ALL"
// are kept. Unknown names are an error.
func NormalizeCapability(c string) (string, error) {
	n := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
	if n == "*" || n == "ALL" || slices.Contains(linuxCapabilities, n) {
		return n, nil
	}
	return "", fmt.Errorf("unknown capability %s: want a Linux capability such as NET_BIND_SERVICE (without CAP_), or ALL", Quote(c))
}

// AllowedCapability is NormalizeCapability for a capability a level lets containers add:
// below the privileged level, every capability at once (ALL, *, in any spelling) is
// refused, wrapping ErrEveryCapability.
func AllowedCapability(level Level, c string) (string, error) {
	n, err := NormalizeCapability(c)
	if err != nil {
		return "", err
	}
	if (n == "ALL" || n == "*") && level != Privileged {
		return "", fmt.Errorf("capability %s %w", Quote(c), ErrEveryCapability)
	}
	return n, nil
}

// AdditionalVolume checks a volume type a level is to allow on top of its own. Below the
// privileged level, hostPath (in any case: host paths are allowed by prefix) and * are
// refused, wrapping ErrHostPathVolume and ErrEveryVolume. Volume type names are
// case-sensitive: a name in the wrong case is an error that gives the right one.
func AdditionalVolume(level Level, v string) (string, error) {
	if level != Privileged {
		switch {
		case v == "*":
			return "", fmt.Errorf("volume type %s %w", Quote(v), ErrEveryVolume)
		case strings.EqualFold(strings.TrimSpace(v), "hostPath"):
			return "", fmt.Errorf("volume type %s: %w", Quote(v), ErrHostPathVolume)
		}
	}
	if IsVolumeType(v) {
		return v, nil
	}
	for _, t := range volumeTypes {
		if strings.EqualFold(strings.TrimSpace(v), t) {
			return "", fmt.Errorf("unknown volume type %s: volume types are case-sensitive, write %q", Quote(v), t)
		}
	}
	return "", fmt.Errorf("unknown volume type %s: want one of %s", Quote(v), strings.Join(VolumeTypes(), ", "))
}

// MaxHostPathLen is the longest host path prefix accepted (Linux's PATH_MAX).
const MaxHostPathLen = 4096

// CleanHostPath validates a host path prefix: absolute, no ".." segment, no control
// characters, at most MaxHostPathLen bytes. It returns the path cleaned ("//var/./log/"
// is "/var/log"; "/" stays "/").
func CleanHostPath(p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("host path %s is not absolute: it must start with /", Quote(p))
	}
	if HasDotDot(p) {
		return "", fmt.Errorf("host path %s contains \"..\": a prefix must not climb out of itself", Quote(p))
	}
	if strings.ContainsFunc(p, unicode.IsControl) || !utf8.ValidString(p) {
		return "", fmt.Errorf("host path %s contains control characters or invalid UTF-8: it cannot name a directory pods mount", Quote(p))
	}
	if len(p) > MaxHostPathLen {
		return "", fmt.Errorf("host path of %d bytes is longer than a path can be (%d)", len(p), MaxHostPathLen)
	}
	return path.Clean(p), nil
}

// AllowedHostPath is CleanHostPath for a prefix a level lets pods mount. Below the
// privileged level, "/" (the whole host, wrapping ErrWholeHost) and a prefix that is a
// container runtime socket or a directory above one (wrapping ErrRuntimeSocket: a
// PodSecurityPolicy cannot tell the socket from the rest of the prefix) are refused.
func AllowedHostPath(level Level, p string) (string, error) {
	clean, err := CleanHostPath(p)
	if err != nil || level == Privileged {
		return clean, err
	}
	if clean == "/" {
		return "", fmt.Errorf("host path prefix %s %w", Quote(p), ErrWholeHost)
	}
	if socket, ok := RuntimeSocketUnder(clean); ok {
		return "", fmt.Errorf("host path prefix %s covers %s: it %w", Quote(p), socket, ErrRuntimeSocket)
	}
	return clean, nil
}

// RuntimeSocketUnder returns a container runtime socket that prefix covers (the socket
// itself, or a directory above it), under /run or its /var/run symlink.
func RuntimeSocketUnder(prefix string) (string, bool) {
	for _, s := range RuntimeSockets() {
		if UnderPrefix(s, prefix) {
			return s, true
		}
		if UnderPrefix("/var"+s, prefix) {
			return "/var" + s, true
		}
	}
	return "", false
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
