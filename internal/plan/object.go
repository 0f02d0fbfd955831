package plan

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
)

// Object is one Kubernetes object that a plan will create or keep, typed.
type Object struct {
	// Address is the Terraform address with module path and count/for_each key.
	Address string
	// ResourceType is the Terraform resource type (kubernetes_deployment_v1, kubernetes_manifest, ...).
	ResourceType string
	// Module is the module address ("" for the root module).
	Module string
	// Doc is the document's position in a multi-document attribute (kubectl_manifest), 0 otherwise.
	Doc int
	// ListItem is the object's path in its document when it is an item of a List (kind
	// List, or PodList and the like): "items[3]", "items[0].items[2]"; "" otherwise. The
	// object's own paths (Fields, Workload.SpecPath) are relative to the item; for a
	// kubernetes_manifest, Fields.TFPath includes it ("manifest.items[3].spec...").
	ListItem string

	APIVersion string
	Kind       string
	Namespace  string // "default" when a namespaced object does not set one
	Name       string
	// Annotations are the object's own metadata annotations (inline waivers live there).
	Annotations map[string]string

	// Fields knows which fields are unknown or sensitive and their Terraform paths.
	Fields *Fields

	// Workload is set for pods and the objects that template them.
	Workload *Workload
	// Typed is the object for every other kind: *rbacv1.ClusterRole, *rbacv1.Role,
	// *rbacv1.ClusterRoleBinding, *rbacv1.RoleBinding, *corev1.Namespace,
	// *corev1.LimitRange, *corev1.ResourceQuota, *psp.PodSecurityPolicy, *LabelsPatch, and
	// the kinds of newkinds.go (*corev1.Secret, *corev1.ConfigMap, ...).
	Typed any

	// Opaque explains why the object's content cannot be judged at all (for example a
	// manifest that is entirely unknown until apply); empty when it can be.
	Opaque string

	// Before is set on an object read from a change's prior value (ReaderOptions.Before):
	// the object as it exists now, which the change updates, keeps, replaces or deletes.
	Before bool
}

// Workload is a pod or an object with a pod template.
type Workload struct {
	// Meta is the workload object's own metadata.
	Meta metav1.ObjectMeta
	// Template is the metadata the pods get (for a Pod, its own metadata).
	Template metav1.ObjectMeta
	// Spec is the pod spec.
	Spec corev1.PodSpec
	// SpecPath and TemplatePath are the Kubernetes paths of Spec and Template in the object:
	// "spec.template.spec" and "spec.template.metadata" for a Deployment.
	SpecPath     string
	TemplatePath string
	// ClaimTemplates are a StatefulSet's volume claim templates (spec.volumeClaimTemplates):
	// a claim of each for each of its pods.
	ClaimTemplates []corev1.PersistentVolumeClaim
}

// LabelsPatch is a kubernetes_labels resource: labels added to an object that exists.
type LabelsPatch struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	Labels     map[string]string
}

// Inventory is everything plan-check learnt from a plan.
type Inventory struct {
	Objects         []*Object
	Clusters        []eks.Cluster
	FargateProfiles []eks.FargateProfile
	// Resources counts resource changes that will exist after apply; Judged counts the
	// Kubernetes objects among them.
	Resources int
	// Errored mirrors the plan's errored flag: Terraform could not finish the plan.
	Errored bool
	// Before is what the plan's prior values give (ReaderOptions.Before; nil otherwise):
	// the context objects and EKS facts of every resource the plan updates, keeps, replaces
	// or deletes, as they exist now, and how many such resources there are (Resources).
	// Its objects have Before set.
	Before *Inventory
}

// namespaced reports whether objects of kind live in a namespace.
func namespaced(kind string) bool {
	switch kind {
	case "Namespace", "ClusterRole", "ClusterRoleBinding", "PodSecurityPolicy", "Node",
		"PersistentVolume", "StorageClass", "CustomResourceDefinition", "PriorityClass",
		"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
		"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "RuntimeClass", "CSIDriver",
		eks.AccessPolicyAssociationKind:
		return false
	}
	return true
}
