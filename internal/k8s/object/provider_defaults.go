package object

import (
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
)

// RunAsNonRootSent is why a typed container's runAsNonRoot is false although the plan
// shows none.
const RunAsNonRootSent = "the kubernetes provider sends false whenever a container's security_context block is present and run_as_non_root is not written"

// ApplyProviderDefaults sets on a typed object (Dialect Typed) the values the
// hashicorp/kubernetes provider sends although the plan shows them null, where a rule's
// verdict depends on them, each marked Defaulted with why:
//
//   - runAsNonRoot: false on every container and init container that has a
//     security_context block without run_as_non_root, in a pod that sets runAsNonRoot:
//     true (elsewhere the false changes nothing: the check is off either way). The provider builds the container's
//     SecurityContext from every attribute of the block (expandContainerSecurityContext),
//     the missing bool as false; the plan shows null. A container's false overrides the
//     pod's runAsNonRoot: true, so the kubelet does not check the user and Pod Security
//     Admission's restricted level refuses the pod (checked against kube-apiserver v1.37.2).
//
// A value unknown at plan time is left alone. Call it once per object, before
// ApplyServerDefaults and before judging it.
func ApplyProviderDefaults(o *Object) {
	if o == nil || o.Pod == nil || o.Opaque != "" || o.Dialect != Typed {
		return
	}
	p := o.Pod
	podAt := fieldpath.Join(fieldpath.Join(p.SpecPath, "securityContext"), "runAsNonRoot")
	if sc := p.Spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || o.Unknown(podAt) {
		return // without the pod's true, a container's false changes nothing
	}
	var d *serverDefaults
	no := false
	for _, l := range []struct {
		name string
		cs   *[]corev1.Container
	}{{"containers", &p.Spec.Containers}, {"initContainers", &p.Spec.InitContainers}} {
		cloned := false
		for i := range *l.cs {
			sc := (*l.cs)[i].SecurityContext
			at := fieldpath.Join(fieldpath.Join(fieldpath.Index(fieldpath.Join(p.SpecPath, l.name), i), "securityContext"), "runAsNonRoot")
			if sc == nil || sc.RunAsNonRoot != nil || o.Unknown(at) {
				continue
			}
			// The spec may share its slices with its source: copy before writing.
			if !cloned {
				*l.cs, cloned = slices.Clone(*l.cs), true
			}
			set := *sc
			set.RunAsNonRoot = &no
			(*l.cs)[i].SecurityContext = &set
			if d == nil {
				d = &serverDefaults{Marks: o.marks(), defaulted: map[string]string{}}
			}
			d.defaulted[at] = RunAsNonRootSent
		}
	}
	if d != nil {
		o.Marks = d
	}
}
