// Package object is the typed Kubernetes object that every face of ekspodsec judges: what
// the plan reader, the Helm renderer, YAML files and provider functions produce, and what
// the rule catalogue reads. It holds the one table of the kinds ekspodsec understands
// (kind, apiVersion, namespaced, workload, decoder), and carries for each object what its
// source knows about its fields (unknown until apply, sensitive) through Marks.
//
// Paths are Kubernetes JSON field paths relative to the object
// ("spec.template.spec.containers[0].securityContext.privileged"); map keys that are not
// identifiers are quoted (`metadata.labels["app.kubernetes.io/name"]`), see fieldpath.
package object

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Marks is what the source of an object knows about its fields. A plan implements it with
// after_unknown / after_sensitive; an object read from YAML has no marks (NoMarks).
type Marks interface {
	// Unknown reports whether the value at path, or an object or list that contains it, is
	// not known until apply.
	Unknown(path string) bool
	// UnknownWithin reports whether anything at, above or below path is unknown.
	UnknownWithin(path string) bool
	// UnknownPaths lists every unknown path, sorted.
	UnknownPaths() []string
	// Sensitive reports whether the value at path, or an object or list that contains it,
	// is sensitive: judged, never printed.
	Sensitive(path string) bool
	// SensitiveWithin reports whether anything at, above or below path is sensitive.
	SensitiveWithin(path string) bool
	// Defaulted says, for a value the user did not write but that will be sent or set
	// anyway, who sets it and why ("the kubernetes provider sends true whenever a
	// security_context block is present"); "" when the value was written (or is unset).
	Defaulted(path string) string
}

// NoMarks is the Marks of an object whose every field is known and nothing is sensitive.
type NoMarks struct{}

func (NoMarks) Unknown(string) bool         { return false }
func (NoMarks) UnknownWithin(string) bool   { return false }
func (NoMarks) UnknownPaths() []string      { return nil }
func (NoMarks) Sensitive(string) bool       { return false }
func (NoMarks) SensitiveWithin(string) bool { return false }
func (NoMarks) Defaulted(string) string     { return "" }

// Object is one Kubernetes object, typed.
type Object struct {
	APIVersion string
	Kind       string
	// Namespace is "default" when a namespaced object sets none (and its namespace is
	// known), "" for cluster-scoped kinds.
	Namespace string
	// Name is the object's name, or its generateName when it has none.
	Name string
	// Annotations are the object's own metadata annotations (inline waivers live there).
	Annotations map[string]string

	// Pod is set for pods and the objects that template them.
	Pod *Pod
	// Typed is the object for every other kind: *rbacv1.ClusterRole, *rbacv1.Role,
	// *rbacv1.ClusterRoleBinding, *rbacv1.RoleBinding, *corev1.Namespace,
	// *corev1.LimitRange, *corev1.ResourceQuota, *corev1.ServiceAccount,
	// *psp.PodSecurityPolicy, *LabelsPatch, *corev1.Secret (without its data),
	// *corev1.ConfigMap (without data but aws-auth's mappings), *corev1.PersistentVolumeClaim,
	// *storagev1.StorageClass, *eks.AccessPolicyAssociation.
	Typed any

	// Opaque explains why the object's content cannot be judged at all (a manifest that
	// is entirely unknown until apply); empty when it can be.
	Opaque string

	// Marks says which fields are unknown or sensitive; nil means none are.
	Marks Marks
	// Origin names where the object comes from, for messages that refer to it from another
	// object ("kubernetes_role_v1.reader"); may be empty.
	Origin string
	// Dialect is the shape the user wrote the object in: Typed for the kubernetes
	// provider's kubernetes_* resources (snake_case blocks, provider defaults), "" for
	// Kubernetes' own shape (kubernetes_manifest, kubectl_manifest, charts, YAML).
	Dialect Dialect
}

// Dialect is the shape an object was written in.
type Dialect string

// Typed is the kubernetes provider's typed resources (kubernetes_deployment_v1, ...).
const Typed Dialect = "typed"

// Pod is a pod spec with the metadata its pods get.
type Pod struct {
	// Meta is the workload object's own metadata.
	Meta metav1.ObjectMeta
	// Template is the metadata the pods get (for a Pod, its own metadata).
	Template metav1.ObjectMeta
	// Spec is the pod spec.
	Spec corev1.PodSpec
	// SpecPath and TemplatePath are the paths of Spec and Template in the object:
	// "spec.template.spec" and "spec.template.metadata" for a Deployment.
	SpecPath     string
	TemplatePath string
	// ClaimTemplates are a StatefulSet's volume claim templates
	// (spec.volumeClaimTemplates): a claim of each for each of its pods.
	ClaimTemplates []corev1.PersistentVolumeClaim
}

// LabelsPatch is labels added to an object that exists (the kubernetes provider's
// kubernetes_labels resource).
type LabelsPatch struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	Labels     map[string]string
}

// marks returns the object's marks, never nil.
func (o *Object) marks() Marks {
	if o == nil || o.Marks == nil {
		return NoMarks{}
	}
	return o.Marks
}

// Unknown reports whether the field at path is unknown until apply.
func (o *Object) Unknown(path string) bool { return o.marks().Unknown(path) }

// UnknownWithin reports whether anything at, above or below path is unknown.
func (o *Object) UnknownWithin(path string) bool { return o.marks().UnknownWithin(path) }

// UnknownPaths lists the object's unknown paths.
func (o *Object) UnknownPaths() []string { return o.marks().UnknownPaths() }

// Sensitive reports whether the field at path is sensitive.
func (o *Object) Sensitive(path string) bool { return o.marks().Sensitive(path) }

// SensitiveWithin reports whether anything at, above or below path is sensitive.
func (o *Object) SensitiveWithin(path string) bool { return o.marks().SensitiveWithin(path) }

// Defaulted says who sets the value at path when the user did not write it ("" when the
// user wrote it).
func (o *Object) Defaulted(path string) string { return o.marks().Defaulted(path) }
