package rules

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// pssControl is one check of k8s.io/pod-security-admission at its latest version, with
// the EPS rules that judge the same thing.
type pssControl struct {
	id    string
	level api.Level
	check policy.CheckPodFn
	// covering are the EPS rules that report this control's problems (their own
	// findings, with their own words and fixes); EPS032 reports only what they leave.
	covering []string
	// podPath and containerPath are where the control's fields are, relative to the pod
	// spec and to a container, for the finding's path.
	podPath, containerPath string
	// unknownLeaves are field names whose unknown value (or that of a field below them)
	// could change the control's verdict, for controls no EPS rule covers; wholeUnknown
	// names a parent ("securityContext") that hides them when it is unknown as a whole.
	unknownLeaves []string
	wholeUnknown  string
}

// pssCovering maps each Pod Security Standards check to the EPS rules that cover it.
var pssCovering = map[string][]string{
	"privileged":                 {"EPS001"},
	"hostNamespaces":             {"EPS010"},
	"hostPathVolumes":            {"EPS005"},
	"hostPorts":                  {"EPS011"},
	"capabilities_baseline":      {"EPS012"},
	"appArmorProfile":            {"EPS017"},
	"seccompProfile_baseline":    {"EPS016"},
	"restrictedVolumes":          {"EPS018", "EPS005"},
	"allowPrivilegeEscalation":   {"EPS002"},
	"runAsNonRoot":               {"EPS003", "EPS004"},
	"runAsUser":                  {"EPS004"},
	"seccompProfile_restricted":  {"EPS016"},
	"capabilities_restricted":    {"EPS013", "EPS012"},
	"seLinuxOptions":             nil,
	"procMount":                  nil,
	"procMount_restricted":       nil,
	"sysctls":                    nil,
	"windowsHostProcess":         nil,
	"hostProbesAndHostLifecycle": nil,
}

// pssPaths are where each control's fields are (pod spec, container), and the field names
// whose unknown value could change its verdict.
var pssPaths = map[string][3]string{
	"seLinuxOptions":             {"securityContext.seLinuxOptions", "securityContext.seLinuxOptions", "securityContext: seLinuxOptions"},
	"procMount":                  {"", "securityContext.procMount", "securityContext: procMount"},
	"procMount_restricted":       {"", "securityContext.procMount", "securityContext: procMount"},
	"sysctls":                    {"securityContext.sysctls", "", "securityContext: sysctls"},
	"windowsHostProcess":         {"securityContext.windowsOptions.hostProcess", "securityContext.windowsOptions.hostProcess", "securityContext: windowsOptions hostProcess"},
	"hostProbesAndHostLifecycle": {"", "", "livenessProbe readinessProbe startupProbe lifecycle postStart preStop httpGet host"},
	"capabilities_baseline":      {"", "securityContext.capabilities.add", ""},
	"capabilities_restricted":    {"", "securityContext.capabilities", ""},
	"appArmorProfile":            {"securityContext.appArmorProfile", "securityContext.appArmorProfile", ""},
	"seccompProfile_baseline":    {"securityContext.seccompProfile", "securityContext.seccompProfile", ""},
	"seccompProfile_restricted":  {"securityContext.seccompProfile", "securityContext.seccompProfile", ""},
	"runAsNonRoot":               {"securityContext.runAsNonRoot", "securityContext.runAsNonRoot", ""},
	"runAsUser":                  {"securityContext.runAsUser", "securityContext.runAsUser", ""},
	"allowPrivilegeEscalation":   {"", "securityContext.allowPrivilegeEscalation", ""},
	"privileged":                 {"", "securityContext.privileged", ""},
	"hostNamespaces":             {"", "", ""},
	"hostPathVolumes":            {"volumes", "", ""},
	"hostPorts":                  {"", "ports", ""},
	"restrictedVolumes":          {"volumes", "", ""},
}

// pssControls are the library's checks, baseline first, each at its latest version; a
// check another check overrides at the restricted level (procMount_restricted overrides
// procMount) keeps both, and the finding is made once (see EPS032). Built once from the
// library when the package initialises; read-only afterwards.
var pssControls = func() []pssControl {
	var out []pssControl
	for _, c := range policy.DefaultChecks() {
		if len(c.Versions) == 0 {
			continue
		}
		latest := c.Versions[0]
		for _, v := range c.Versions[1:] {
			if latest.MinimumVersion.Older(v.MinimumVersion) {
				latest = v
			}
		}
		id := string(c.ID)
		pc := pssControl{id: id, level: c.Level, check: latest.CheckPod, covering: pssCovering[id]}
		if p, ok := pssPaths[id]; ok {
			pc.podPath, pc.containerPath = p[0], p[1]
			leaves := p[2]
			if parent, rest, ok := strings.Cut(leaves, ":"); ok {
				pc.wholeUnknown, leaves = parent, rest
			}
			pc.unknownLeaves = strings.Fields(leaves)
		}
		out = append(out, pc)
	}
	slices.SortStableFunc(out, func(a, b pssControl) int {
		if a.level != b.level {
			if a.level == api.LevelBaseline {
				return -1
			}
			return 1
		}
		return strings.Compare(a.id, b.id)
	})
	return out
}()

