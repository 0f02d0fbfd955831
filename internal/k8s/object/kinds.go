package object

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	json "github.com/goccy/go-json"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
)

// Kind is one kind ekspodsec understands.
type Kind struct {
	Kind string
	// APIVersion is the version ekspodsec renders and expects (others decode the same).
	APIVersion string
	Namespaced bool
	// Workload kinds carry a pod spec at TemplatePath.
	Workload bool
	// TemplatePath is where the pod template is ("spec.template"; "" for a Pod itself).
	TemplatePath string

	decode func(data []byte) (meta *metav1.ObjectMeta, tmpl *corev1.PodTemplateSpec, typed any, err error)
}

// decodeAs decodes data into a new T and returns it with its metadata.
func decodeAs[T any](data []byte, meta func(*T) *metav1.ObjectMeta, tmpl func(*T) *corev1.PodTemplateSpec) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
	o := new(T)
	if err := json.Unmarshal(data, o); err != nil {
		return nil, nil, nil, err
	}
	var t *corev1.PodTemplateSpec
	if tmpl != nil {
		t = tmpl(o)
	}
	return meta(o), t, o, nil
}

// kinds is the table. Built by a function so nothing global is mutable.
func kinds() []Kind {
	workload := func(kind, apiVersion, tmplPath string, decode func([]byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error)) Kind {
		return Kind{Kind: kind, APIVersion: apiVersion, Namespaced: true, Workload: true, TemplatePath: tmplPath, decode: decode}
	}
	typed := func(kind, apiVersion string, namespaced bool, decode func([]byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error)) Kind {
		return Kind{Kind: kind, APIVersion: apiVersion, Namespaced: namespaced, decode: decode}
	}
	return []Kind{
		workload("Pod", "v1", "", func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *corev1.Pod) *metav1.ObjectMeta { return &o.ObjectMeta },
				func(o *corev1.Pod) *corev1.PodTemplateSpec {
					return &corev1.PodTemplateSpec{ObjectMeta: o.ObjectMeta, Spec: o.Spec}
				})
		}),
		workload("PodTemplate", "v1", "template", func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *corev1.PodTemplate) *metav1.ObjectMeta { return &o.ObjectMeta },
				func(o *corev1.PodTemplate) *corev1.PodTemplateSpec { return &o.Template })
		}),
		workload("Deployment", "apps/v1", "spec.template", func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *appsv1.Deployment) *metav1.ObjectMeta { return &o.ObjectMeta },
				func(o *appsv1.Deployment) *corev1.PodTemplateSpec { return &o.Spec.Template })
		}),
		workload("DaemonSet", "apps/v1", "spec.template", func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *appsv1.DaemonSet) *metav1.ObjectMeta { return &o.ObjectMeta },
				func(o *appsv1.DaemonSet) *corev1.PodTemplateSpec { return &o.Spec.Template })
		}),
		workload("StatefulSet", "apps/v1", "spec.template", func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *appsv1.StatefulSet) *metav1.ObjectMeta { return &o.ObjectMeta },
				func(o *appsv1.StatefulSet) *corev1.PodTemplateSpec { return &o.Spec.Template })
		}),
		workload("ReplicaSet", "apps/v1", "spec.template", func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *appsv1.ReplicaSet) *metav1.ObjectMeta { return &o.ObjectMeta },
				func(o *appsv1.ReplicaSet) *corev1.PodTemplateSpec { return &o.Spec.Template })
		}),
		workload("ReplicationController", "v1", "spec.template", func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *corev1.ReplicationController) *metav1.ObjectMeta { return &o.ObjectMeta },
				func(o *corev1.ReplicationController) *corev1.PodTemplateSpec {
					if o.Spec.Template == nil {
						return &corev1.PodTemplateSpec{}
					}
					return o.Spec.Template
				})
		}),
		workload("Job", "batch/v1", "spec.template", func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *batchv1.Job) *metav1.ObjectMeta { return &o.ObjectMeta },
				func(o *batchv1.Job) *corev1.PodTemplateSpec { return &o.Spec.Template })
		}),
		workload("CronJob", "batch/v1", "spec.jobTemplate.spec.template", func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *batchv1.CronJob) *metav1.ObjectMeta { return &o.ObjectMeta },
				func(o *batchv1.CronJob) *corev1.PodTemplateSpec { return &o.Spec.JobTemplate.Spec.Template })
		}),
		typed("ClusterRole", "rbac.authorization.k8s.io/v1", false, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *rbacv1.ClusterRole) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed("Role", "rbac.authorization.k8s.io/v1", true, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *rbacv1.Role) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", false, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *rbacv1.ClusterRoleBinding) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed("RoleBinding", "rbac.authorization.k8s.io/v1", true, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *rbacv1.RoleBinding) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed("Namespace", "v1", false, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *corev1.Namespace) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed("LimitRange", "v1", true, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *corev1.LimitRange) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed("ResourceQuota", "v1", true, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *corev1.ResourceQuota) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed("ServiceAccount", "v1", true, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *corev1.ServiceAccount) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed(psp.Kind, psp.APIVersion, false, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *psp.PodSecurityPolicy) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed("Secret", "v1", true, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			m, t, o, err := decodeAs(b, func(o *corev1.Secret) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
			if err == nil {
				TrimSecret(o.(*corev1.Secret))
			}
			return m, t, o, err
		}),
		typed("ConfigMap", "v1", true, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			m, t, o, err := decodeAs(b, func(o *corev1.ConfigMap) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
			if err == nil {
				TrimConfigMap(o.(*corev1.ConfigMap))
			}
			return m, t, o, err
		}),
		typed("PersistentVolumeClaim", "v1", true, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *corev1.PersistentVolumeClaim) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed("StorageClass", "storage.k8s.io/v1", false, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *storagev1.StorageClass) *metav1.ObjectMeta { return &o.ObjectMeta }, nil)
		}),
		typed(eks.AccessPolicyAssociationKind, "", false, func(b []byte) (*metav1.ObjectMeta, *corev1.PodTemplateSpec, any, error) {
			return decodeAs(b, func(o *eks.AccessPolicyAssociation) *metav1.ObjectMeta { return &metav1.ObjectMeta{} }, nil)
		}),
	}
}

