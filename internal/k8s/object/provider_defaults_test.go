package object_test

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/objtest"
)

const nonRootDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: apps}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: POD}
      initContainers:
      - {name: init, image: busybox, securityContext: {privileged: false}}
      containers:
      - {name: app, image: api, securityContext: {allowPrivilegeEscalation: false}}
      - {name: written, image: api, securityContext: {runAsNonRoot: true}}
      - {name: unknown, image: api, securityContext: {runAsNonRoot: "(unknown)"}}
      - {name: bare, image: api}
`

func TestProviderSendsRunAsNonRootFalse(t *testing.T) {
	typed := func(pod string) *object.Object {
		o := objtest.FromYAML(t, "kubernetes_deployment_v1.api", strings.Replace(nonRootDeployment, "POD", pod, 1))
		o.Dialect = object.Typed
		return o
	}
	o := typed("true")
	src := o.Pod.Spec.Containers // shared with the source: must not be written
	object.ApplyProviderDefaults(o)
	spec := o.Pod.Spec
	const base = "spec.template.spec."
	for _, c := range []struct {
		path string
		got  *bool
		sent bool
	}{
		{"initContainers[0]", spec.InitContainers[0].SecurityContext.RunAsNonRoot, true},
		{"containers[0]", spec.Containers[0].SecurityContext.RunAsNonRoot, true},
		{"containers[1]", spec.Containers[1].SecurityContext.RunAsNonRoot, false},
		{"containers[2]", spec.Containers[2].SecurityContext.RunAsNonRoot, false},
	} {
		why := o.Defaulted(base + c.path + ".securityContext.runAsNonRoot")
		switch {
		case c.sent && (c.got == nil || *c.got || why != object.RunAsNonRootSent):
			t.Errorf("%s: runAsNonRoot %v (%q), want false sent by the provider", c.path, c.got, why)
		case !c.sent && why != "":
			t.Errorf("%s: %q, but it is written or unknown", c.path, why)
		}
	}
	if !o.Unknown(base + "containers[2].securityContext.runAsNonRoot") {
		t.Error("an unknown runAsNonRoot stays unknown")
	}
	if spec.Containers[3].SecurityContext != nil {
		t.Error("a container without a security_context block gets none")
	}
	if src[0].SecurityContext.RunAsNonRoot != nil {
		t.Error("the source's containers were written")
	}
	// Without the pod's true nothing changes; nor for a manifest.
	for name, o := range map[string]*object.Object{"pod false": typed("false"), "pod unknown": typed(`"(unknown)"`),
		"manifest": objtest.FromYAML(t, "kubernetes_manifest.api", strings.Replace(nonRootDeployment, "POD", "true", 1))} {
		object.ApplyProviderDefaults(o)
		if o.Pod.Spec.Containers[0].SecurityContext.RunAsNonRoot != nil {
			t.Errorf("%s: runAsNonRoot set", name)
		}
	}
	object.ApplyProviderDefaults(nil)
}