func init() {
	var peers []string
	for _, c := range pssControls {
		peers = append(peers, "pss:"+c.id)
	}
	register(Rule{
		ID:           "EPS032",
		Peers:        append(peers, "a9174d31-d526-4ad9-ace4-ce7ddbf52e03", "KSV002", "KSV025", "KSV026", "KSV027", "KSV103"),
		Severity:     finding.High,
		SeverityNote: "low for a control of the restricted level only",
		Title:        "Pod Security Standards control failed that no other rule reports",
		Description: "The pod fails a control of the Pod Security Standards — as the official library, " +
			"k8s.io/pod-security-admission, runs it for Pod Security Admission — and no EPS rule reports that problem: " +
			"unsafe `sysctls`, `procMount: Unmasked`, SELinux options other than the container types, " +
			"`windowsOptions.hostProcess`, a `host` in probes or lifecycle handlers, or a value an EPS rule accepts and " +
			"PSA does not (`drop: [all]` in lower case, which EPS013 reads as ALL and PSA refuses; a capability the " +
			"settings allow that baseline forbids). Each finding names the control and PSA's reason, so plan-check is " +
			"never weaker than Pod Security Admission on the same object: a namespace enforcing the level would " +
			"refuse the pod. Controls an EPS rule covers (privileged, host namespaces, ...) are reported by that rule, " +
			"also when the rule is turned off or the finding waived. High for a baseline control (the level EKS " +
			"clusters are asked to enforce at least); low for a control of the restricted level only.",
		Guide: guidePSS,
		Remediation: "Change the field the control names: remove unsafe sysctls, procMount and hostProcess, set " +
			"SELinux type to container_t, container_init_t, container_kvm_t or container_engine_t (no user or role), " +
			"drop capabilities as [\"ALL\"] in upper case, remove host from probes and lifecycle handlers.",
		Workload: func(in *WorkloadInput) []Result {
			return pssResults(in)
		},
	})
}

// pssResults runs every control and reports what no covering rule reported.
func pssResults(in *WorkloadInput) []Result {
	meta := &in.W.Template
	// The checks only read: a shallow copy without containers is the pod, and one per
	// container is that container alone, built once for all controls.
	bare := *in.Spec()
	bare.Containers, bare.InitContainers, bare.EphemeralContainers = nil, nil, nil
	refs := in.Containers()
	singles := make([]*corev1.PodSpec, len(refs))
	for i, ref := range refs {
		singles[i] = onlyContainer(&bare, ref)
	}
	failedBaseline := map[string]bool{} // "control|container path"
	var out []Result
	var unknownControls []string
	unknownPath := ""
	for _, c := range pssControls {
		found := false
		if podRes := c.check(meta, &bare); !podRes.Allowed {
			if !in.pssCovered(c, "") && !overridden(c, "", failedBaseline) {
				out = append(out, in.pssFinding(c, "", podRes))
			}
			found = true
			failedBaseline[c.id+"|"] = true
			continue
		}
		for i, ref := range refs {
			res := c.check(meta, singles[i])
			if res.Allowed {
				continue
			}
			failedBaseline[c.id+"|"+ref.Path] = true
			found = true
			if in.pssCovered(c, ref.Path) || overridden(c, ref.Path, failedBaseline) {
				continue
			}
			out = append(out, in.pssFinding(c, ref.Path, res))
		}
		if len(c.covering) == 0 && !found && !slices.Contains(unknownControls, strings.TrimSuffix(c.id, "_restricted")) {
			if p := in.pssUnknown(c); p != "" {
				unknownControls = append(unknownControls, c.id)
				if unknownPath == "" {
					unknownPath = p
				}
			}
		}
	}
	if len(unknownControls) > 0 {
		out = append(out, unknown(in.P(unknownPath), "", fmt.Sprintf("Whether the pod passes the Pod Security Standards %s %s is not known until apply (%s is computed).",
			verb(len(unknownControls) > 1, "control", "controls"), joinAnd(unknownControls), unknownPath)))
	}
	return out
}

const runAsNonRootFix = "Set run_as_non_root = true in the container's security_context as well as the pod's: " +
	"the kubernetes provider sends false for a container security_context block that does not set it."

