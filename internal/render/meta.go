// Package render turns the hardening profile into Kubernetes objects (typed k8s.io/api
// objects, and the local PodSecurityPolicy type) and encodes them deterministically as
// generic maps, YAML and JSON. One file per object family. It knows nothing of Terraform:
// its errors name fields in its own vocabulary (FieldError paths), which the provider maps
// onto attribute paths and the CLI onto flags, and the provider builds Terraform values.
package render

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// Meta is what every rendered object takes from the user: extra labels and annotations.
type Meta struct {
	Labels      map[string]string
	Annotations map[string]string
}

// objectMeta builds metadata with the user's labels and annotations merged with the
// renderer's own annotations. A user annotation that would change one of the renderer's
// own (the policy's seccomp and AppArmor annotations) is an error on that key.
//
// Label keys and values, and annotation keys, are checked as the API server checks them
// (errors on labels[key] and annotations[key]), so every data source and the CLI refuse
// the same metadata.
func objectMeta(name, namespace string, m Meta, own map[string]string) (metav1.ObjectMeta, error) {
	om := metav1.ObjectMeta{Name: name, Namespace: namespace}
	var errs FieldErrors
	if len(m.Labels) > 0 {
		om.Labels = make(map[string]string, len(m.Labels))
		for _, k := range sortedKeys(m.Labels) {
			v := m.Labels[k]
			if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
				errs = append(errs, FieldError{Path: []any{"labels", MapKey(k)}, Msg: fmt.Sprintf("label key %s is not valid: %s", profile.Quote(k), strings.Join(msgs, "; "))})
			}
			if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
				errs = append(errs, FieldError{Path: []any{"labels", MapKey(k)}, Msg: fmt.Sprintf("label value %s is not valid: %s", profile.Quote(v), strings.Join(msgs, "; "))})
			}
			om.Labels[k] = v
		}
	}
	if len(own)+len(m.Annotations) > 0 {
		om.Annotations = make(map[string]string, len(own)+len(m.Annotations))
	}
	for k, v := range own {
		om.Annotations[k] = v
	}
	size := 0
	for _, k := range sortedKeys(m.Annotations) {
		v := m.Annotations[k]
		size += len(k) + len(v)
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			errs = append(errs, FieldError{Path: []any{"annotations", MapKey(k)}, Msg: fmt.Sprintf("annotation key %s is not valid: %s", profile.Quote(k), strings.Join(msgs, "; "))})
			continue
		}
		if mine, reserved := own[k]; reserved && mine != v {
			errs = append(errs, FieldError{Path: []any{"annotations", MapKey(k)},
				Msg: fmt.Sprintf("annotation %q is set by the policy itself to %q and cannot be changed to %s: choose another profile instead", k, mine, profile.Quote(v))})
			continue
		}
		om.Annotations[k] = v
	}
	if size > maxAnnotationBytes {
		errs = append(errs, FieldError{Path: []any{"annotations"}, Msg: fmt.Sprintf("annotations total %d bytes: Kubernetes takes at most %d (256 KiB) per object", size, maxAnnotationBytes)})
	}
	if len(errs) > 0 {
		return om, errs
	}
	return om, nil
}

// maxAnnotationBytes is the API server's limit on an object's annotations (keys and values).
const maxAnnotationBytes = 256 << 10

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
