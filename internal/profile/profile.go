// Package profile is the one Go model of what "hardened" means in ekspodsec.
//
// A Profile is built from a Level (restricted, baseline or privileged) and Options
// (Fargate, allowed host paths, capabilities, volumes, ...). Every renderer turns a Profile
// into Kubernetes objects, and the plan-check rules judge workloads against one, so what
// the provider renders and what the checker accepts cannot disagree.
package profile

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
)

// Level is a hardening level.
type Level string

const (
	// Restricted is the EKS best-practices guide's restricted policy.
	Restricted Level = "restricted"
	// Baseline is the Pod Security Standards baseline level expressed as a policy.
	Baseline Level = "baseline"
	// Privileged is what the EKS-managed eks.privileged policy allows; it is meant for
	// kube-system agents such as the VPC CNI (aws-node) and kube-proxy.
	Privileged Level = "privileged"
)

// Levels lists the level names in order of increasing permissiveness.
func Levels() []string {
	return []string{string(Restricted), string(Baseline), string(Privileged)}
}

// ParseLevel turns a level name into a Level.
func ParseLevel(s string) (Level, error) {
	switch l := Level(strings.ToLower(strings.TrimSpace(s))); l {
	case Restricted, Baseline, Privileged:
		return l, nil
	}
	return "", fmt.Errorf("unknown profile %s: want one of %s", Quote(s), strings.Join(Levels(), ", "))
}

// ID range rules, as PodSecurityPolicy names them.
const (
	RuleMustRunAs        = "MustRunAs"
	RuleMustRunAsNonRoot = "MustRunAsNonRoot"
	RuleMayRunAs         = "MayRunAs"
	RuleRunAsAny         = "RunAsAny"
)

// IDRange is an inclusive range of user or group IDs.
type IDRange struct {
	Min int64
	Max int64
}

// IDRule is a strategy for user or group IDs, with its ranges where the rule takes them.
type IDRule struct {
	Rule   string
	Ranges []IDRange
}

// PortRange is an inclusive range of host ports.
type PortRange struct {
	Min int32
	Max int32
}

// HostPath is an allowed hostPath prefix. Prefixes match on whole path segments:
// "/var/log" allows "/var/log/pods" but not "/var/logs".
type HostPath struct {
	PathPrefix string
	ReadOnly   bool
}

// AnnotationProfiles are the seccomp or AppArmor profiles a policy allows and the one it
// applies by default.
type AnnotationProfiles struct {
	Allowed []string
	Default string
}

// Profile is a complete hardening decision. Build it with New; the zero value is not useful.
type Profile struct {
	// Name is the default metadata.name of objects rendered from this profile.
	Name    string
	Level   Level
	Fargate bool

	Privileged               bool
	AllowPrivilegeEscalation bool
	HostNetwork              bool
	HostIPC                  bool
	HostPID                  bool
	HostPorts                []PortRange

	// AllowedCapabilities may be added by containers ("*" = any).
	AllowedCapabilities []string
	// RequiredDropCapabilities must be dropped by every container.
	RequiredDropCapabilities []string

	// Volumes are the allowed volume types, in PodSecurityPolicy names ("*" = any).
	Volumes []string
	// AllowedHostPaths restricts hostPath volumes when "hostPath" is an allowed volume.
	AllowedHostPaths []HostPath

	RunAsUser          IDRule
	SupplementalGroups IDRule
	FSGroup            IDRule
	SELinuxRule        string

	ReadOnlyRootFilesystem bool

	Seccomp  AnnotationProfiles
	AppArmor AnnotationProfiles
}

// Options adjust a level's defaults.
type Options struct {
	// Fargate forces what EKS Fargate requires: no privileged containers, no hostNetwork,
	// no hostPort, no added capabilities.
	Fargate bool
	// AllowedHostPaths allow hostPath volumes under these prefixes (and add "hostPath" to
	// the allowed volumes).
	AllowedHostPaths []HostPath
	// AllowedCapabilities may be added by containers, on top of the level's own.
	AllowedCapabilities []string
	// AdditionalVolumes are volume types allowed on top of the level's own.
	AdditionalVolumes []string
	// ReadOnlyRootFilesystem, when set, overrides the level's default.
	ReadOnlyRootFilesystem *bool
	// UserRanges, when set, make runAsUser MustRunAs these ranges instead of the level's
	// rule. The restricted level refuses a range that includes 0 (root).
	UserRanges []IDRange
	// GroupRanges, when set, make supplementalGroups and fsGroup MustRunAs these ranges.
	// The restricted level refuses a range that includes 0 (the root group).
	GroupRanges []IDRange
	// Seccomp and AppArmor, when set, replace the level's allowed and default profiles.
	// The restricted level refuses "unconfined" and "*".
	Seccomp  *AnnotationProfiles
	AppArmor *AnnotationProfiles
}

