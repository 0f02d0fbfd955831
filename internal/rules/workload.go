package rules

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// WorkloadInput is one pod spec with the context of the objects around it, and helpers
// that resolve paths relative to the pod spec.
type WorkloadInput struct {
	Obj *object.Object
	W   *object.Pod
	Ctx *Context

	// rule is the rule being run; failed holds, per rule ID, the containers (paths
	// relative to the pod spec) it failed on so far (for Implied).
	rule   *Rule
	failed map[string]map[string]bool
	// reported holds, per rule ID, where it reported anything (fail or unknown): the
	// containers (paths relative to the pod spec) and "" for results outside containers;
	// enabled holds the IDs of the rules the engine runs (for EPS032's coverage).
	reported map[string]map[string]bool
	enabled  map[string]bool

	// computed once per workload, on first use
	containers   []ContainerRef
	unknownLists []string
	listsDone    bool
}

// P turns a path relative to the pod spec ("containers[0].securityContext") into the
// object's path ("spec.template.spec.containers[0].securityContext").
func (in *WorkloadInput) P(rel string) string { return fieldpath.Concat(in.W.SpecPath, rel) }

// T turns a field name of the pod template's metadata into the object's path.
func (in *WorkloadInput) T(rel string) string { return fieldpath.Join(in.W.TemplatePath, rel) }

// Unknown reports whether the field at rel (relative to the pod spec) is unknown.
func (in *WorkloadInput) Unknown(rel string) bool { return in.Obj.Unknown(in.P(rel)) }

// UnknownWithin reports whether anything at, above or below rel is unknown.
func (in *WorkloadInput) UnknownWithin(rel string) bool { return in.Obj.UnknownWithin(in.P(rel)) }

// Show renders a value for a message, or Redacted when it is sensitive.
func (in *WorkloadInput) Show(rel string, v any) string { return show(in.Obj, in.P(rel), v) }

// Spec is the pod spec.
func (in *WorkloadInput) Spec() *corev1.PodSpec { return &in.W.Spec }

// ContainerRef is one container of any kind with its path relative to the pod spec.
type ContainerRef struct {
	C    *corev1.Container
	Kind string // "container", "init container" or "ephemeral container"
	Path string // "containers[0]", "initContainers[1]", "ephemeralContainers[0]"
}

// Containers returns init containers, containers and ephemeral containers, in that order.
func (in *WorkloadInput) Containers() []ContainerRef {
	if in.containers == nil {
		in.containers = in.collectContainers()
	}
	return in.containers
}

func (in *WorkloadInput) collectContainers() []ContainerRef {
	s := in.Spec()
	out := make([]ContainerRef, 0, len(s.InitContainers)+len(s.Containers)+len(s.EphemeralContainers))
	for i := range s.InitContainers {
		out = append(out, ContainerRef{C: &s.InitContainers[i], Kind: "init container", Path: fieldpath.Index("initContainers", i)})
	}
	for i := range s.Containers {
		out = append(out, ContainerRef{C: &s.Containers[i], Kind: "container", Path: fieldpath.Index("containers", i)})
	}
	for i := range s.EphemeralContainers {
		c := corev1.Container(s.EphemeralContainers[i].EphemeralContainerCommon)
		out = append(out, ContainerRef{C: &c, Kind: "ephemeral container", Path: fieldpath.Index("ephemeralContainers", i)})
	}
	return out
}

// UnknownContainerLists returns the container lists that are unknown as a whole (a
// dynamic block over an unknown collection): their containers cannot be judged.
func (in *WorkloadInput) UnknownContainerLists() []string {
	if !in.listsDone {
		for _, l := range []string{"initContainers", "containers", "ephemeralContainers"} {
			if in.Unknown(l) {
				in.unknownLists = append(in.unknownLists, l)
			}
		}
		in.listsDone = true
	}
	return in.unknownLists
}

// unknownContainers adds one unknown result per unknown container list, so a rule about
// containers is never a pass when the containers themselves are unknown.
func (in *WorkloadInput) unknownContainers(what string) []Result {
	var out []Result
	for _, l := range in.UnknownContainerLists() {
		out = append(out, unknown(in.P(l), "", fmt.Sprintf("the %s list is not known until apply, so %s cannot be checked", l, what)))
	}
	return out
}

