package advise

import (
	"encoding/json"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// podForm is the Pod the API server receives for a workload: the template's metadata and
// spec, with the defaults that matter for pod security applied — with hostNetwork, a
// container port without hostPort gets its containerPort as hostPort (the API server's
// defaulting of pods; templates keep what was written), requests missing where a limit
// is set take the limit, and the namespace's LimitRanges fill in container defaults.
func podForm(p *object.Pod, limitRanges []*corev1.LimitRange) (metav1.ObjectMeta, corev1.PodSpec) {
	meta := *p.Template.DeepCopy()
	spec := *p.Spec.DeepCopy()
	if spec.HostNetwork {
		defaultHostPorts(spec.InitContainers)
		defaultHostPorts(spec.Containers)
	}
	if spec.ServiceAccountName == "" && spec.DeprecatedServiceAccount != "" {
		spec.ServiceAccountName = spec.DeprecatedServiceAccount
	}
	for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for i := range cs {
			defaultResources(&cs[i], limitRanges)
		}
	}
	return meta, spec
}

func defaultHostPorts(cs []corev1.Container) {
	for i := range cs {
		for j := range cs[i].Ports {
			if cs[i].Ports[j].HostPort == 0 {
				cs[i].Ports[j].HostPort = cs[i].Ports[j].ContainerPort
			}
		}
	}
}

// defaultResources applies the pod defaulting (a missing request takes the limit) and the
// LimitRanger's container defaults (SetDefaults_LimitRangeItem's order: default from max,
// defaultRequest from default, then from min).
func defaultResources(c *corev1.Container, limitRanges []*corev1.LimitRange) {
	for name, q := range c.Resources.Limits {
		if _, ok := c.Resources.Requests[name]; !ok {
			if c.Resources.Requests == nil {
				c.Resources.Requests = corev1.ResourceList{}
			}
			c.Resources.Requests[name] = q.DeepCopy()
		}
	}
	for _, lr := range limitRanges {
		for _, item := range lr.Spec.Limits {
			if item.Type != corev1.LimitTypeContainer {
				continue
			}
			def, defReq := corev1.ResourceList{}, corev1.ResourceList{}
			for k, v := range item.Default {
				def[k] = v.DeepCopy()
			}
			for k, v := range item.DefaultRequest {
				defReq[k] = v.DeepCopy()
			}
			for k, v := range item.Max {
				if _, ok := def[k]; !ok {
					def[k] = v.DeepCopy()
				}
			}
			for k, v := range def {
				if _, ok := defReq[k]; !ok {
					defReq[k] = v.DeepCopy()
				}
			}
			for k, v := range item.Min {
				if _, ok := defReq[k]; !ok {
					defReq[k] = v.DeepCopy()
				}
			}
			fill(&c.Resources.Limits, def)
			fill(&c.Resources.Requests, defReq)
		}
	}
}

func fill(dst *corev1.ResourceList, from corev1.ResourceList) {
	for k, v := range from {
		if _, ok := (*dst)[k]; ok {
			continue
		}
		if *dst == nil {
			*dst = corev1.ResourceList{}
		}
		(*dst)[k] = v.DeepCopy()
	}
}

// serviceAccount is the service account a pod runs as ("default" when none is named).
func serviceAccount(spec *corev1.PodSpec) string {
	switch {
	case spec.ServiceAccountName != "":
		return spec.ServiceAccountName
	case spec.DeprecatedServiceAccount != "":
		return spec.DeprecatedServiceAccount
	}
	return "default"
}

// apiVersionOf is the apiVersion a workload of kind is sent as, when the input does not
// say.
func apiVersionOf(kind string) string {
	if k, ok := object.Lookup(kind); ok {
		return k.APIVersion
	}
	return "apps/v1"
}

// manifests are the objects the API server receives for a workload, as generic maps
// (what a ValidatingAdmissionPolicy reads): the workload object itself, in the shape of
// its kind, and the Pod it makes. A Pod is only itself.
func manifests(w *Workload) ([]map[string]any, error) {
	specs := append([]corev1.PodSpec{w.spec}, w.extra...)
	tmplSpec := *w.templateSpec.DeepCopy()
	if w.AdvisedServiceAccount != "" {
		// judged as it will run: as the service account advised to it
		for i := range specs {
			specs[i] = *specs[i].DeepCopy()
			specs[i].ServiceAccountName, specs[i].DeprecatedServiceAccount = w.AdvisedServiceAccount, ""
		}
		tmplSpec.ServiceAccountName, tmplSpec.DeprecatedServiceAccount = w.AdvisedServiceAccount, ""
	}
	var out []any
	for _, spec := range specs {
		out = append(out, map[string]any{
			"apiVersion": "v1", "kind": "Pod",
			"metadata": podMetadata(w.meta, w.Name+"-pod", w.Namespace),
			"spec":     spec,
		})
	}
	if w.Kind != "Pod" {
		tmpl := map[string]any{"metadata": podMetadata(w.templateMeta, "", ""), "spec": tmplSpec}
		meta := map[string]any{"name": w.Name, "namespace": w.Namespace}
		apiVersion := w.APIVersion
		if apiVersion == "" {
			apiVersion = apiVersionOf(w.Kind)
		}
		obj := map[string]any{"apiVersion": apiVersion, "kind": w.Kind, "metadata": meta}
		switch w.Kind {
		case "CronJob":
			obj["spec"] = map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": tmpl}}}
		case "PodTemplate":
			obj["template"] = tmpl
		default:
			obj["spec"] = map[string]any{"template": tmpl}
		}
		out = append(out, obj)
	}
	var maps []map[string]any
	for _, o := range out {
		b, err := json.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("encoding %s %s: %w", w.Kind, w.Name, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("decoding %s %s: %w", w.Kind, w.Name, err)
		}
		maps = append(maps, m)
	}
	return maps, nil
}

func podMetadata(m metav1.ObjectMeta, name, namespace string) map[string]any {
	out := map[string]any{}
	if name != "" {
		out["name"] = name
	}
	if namespace != "" {
		out["namespace"] = namespace
	}
	if len(m.Labels) > 0 {
		out["labels"] = m.Labels
	}
	if len(m.Annotations) > 0 {
		out["annotations"] = m.Annotations
	}
	return out
}

// dnsLabel turns a name into a DNS label (lower case letters, digits and '-', at most 63),
// for the service account advised to a workload that runs as default.
func dnsLabel(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 63 {
		s = strings.Trim(s[:63], "-")
	}
	if s == "" || s == "default" {
		s = "workload"
	}
	return s
}