// ErrFargatePrivileged is returned for the privileged level on Fargate.
var ErrFargatePrivileged = errors.New("the privileged profile cannot run on EKS Fargate: " +
	"Fargate refuses " + fargatePodRefusals() + "; " +
	"use profile \"restricted\" or \"baseline\" for Fargate, and keep privileged agents on EC2 nodes in " + SystemNamespace)

// fargatePodRefusals lists what Fargate refuses in a pod's fields, for messages:
// "privileged containers, hostNetwork, hostPort and added capabilities".
func fargatePodRefusals() string {
	var fields []string
	for _, r := range FargateRefusals() {
		if r != FargateDaemonSet {
			fields = append(fields, string(r))
		}
	}
	return strings.Join(fields[:len(fields)-1], ", ") + " and " + fields[len(fields)-1]
}

// ErrFargateCapabilities is returned when capabilities are added on Fargate.
var ErrFargateCapabilities = errors.New("EKS Fargate only lets containers drop capabilities, never add them: " +
	"remove allowed_capabilities or set fargate = false")

// Refusals shared by every caller (the render CLI, the data sources, plan-check), so they
// cannot disagree. Each is wrapped with the value at fault.
var (
	// ErrEveryCapability: ALL or * as an allowed capability, below the privileged level.
	ErrEveryCapability = errors.New("lets containers add every capability, SYS_ADMIN included, which only the privileged profile allows: " +
		"name the capabilities containers need (e.g. NET_BIND_SERVICE)")
	// ErrHostPathVolume: hostPath as an additional volume type, below the privileged level.
	ErrHostPathVolume = errors.New("hostPath is not allowed wholesale: allow host paths by prefix instead " +
		"(read-only by default), as the guide asks")
	// ErrEveryVolume: * as an additional volume type, below the privileged level.
	ErrEveryVolume = errors.New("allows every volume type, hostPath included, which only the privileged profile allows: " +
		"name the volume types pods need, and allow host paths by prefix")
	// ErrWholeHost: / as an allowed host path prefix, below the privileged level.
	ErrWholeHost = errors.New("allows every host path, which is hostPath wholesale: name the directories pods need (e.g. /var/log)")
	// ErrRuntimeSocket: an allowed host path prefix that exposes a container runtime
	// socket (EPS008), below the privileged level.
	ErrRuntimeSocket = errors.New("exposes a container runtime socket, and whoever can talk to it controls the node " +
		"(a read-only mount does not stop that): name a directory that holds no runtime socket")
	// ErrOutOfRange: a user or group ID beyond what Kubernetes accepts.
	ErrOutOfRange = errors.New("out of range")
)

// Option names, as OptionError reports them: the data sources' attribute names.
const (
	OptionFargate             = "fargate"
	OptionAllowedCapabilities = "allowed_capabilities"
	OptionAdditionalVolumes   = "additional_volumes"
	OptionAllowedHostPaths    = "allowed_host_paths"
	OptionUserRanges          = "user_ranges"
	OptionGroupRanges         = "group_ranges"
	OptionSeccomp             = "seccomp"
	OptionAppArmor            = "apparmor"
)

// OptionError is an option New refuses: the option (one of the Option names), the
// element at fault (-1 for the option as a whole) and why. Callers name it in their own
// terms: an attribute path for the provider, a flag for the CLI.
type OptionError struct {
	Option string
	Index  int
	Err    error
}

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

func optionError(option string, index int, err error) error {
	return &OptionError{Option: option, Index: index, Err: err}
}

// MaxID is the largest user or group ID Kubernetes accepts (IDs are 31-bit there).
const MaxID = math.MaxInt32

