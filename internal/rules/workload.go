package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// WorkloadInput is one pod spec with the context of the objects around it, and helpers
// that resolve paths relative to the pod spec.
type WorkloadInput struct {
	Obj *object.Object
	W   *object.Pod
	Ctx *Context

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
