package rules

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// createdNamespace returns the Namespace an object is, with the labels it will have after
// apply (its own plus kubernetes_labels patches in the plan).
func createdNamespace(in *ObjectInput) (*corev1.Namespace, map[string]string, bool) {
	ns, ok := in.Obj.Typed.(*corev1.Namespace)
	if !ok {
		return nil, nil, false
	}
	labels := map[string]string{}
	for k, v := range ns.Labels {
		labels[k] = v
	}
	for _, o := range in.Ctx.NamespaceLabels[ns.Name] {
		for k, v := range o.Typed.(*object.LabelsPatch).Labels {
			labels[k] = v
		}
	}
	return ns, labels, true
}

// namespaceNameUnknown reports whether the namespace's own name is unknown.
func namespaceNameUnknown(in *ObjectInput) bool {
	return in.Unknown("metadata.name") || in.Unknown("metadata.generateName")
}

// nsDisplay names a created namespace for messages: "apps", or "team-<generated>" for a
// generate_name namespace, never a sensitive name.
func nsDisplay(in *ObjectInput, ns *corev1.Namespace) string {
	if ns.Name == "" && ns.GenerateName != "" {
		return in.Show("metadata.generateName", ns.GenerateName+"<generated>")
	}
	return in.Show("metadata.name", ns.Name)
}
