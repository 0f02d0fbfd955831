package plantest

import (
	"fmt"
	"strings"
)

// The generators below build the pathological shapes of a hostile plan at any size, for
// the benchmarks that prove the reader linear and for memory measurements: committed
// files would be megabytes, generated ones cost nothing.

// KubectlDocuments is a plan with one kubectl_manifest whose yaml_body holds n Pod
// documents (the last privileged).
func KubectlDocuments(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		priv := "false"
		if i == n-1 {
			priv = "true"
		}
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: apps}\nspec:\n  containers:\n  - {name: app, image: nginx, securityContext: {privileged: %s}}\n", i, priv)
	}
	return Plan(Resource{
		Address: "kubectl_manifest.docs", Type: "kubectl_manifest", Name: "docs",
		After: map[string]any{"yaml_body": b.String()},
	})
}

// KubectlManifests is a plan of n kubectl_manifest resources of one Pod document each.
func KubectlManifests(n int) []byte {
	rs := make([]Resource, n)
	for i := range rs {
		rs[i] = Resource{
			Address: fmt.Sprintf("kubectl_manifest.pod[%d]", i), Type: "kubectl_manifest", Name: "pod", Index: i,
			After: map[string]any{"yaml_body": fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: apps}\nspec:\n  containers:\n  - {name: app, image: nginx}\n", i)},
		}
	}
	return Plan(rs...)
}

// ManifestContainers is a kubernetes_manifest Pod with n containers (manifest and object
// both written, as the provider does).
func ManifestContainers(n int) []byte {
	cs := make([]any, n)
	for i := range cs {
		cs[i] = map[string]any{"name": fmt.Sprintf("c%d", i), "image": "nginx"}
	}
	m := map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "big", "namespace": "apps"}, "spec": map[string]any{"containers": cs}}
	return Plan(Resource{
		Address: "kubernetes_manifest.big", Type: "kubernetes_manifest", Name: "big",
		After:        map[string]any{"manifest": m, "object": m},
		AfterUnknown: map[string]any{"object": map[string]any{}},
	})
}

// typedPodChange is a kubernetes_pod_v1 whose one container gets extra attributes.
func typedPod(address string, container map[string]any, metadata map[string]any, unk, sens map[string]any) Resource {
	c := map[string]any{"name": "app", "image": "nginx"}
	for k, v := range container {
		c[k] = v
	}
	md := map[string]any{"name": "p", "namespace": "apps"}
	for k, v := range metadata {
		md[k] = v
	}
	typ, name := splitAddress(address)
	return Resource{
		Address: address, Type: typ, Name: name,
		After:          map[string]any{"metadata": []any{md}, "spec": []any{map[string]any{"container": []any{c}}}},
		AfterUnknown:   unk,
		AfterSensitive: sens,
	}
}

// TypedPodContainers is a kubernetes_pod_v1 with n containers, each with a
// security_context block.
func TypedPodContainers(n int) []byte {
	cs := make([]any, n)
	for i := range cs {
		cs[i] = map[string]any{"name": fmt.Sprintf("c%d", i), "image": "nginx", "security_context": []any{map[string]any{"privileged": false}}}
	}
	return Plan(Resource{
		Address: "kubernetes_pod_v1.big", Type: "kubernetes_pod_v1", Name: "big",
		After: map[string]any{"metadata": []any{map[string]any{"name": "big", "namespace": "apps"}}, "spec": []any{map[string]any{"container": cs}}},
	})
}

// ContainerArgs is a kubernetes_pod_v1 whose container has n args, every one of them
// carrying an after_unknown and an after_sensitive mark (false but the last, which is
// sensitive): the marks are read element by element.
func ContainerArgs(n int) []byte {
	args, unk, sens := make([]any, n), make([]any, n), make([]any, n)
	for i := range args {
		args[i], unk[i], sens[i] = fmt.Sprintf("--flag-%d", i), false, false
	}
	sens[n-1] = true
	mark := func(v []any) map[string]any {
		return map[string]any{"spec": []any{map[string]any{"container": []any{map[string]any{"args": v}}}}}
	}
	return Plan(typedPod("kubernetes_pod_v1.args", map[string]any{"args": args}, nil, mark(unk), mark(sens)))
}

// SensitiveLabels is a kubernetes_pod_v1 with n labels, each marked sensitive.
func SensitiveLabels(n int) []byte {
	labels, sens := map[string]any{}, map[string]any{}
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("label-%d", i)
		labels[k], sens[k] = fmt.Sprintf("value-%d", i), true
	}
	return Plan(typedPod("kubernetes_pod_v1.labels", nil, map[string]any{"labels": labels}, nil,
		map[string]any{"metadata": []any{map[string]any{"labels": sens}}}))
}

// UnknownEnv is a kubernetes_manifest Pod whose container has n env entries, each with an
// unknown value.
func UnknownEnv(n int) []byte {
	env := make([]any, n)
	for i := range env {
		env[i] = map[string]any{"name": fmt.Sprintf("E%d", i), "value": Unknown}
	}
	doc := map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "env"},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "app", "image": "nginx", "env": env}}}}
	after, unk, _ := split(doc)
	return Plan(Resource{
		Address: "kubernetes_manifest.env", Type: "kubernetes_manifest", Name: "env",
		After:        map[string]any{"manifest": after},
		AfterUnknown: map[string]any{"manifest": orEmpty(unk), "object": true},
	})
}