// TrimSecret drops a Secret's data: no rule reads it, and it should not be held in memory.
func TrimSecret(s *corev1.Secret) { s.Data, s.StringData = nil, nil }

// AWSAuthKeys are the keys of the aws-auth ConfigMap (kube-system) that map IAM principals
// to Kubernetes identities on EKS.
var AWSAuthKeys = []string{"mapRoles", "mapUsers", "mapAccounts"}

// TrimConfigMap drops a ConfigMap's data, except the aws-auth ConfigMap's mappings: no
// rule reads other configuration, and it should not be held in memory.
func TrimConfigMap(c *corev1.ConfigMap) {
	c.BinaryData = nil
	if c.Name != "aws-auth" {
		c.Data = nil
		return
	}
	for k := range c.Data {
		if !slices.Contains(AWSAuthKeys, k) {
			delete(c.Data, k)
		}
	}
}

// Kinds lists the kinds ekspodsec judges, sorted by name.
func Kinds() []Kind {
	out := kinds()
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// Lookup returns the table entry of kind.
func Lookup(kind string) (Kind, bool) {
	for _, k := range kinds() {
		if k.Kind == kind {
			return k, true
		}
	}
	return Kind{}, false
}

// clusterScoped are kinds that live outside namespaces, beyond the table's.
var clusterScoped = map[string]bool{
	"Node": true, "PersistentVolume": true, "StorageClass": true, "CustomResourceDefinition": true,
	"PriorityClass": true, "ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true, "RuntimeClass": true,
	"CSIDriver": true, "IngressClass": true, "APIService": true, "VolumeAttachment": true, "CSINode": true,
}

// Namespaced reports whether objects of kind live in a namespace.
func Namespaced(kind string) bool {
	if k, ok := Lookup(kind); ok {
		return k.Namespaced
	}
	return !clusterScoped[kind]
}

// DecodeError is a decode failure, described without the input's values (which may be
// sensitive): the field and what was expected.
type DecodeError struct {
	Kind string
	// Field is the Kubernetes path of the field that could not be decoded, when known.
	Field string
	// Want says what the field should be ("an integer", "a string").
	Want string
}

func (e *DecodeError) Error() string {
	switch {
	case e.Field != "" && e.Want != "":
		return fmt.Sprintf("reading the %s: %s must be %s", e.Kind, e.Field, e.Want)
	case e.Field != "":
		return fmt.Sprintf("reading the %s: %s has the wrong type", e.Kind, e.Field)
	}
	return fmt.Sprintf("reading the %s: it does not have the shape of a %s", e.Kind, e.Kind)
}

// describe turns a decoder error into a DecodeError that names the field, never the value.
func describe(kind string, err error) error {
	de := &DecodeError{Kind: kind}
	var ute *json.UnmarshalTypeError
	if asType(err, &ute) {
		de.Field = ute.Field
		if ute.Type != nil {
			de.Want = want(ute.Type.String())
		}
	}
	return de
}

func want(goType string) string {
	switch goType {
	case "int", "int32", "int64", "*int32", "*int64":
		return "an integer"
	case "string", "*string":
		return "a string"
	case "bool", "*bool":
		return "a boolean"
	}
	return "of type " + goType
}

func asType(err error, target **json.UnmarshalTypeError) bool { return errors.As(err, target) }

// Decode decodes the JSON of a Kubernetes object of kind into an Object. Kinds ekspodsec
// does not judge give nil, nil — except custom kinds that carry a pod template at
// spec.template (Argo Rollouts, OpenKruise CloneSets, ...), which are judged like a
// Deployment. Unknown fields are ignored: manifests may use fields newer than k8s.io/api.
// The object's Marks and Origin are left for the caller.
func Decode(apiVersion, kind string, data []byte) (*Object, error) {
	o := &Object{APIVersion: apiVersion, Kind: kind}
	var meta *metav1.ObjectMeta
	if k, ok := Lookup(kind); ok {
		m, tmpl, typed, err := k.decode(data)
		if err != nil {
			return nil, describe(kind, err)
		}
		meta = m
		if k.Workload {
			o.Pod = newPod(m, tmpl, k.TemplatePath)
			if ss, ok := typed.(*appsv1.StatefulSet); ok {
				o.Pod.ClaimTemplates = ss.Spec.VolumeClaimTemplates
			}
		} else {
			o.Typed = typed
		}
	} else {
		var custom struct {
			Metadata metav1.ObjectMeta `json:"metadata"`
			Spec     struct {
				Template json.RawMessage `json:"template"`
			} `json:"spec"`
		}
		if err := json.Unmarshal(data, &custom); err != nil {
			return nil, describe(kind, err)
		}
		if len(custom.Spec.Template) == 0 || string(custom.Spec.Template) == "null" {
			return nil, nil
		}
		var tmpl corev1.PodTemplateSpec
		if err := json.Unmarshal(custom.Spec.Template, &tmpl); err != nil {
			return nil, describe(kind, err)
		}
		if len(tmpl.Spec.Containers) == 0 && len(tmpl.Spec.InitContainers) == 0 {
			return nil, nil // a template of something other than pods
		}
		meta = &custom.Metadata
		o.Pod = newPod(meta, &tmpl, "spec.template")
	}
	o.Name, o.Namespace, o.Annotations = meta.Name, meta.Namespace, meta.Annotations
	if o.Name == "" {
		o.Name = meta.GenerateName
	}
	if !Namespaced(kind) {
		o.Namespace = ""
	}
	return o, nil
}

func newPod(meta *metav1.ObjectMeta, tmpl *corev1.PodTemplateSpec, templatePath string) *Pod {
	p := &Pod{Meta: *meta}
	if tmpl != nil {
		p.Template, p.Spec = tmpl.ObjectMeta, tmpl.Spec
	}
	if templatePath == "" {
		p.SpecPath, p.TemplatePath = "spec", "metadata"
	} else {
		p.SpecPath, p.TemplatePath = templatePath+".spec", templatePath+".metadata"
	}
	return p
}
