// Package render turns the hardening profile into Kubernetes objects (typed k8s.io/api
// objects, and the local PodSecurityPolicy type) and encodes them deterministically as
// YAML, JSON and Terraform values. One file per object family.
package render

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Meta is what every rendered object takes from the user: extra labels and annotations.
type Meta struct {
	Labels      map[string]string
	Annotations map[string]string
}

// ManagedByLabel marks every rendered object.
const ManagedByLabel = "app.kubernetes.io/managed-by"

// objectMeta builds metadata with the user's labels and annotations merged over the
// renderer's own (reserved keys: the renderer's win, and the clash is an error).
func objectMeta(name, namespace string, m Meta, own map[string]string) (metav1.ObjectMeta, error) {
	om := metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: map[string]string{ManagedByLabel: "ekspodsec"}}
	for k, v := range m.Labels {
		om.Labels[k] = v
	}
	if len(own)+len(m.Annotations) > 0 {
		om.Annotations = map[string]string{}
	}
	for k, v := range own {
		om.Annotations[k] = v
	}
	var clash []string
	for k, v := range m.Annotations {
		if _, reserved := own[k]; reserved && own[k] != v {
			clash = append(clash, k)
			continue
		}
		om.Annotations[k] = v
	}
	if len(clash) > 0 {
		sort.Strings(clash)
		return om, fmt.Errorf("annotation %s is set by the policy itself and cannot be overridden", strings.Join(clash, ", "))
	}
	return om, nil
}