// containerName names a container for messages, never printing a sensitive name.
func (in *WorkloadInput) containerName(ref ContainerRef) string {
	if in.Obj.Sensitive(in.P(ref.Path + ".name")) {
		return ""
	}
	return ref.C.Name
}

// describe renders "container app" / "init container init-priv" for messages.
func (in *WorkloadInput) describe(ref ContainerRef) string {
	n := in.containerName(ref)
	if n == "" {
		return ref.Kind + " " + ref.Path
	}
	return ref.Kind + " " + n
}

// sc returns a container's security context, never nil.
func sc(c *corev1.Container) *corev1.SecurityContext {
	if c.SecurityContext == nil {
		return &corev1.SecurityContext{}
	}
	return c.SecurityContext
}

// podSC returns the pod's security context, never nil.
func (in *WorkloadInput) podSC() *corev1.PodSecurityContext {
	if in.Spec().SecurityContext == nil {
		return &corev1.PodSecurityContext{}
	}
	return in.Spec().SecurityContext
}

// effective resolves a setting a container may set and otherwise inherits from the pod:
// it returns where the value comes from (a path relative to the pod spec), and whether
// that value (or the one it would inherit) is unknown.
type effective[T any] struct {
	value   *T
	path    string
	unknown bool
}

func resolve[T any](in *WorkloadInput, ref ContainerRef, containerField string, cVal *T, podField string, pVal *T) effective[T] {
	cPath := ref.Path + ".securityContext." + containerField
	if cVal != nil {
		return effective[T]{value: cVal, path: cPath}
	}
	if in.Unknown(cPath) {
		return effective[T]{path: cPath, unknown: true}
	}
	pPath := "securityContext." + podField
	if pVal != nil {
		return effective[T]{value: pVal, path: pPath}
	}
	return effective[T]{path: pPath, unknown: in.Unknown(pPath)}
}

// hostPathVolumes maps volume names to their hostPath sources.
func (in *WorkloadInput) hostPathVolumes() map[string]hostPathVolume {
	out := map[string]hostPathVolume{}
	for i, v := range in.Spec().Volumes {
		if v.HostPath != nil {
			out[v.Name] = hostPathVolume{index: i, path: v.HostPath.Path}
		}
	}
	return out
}

type hostPathVolume struct {
	index int
	path  string
}

func show(o *object.Object, p string, v any) string {
	if o.Sensitive(p) {
		return Redacted
	}
	switch t := v.(type) {
	case string:
		return fmt.Sprintf("%q", t)
	case *int64:
		if t == nil {
			return "unset"
		}
		return fmt.Sprint(*t)
	case *bool:
		if t == nil {
			return "unset"
		}
		return fmt.Sprint(*t)
	}
	return fmt.Sprint(v)
}

// Implied reports whether a rule the running rule is implied by has failed on the
// container: the container's finding under that rule already says it.
func (in *WorkloadInput) Implied(ref ContainerRef) bool {
	if in.rule == nil {
		return false
	}
	for _, id := range in.rule.ImpliedBy {
		if in.failed[id][ref.Path] {
			return true
		}
	}
	return false
}

// recordFailures remembers the containers a rule failed on, and where it reported
// anything.
func (in *WorkloadInput) recordFailures(id string, results []Result) {
	for _, r := range results {
		if in.reported != nil && (r.Status == finding.Fail || r.Status == finding.Unknown) {
			if in.reported[id] == nil {
				in.reported[id] = map[string]bool{}
			}
			in.reported[id][in.containerOf(r.Path)] = true
		}
		if r.Status != finding.Fail {
			continue
		}
		if c := in.containerOf(r.Path); c != "" {
			if in.failed[id] == nil {
				in.failed[id] = map[string]bool{}
			}
			in.failed[id][c] = true
		}
	}
}

// containerOf returns the container a path of the object is in ("containers[1]",
// relative to the pod spec), or "".
func (in *WorkloadInput) containerOf(p string) string {
	rest, ok := strings.CutPrefix(p, in.W.SpecPath+".")
	if !ok {
		return ""
	}
	for _, list := range []string{"initContainers[", "containers[", "ephemeralContainers["} {
		if strings.HasPrefix(rest, list) {
			if end := strings.IndexByte(rest, ']'); end > 0 {
				return rest[:end+1]
			}
		}
	}
	return ""
}