// overridden reports whether a restricted control repeats a baseline one that already
// failed there (procMount_restricted after procMount): the problem is reported once.
func overridden(c pssControl, where string, failed map[string]bool) bool {
	base := strings.TrimSuffix(c.id, "_restricted")
	if c.level != api.LevelRestricted || base == c.id {
		return false
	}
	return failed[base+"|"+where] || failed[base+"_baseline|"+where] || failed[base+"|"] || failed[base+"_baseline|"]
}

// onlyContainer is the bare pod spec with one container in its list.
func onlyContainer(bare *corev1.PodSpec, ref ContainerRef) *corev1.PodSpec {
	s := *bare
	switch ref.Kind {
	case "init container":
		s.InitContainers = []corev1.Container{*ref.C}
	case "ephemeral container":
		s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon(*ref.C)}}
	default:
		s.Containers = []corev1.Container{*ref.C}
	}
	return &s
}

// pssCovered reports whether an EPS rule covering the control reported anything on the
// container (or on the pod, for where == "" or a pod-level result), or is turned off.
func (in *WorkloadInput) pssCovered(c pssControl, where string) bool {
	for _, id := range c.covering {
		ids := []string{id}
		if r, ok := Lookup(id); ok {
			ids = append(ids, r.ImpliedBy...)
		}
		for _, rid := range ids {
			if in.enabled != nil && !in.enabled[rid] {
				return true // turned off on purpose: its controls are not reported twice
			}
			if got := in.reported[rid]; got[""] || got[where] || (where == "" && len(got) > 0) {
				return true
			}
		}
	}
	return false
}

// pssFinding reports control c failing on the container at where ("" for the pod).
func (in *WorkloadInput) pssFinding(c pssControl, where string, res policy.CheckResult) Result {
	rel := c.podPath
	if where != "" {
		rel = where
		if c.containerPath != "" {
			rel = where + "." + c.containerPath
		}
	}
	who := "The pod"
	container := ""
	if where != "" {
		ref := in.refAt(where)
		who, container = "The "+in.describe(ref), in.containerName(ref)
	}
	reason := res.ForbiddenReason
	if res.ForbiddenDetail != "" {
		reason += " (" + res.ForbiddenDetail + ")"
	}
	if in.Obj.SensitiveWithin(in.W.SpecPath) || in.Obj.SensitiveWithin(in.W.TemplatePath+".annotations") {
		reason = res.ForbiddenReason // the detail quotes values, some sensitive
	}
	r := fail(in.P(rel), container, fmt.Sprintf("%s fails the Pod Security Standards %s control %s (%s): Pod Security Admission refuses it in a namespace that enforces %s.",
		who, c.level, c.id, reason, c.level))
	if p := in.P(where + ".securityContext.runAsNonRoot"); c.id == "runAsNonRoot" && where != "" && in.Obj.Defaulted(p) != "" {
		r.Path = p
		r.Message += " The container's runAsNonRoot is false because " + in.Obj.Defaulted(p) + ", and a container's false overrides the pod's true."
		r.Remediation = runAsNonRootFix
	}
	if c.level == api.LevelRestricted {
		r.Severity = sev(finding.Low)
	}
	return r
}

// refAt returns the container at a path relative to the pod spec.
func (in *WorkloadInput) refAt(path string) ContainerRef {
	for _, ref := range in.Containers() {
		if ref.Path == path {
			return ref
		}
	}
	return ContainerRef{C: &corev1.Container{}, Kind: "container", Path: path}
}

// pssUnknown returns a path (relative to the pod spec) of an unknown field that could
// change the control's verdict, or "".
func (in *WorkloadInput) pssUnknown(c pssControl) string {
	if len(c.unknownLeaves) == 0 {
		return ""
	}
	for _, p := range in.Obj.UnknownPaths() {
		rest, ok := strings.CutPrefix(p, in.W.SpecPath)
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, ".")
		for _, seg := range fieldpath.Parse(rest) {
			if !seg.IsIndex && !seg.Quoted && slices.Contains(c.unknownLeaves, seg.Name) {
				return rest
			}
		}
		// a whole container list, or the parent of the fields as a whole, hides them
		switch leaf := fieldpath.Leaf(rest); {
		case leaf == "containers", leaf == "initContainers", leaf == "ephemeralContainers":
			return rest
		case c.wholeUnknown != "" && leaf == c.wholeUnknown:
			// the pod's or a container's, as the control's fields are
			inContainer := in.containerOf(p) != ""
			if inContainer && c.containerPath != "" || !inContainer && c.podPath != "" {
				return rest
			}
		}
	}
	return ""
}
