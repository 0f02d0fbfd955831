// Package render turns the hardening profile into Kubernetes objects (typed k8s.io/api
// objects, and the local PodSecurityPolicy type) and encodes them deterministically as
// YAML, JSON and Terraform values. One file per object family.
package render

import (
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Meta is what every rendered object takes from the user: extra labels and annotations.
type Meta struct {
	Labels      map[string]string
	Annotations map[string]string
}

// objectMeta builds metadata with the user's labels and annotations merged with the
// renderer's own annotations. A user annotation that would change one of the renderer's
// own (the policy's seccomp and AppArmor annotations) is an error on that key.
func objectMeta(name, namespace string, m Meta, own map[string]string) (metav1.ObjectMeta, error) {
	om := metav1.ObjectMeta{Name: name, Namespace: namespace}
	if len(m.Labels) > 0 {
		om.Labels = make(map[string]string, len(m.Labels))
		for k, v := range m.Labels {
			om.Labels[k] = v
		}
	}
	if len(own)+len(m.Annotations) > 0 {
		om.Annotations = make(map[string]string, len(own)+len(m.Annotations))
	}
	for k, v := range own {
		om.Annotations[k] = v
	}
	var errs FieldErrors
	keys := make([]string, 0, len(m.Annotations))
	for k := range m.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m.Annotations[k]
		if mine, reserved := own[k]; reserved && mine != v {
			errs = append(errs, FieldError{Path: []any{"annotations", MapKey(k)},
				Msg: fmt.Sprintf("annotation %q is set by the policy itself to %q and cannot be changed to %q: choose another profile instead", k, mine, v)})
			continue
		}
		om.Annotations[k] = v
	}
	if len(errs) > 0 {
		return om, errs
	}
	return om, nil
}