// impliedText lists what the rules implied by id say, for id's message: "privilege
// escalation allowed (EPS002), ...".
func impliedText(id string) string {
	var parts []string
	for _, r := range Catalogue() {
		if slices.Contains(r.ImpliedBy, id) && r.Implies != "" {
			parts = append(parts, r.Implies+" ("+r.ID+")")
		}
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// podShared collects the results of a setting that a container may set and otherwise
// inherits from the pod (runAsNonRoot, runAsUser, seccompProfile, ...). A result that rests
// on the pod's own field is one finding for the pod, naming every container it affects,
// not one per container on the same line; results on a container's own field stay per
// container.
type podShared struct {
	in     *WorkloadInput
	order  []string
	groups map[string]*sharedResult
	out    []Result
}

type sharedResult struct {
	status  finding.Status
	path    string
	refs    []ContainerRef
	message func(who string, plural bool) string
}

func (in *WorkloadInput) podShared() *podShared {
	return &podShared{in: in, groups: map[string]*sharedResult{}}
}

// add records a result for ref at path rel (relative to the pod spec). message renders the
// text for one container (who = "container app", plural false) or several (who =
// "containers app and sidecar", plural true). Results at the same pod-level path with the
// same key are merged.
func (s *podShared) add(status finding.Status, rel string, ref ContainerRef, key string, message func(who string, plural bool) string) {
	if !strings.HasPrefix(rel, ref.Path) {
		k := string(status) + "|" + rel + "|" + key
		g := s.groups[k]
		if g == nil {
			g = &sharedResult{status: status, path: rel, message: message}
			s.groups[k] = g
			s.order = append(s.order, k)
		}
		g.refs = append(g.refs, ref)
		return
	}
	s.out = append(s.out, Result{Status: status, Path: s.in.P(rel), Container: s.in.containerName(ref), Message: message(s.in.describe(ref), false)})
}

// results returns the per-container results and one result per pod-level group.
func (s *podShared) results() []Result {
	out := s.out
	for _, k := range s.order {
		g := s.groups[k]
		r := Result{Status: g.status, Path: s.in.P(g.path)}
		if len(g.refs) == 1 {
			r.Container = s.in.containerName(g.refs[0])
			r.Message = g.message(s.in.describe(g.refs[0]), false)
		} else {
			r.Message = g.message(s.in.describeAll(g.refs), true)
		}
		out = append(out, r)
	}
	return out
}

// describeAll renders several containers for a message: "containers app and sidecar",
// "init container migrate and container app".
func (in *WorkloadInput) describeAll(refs []ContainerRef) string {
	sameKind := true
	for _, r := range refs[1:] {
		sameKind = sameKind && r.Kind == refs[0].Kind
	}
	var names []string
	for _, r := range refs {
		n := in.containerName(r)
		if n == "" {
			n = r.Path
		}
		if !sameKind {
			n = r.Kind + " " + n
		}
		names = append(names, n)
	}
	list := strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	if sameKind {
		return refs[0].Kind + "s " + list
	}
	return list
}

// verb picks a verb's form for one or several subjects.
func verb(plural bool, one, several string) string {
	if plural {
		return several
	}
	return one
}

// mayBeHostPath reports whether the volume named name could turn out to be a hostPath once
// the plan's unknown values are known: the volume list is unknown, the volume of that name
// has an unknown source, or a volume whose name or source is unknown could be it. A volume
// whose name and kind are known is what it is, whatever else about it is unknown.
func (in *WorkloadInput) mayBeHostPath(name string) bool {
	if in.Unknown("volumes") {
		return true
	}
	for i, v := range in.Spec().Volumes {
		p := fmt.Sprintf("volumes[%d]", i)
		switch {
		case in.Unknown(p):
			return true
		case in.Unknown(p + ".name"):
			if v.HostPath != nil || in.Unknown(p+".hostPath") {
				return true
			}
		case v.Name == name && in.Unknown(p+".hostPath"):
			return true
		}
	}
	return false
}

// anyVolumeMayBeHostPath reports whether some volume could turn out to be a hostPath.
func (in *WorkloadInput) anyVolumeMayBeHostPath() bool {
	if in.Unknown("volumes") {
		return true
	}
	for i, v := range in.Spec().Volumes {
		p := fmt.Sprintf("volumes[%d]", i)
		if in.Unknown(p) || in.Unknown(p+".hostPath") || (v.HostPath == nil && in.Unknown(p+".name") && in.UnknownWithin(p+".hostPath")) {
			return true
		}
	}
	return false
}