// New builds the profile for a level with options applied. It returns an error when the
// combination is impossible (privileged on Fargate) or an option is invalid or would
// undo the level (every capability, every volume, the whole host, a runtime socket): an
// *OptionError naming the option and its element.
func New(level Level, opts Options) (Profile, error) {
	p, err := defaults(level)
	if err != nil {
		return Profile{}, err
	}
	if opts.Fargate {
		if level == Privileged {
			return Profile{}, optionError(OptionFargate, -1, ErrFargatePrivileged)
		}
		if len(opts.AllowedCapabilities) > 0 {
			return Profile{}, optionError(OptionAllowedCapabilities, -1, ErrFargateCapabilities)
		}
	}

	for i, c := range opts.AllowedCapabilities {
		norm, err := AllowedCapability(level, c)
		if err != nil {
			return Profile{}, optionError(OptionAllowedCapabilities, i, err)
		}
		p.AllowedCapabilities = appendUnique(p.AllowedCapabilities, norm)
	}
	for i, v := range opts.AdditionalVolumes {
		norm, err := AdditionalVolume(level, v)
		if err != nil {
			return Profile{}, optionError(OptionAdditionalVolumes, i, err)
		}
		p.Volumes = appendUnique(p.Volumes, norm)
	}
	seen := make(map[string]int, len(opts.AllowedHostPaths))
	for i, hp := range opts.AllowedHostPaths {
		clean, err := AllowedHostPath(level, hp.PathPrefix)
		if err != nil {
			return Profile{}, optionError(OptionAllowedHostPaths, i, err)
		}
		if j, dup := seen[clean]; dup {
			// the same prefix twice: read-write when either is, as PodSecurityPolicy reads it
			p.AllowedHostPaths[j].ReadOnly = p.AllowedHostPaths[j].ReadOnly && hp.ReadOnly
			continue
		}
		seen[clean] = len(p.AllowedHostPaths)
		p.AllowedHostPaths = append(p.AllowedHostPaths, HostPath{PathPrefix: clean, ReadOnly: hp.ReadOnly})
	}
	if len(p.AllowedHostPaths) > 0 && !slices.Contains(p.Volumes, "*") {
		p.Volumes = appendUnique(p.Volumes, "hostPath")
	}
	if opts.ReadOnlyRootFilesystem != nil {
		p.ReadOnlyRootFilesystem = *opts.ReadOnlyRootFilesystem
	}
	if opts.UserRanges != nil {
		if err := checkRanges("user", OptionUserRanges, level, opts.UserRanges); err != nil {
			return Profile{}, err
		}
		p.RunAsUser = IDRule{Rule: RuleMustRunAs, Ranges: slices.Clone(opts.UserRanges)}
	}
	if opts.GroupRanges != nil {
		if err := checkRanges("group", OptionGroupRanges, level, opts.GroupRanges); err != nil {
			return Profile{}, err
		}
		p.SupplementalGroups = IDRule{Rule: RuleMustRunAs, Ranges: slices.Clone(opts.GroupRanges)}
		p.FSGroup = IDRule{Rule: RuleMustRunAs, Ranges: slices.Clone(opts.GroupRanges)}
	}
	if opts.Seccomp != nil {
		if err := checkAnnotationProfiles("seccomp", OptionSeccomp, level, *opts.Seccomp); err != nil {
			return Profile{}, err
		}
		p.Seccomp = AnnotationProfiles{Allowed: slices.Clone(opts.Seccomp.Allowed), Default: opts.Seccomp.Default}
	}
	if opts.AppArmor != nil {
		if err := checkAnnotationProfiles("AppArmor", OptionAppArmor, level, *opts.AppArmor); err != nil {
			return Profile{}, err
		}
		p.AppArmor = AnnotationProfiles{Allowed: slices.Clone(opts.AppArmor.Allowed), Default: opts.AppArmor.Default}
	}
	if opts.Fargate {
		p = p.forFargate()
	}
	return p, nil
}

func defaults(level Level) (Profile, error) {
	switch level {
	case Restricted:
		// The guide's restricted PodSecurityPolicy, field for field.
		return Profile{
			Name:                     string(Restricted),
			Level:                    Restricted,
			RequiredDropCapabilities: []string{"ALL"},
			Volumes:                  slices.Clone(restrictedVolumes),
			RunAsUser:                IDRule{Rule: RuleMustRunAsNonRoot},
			SupplementalGroups:       IDRule{Rule: RuleMustRunAs, Ranges: []IDRange{{Min: 1, Max: 65535}}},
			FSGroup:                  IDRule{Rule: RuleMustRunAs, Ranges: []IDRange{{Min: 1, Max: 65535}}},
			SELinuxRule:              RuleRunAsAny,
			Seccomp: AnnotationProfiles{
				Allowed: []string{"docker/default", "runtime/default"},
				Default: "runtime/default",
			},
			AppArmor: AnnotationProfiles{
				Allowed: []string{"runtime/default"},
				Default: "runtime/default",
			},
		}, nil
	case Baseline:
		// Pod Security Standards baseline: no privileged, no host namespaces or ports, only
		// the container runtime's default capabilities, no hostPath; users and groups free.
		return Profile{
			Name:                     string(Baseline),
			Level:                    Baseline,
			AllowPrivilegeEscalation: true,
			AllowedCapabilities:      slices.Clone(baselineCapabilities),
			Volumes:                  slices.Clone(baselineVolumes),
			RunAsUser:                IDRule{Rule: RuleRunAsAny},
			SupplementalGroups:       IDRule{Rule: RuleRunAsAny},
			FSGroup:                  IDRule{Rule: RuleRunAsAny},
			SELinuxRule:              RuleRunAsAny,
			Seccomp: AnnotationProfiles{
				Allowed: []string{"docker/default", "runtime/default", "localhost/*"},
				Default: "runtime/default",
			},
			AppArmor: AnnotationProfiles{
				Allowed: []string{"runtime/default", "localhost/*"},
				Default: "runtime/default",
			},
		}, nil
	case Privileged:
		// What EKS's own eks.privileged policy allows.
		return Profile{
			Name:                     string(Privileged),
			Level:                    Privileged,
			Privileged:               true,
			AllowPrivilegeEscalation: true,
			HostNetwork:              true,
			HostIPC:                  true,
			HostPID:                  true,
			HostPorts:                []PortRange{{Min: 0, Max: 65535}},
			AllowedCapabilities:      []string{"*"},
			Volumes:                  []string{"*"},
			RunAsUser:                IDRule{Rule: RuleRunAsAny},
			SupplementalGroups:       IDRule{Rule: RuleRunAsAny},
			FSGroup:                  IDRule{Rule: RuleRunAsAny},
			SELinuxRule:              RuleRunAsAny,
			Seccomp:                  AnnotationProfiles{Allowed: []string{"*"}},
		}, nil
	}
	return Profile{}, fmt.Errorf("unknown profile %q: want one of %s", level, strings.Join(Levels(), ", "))
}

// checkRanges refuses empty, inverted or out-of-range ranges, and on the restricted level
// any range that lets a process run as root (ID 0).
func checkRanges(what, option string, level Level, ranges []IDRange) error {
	if len(ranges) == 0 {
		return optionError(option, -1, fmt.Errorf("%s ranges are empty: give at least one range, or leave them unset for the level's default", what))
	}
	for i, r := range ranges {
		if r.Min < 0 || r.Max < r.Min {
			return optionError(option, i, fmt.Errorf("%s range %d-%d is not a range: want 0 <= min <= max", what, r.Min, r.Max))
		}
		if r.Max > MaxID {
			return optionError(option, i, fmt.Errorf("%s range %d-%d is %w: Kubernetes %s IDs go up to %d", what, r.Min, r.Max, ErrOutOfRange, what, MaxID))
		}
		if level == Restricted && r.Min == 0 {
			return optionError(option, i, fmt.Errorf("%s range %d-%d includes 0 (root), which the restricted profile forbids: start at 1", what, r.Min, r.Max))
		}
	}
	return nil
}

// checkAnnotationProfiles refuses names that cannot be one profile (empty, or with a comma
// or space, which would smuggle a second name into the comma-separated annotation), a
// default that is not allowed, and on the restricted level an unconfined or wildcard
// profile, or none at all (no annotation lets pods choose unconfined).
func checkAnnotationProfiles(what, option string, level Level, a AnnotationProfiles) error {
	for i, v := range a.Allowed {
		if err := checkProfileName(what, v); err != nil {
			return optionError(option, i, err)
		}
	}
	if a.Default != "" {
		if err := checkProfileName(what, a.Default); err != nil {
			return optionError(option, -1, err)
		}
	}
	if a.Default != "" && !slices.Contains(a.Allowed, a.Default) && !slices.Contains(a.Allowed, "*") {
		return optionError(option, -1, fmt.Errorf("%s default profile %s is not among the allowed ones (%s)", what, Quote(a.Default), strings.Join(a.Allowed, ", ")))
	}
	if level == Restricted {
		if len(a.Allowed) == 0 {
			return optionError(option, -1, fmt.Errorf("%s allows no profile, which leaves pods free to run unconfined: the restricted profile needs at least one (e.g. runtime/default)", what))
		}
		for i, v := range append(slices.Clone(a.Allowed), a.Default) {
			if v == "*" || strings.EqualFold(v, "unconfined") {
				if i == len(a.Allowed) {
					i = -1 // the default
				}
				return optionError(option, i, fmt.Errorf("%s profile %s lets containers run unconfined, which the restricted profile forbids", what, Quote(v)))
			}
		}
	}
	return nil
}

func checkProfileName(what, v string) error {
	if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return fmt.Errorf("%s profile %s is not a profile name: it must be non-empty, without commas or spaces", what, Quote(v))
	}
	return nil
}

func appendUnique(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
