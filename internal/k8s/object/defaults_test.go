package object_test

import (
	"fmt"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/objtest"
)

const hostNetworkDaemonSet = `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: csi-node, namespace: kube-system}
spec:
  template:
    spec:
      hostNetwork: %s
      initContainers:
      - name: init
        image: busybox
        ports: [{containerPort: 7000}]
      containers:
      - name: node
        image: csi
        ports:
        - {containerPort: 9809, name: healthz}
        - {containerPort: 9810, hostPort: 19810}
        - {containerPort: "(sensitive)9811"}
        - {containerPort: "(unknown)"}
      - name: other
        image: x
`

func daemonSet(t *testing.T, hostNetwork string) *object.Object {
	t.Helper()
	return objtest.FromYAML(t, "ds", fmt.Sprintf(hostNetworkDaemonSet, hostNetwork))
}

func TestHostNetworkHostPorts(t *testing.T) {
	o := daemonSet(t, "true")
	src := o.Pod.Spec.Containers // shared with the source: must not be written
	object.ApplyServerDefaults(o)
	c := o.Pod.Spec.Containers[0]
	const base = "spec.template.spec.containers[0].ports"
	if c.Ports[0].HostPort != 9809 || o.Defaulted(base+"[0].hostPort") == "" {
		t.Errorf("port 9809 without hostPort gets hostPort 9809, marked defaulted: %+v %q", c.Ports[0], o.Defaulted(base+"[0].hostPort"))
	}
	if why := o.Defaulted(base + "[0].hostPort"); why != "the API server sets hostPort to containerPort on every port of a hostNetwork pod, so the pods made from this template bind it" {
		t.Errorf("reason %q", why)
	}
	if c.Ports[1].HostPort != 19810 || o.Defaulted(base+"[1].hostPort") != "" {
		t.Errorf("a written hostPort stays as written: %+v", c.Ports[1])
	}
	if c.Ports[2].HostPort != 9811 || !o.Sensitive(base+"[2].hostPort") {
		t.Errorf("copied from a sensitive containerPort: sensitive (%+v)", c.Ports[2])
	}
	if c.Ports[3].HostPort != 0 || !o.Unknown(base+"[3].hostPort") || !o.UnknownWithin(base+"[3]") {
		t.Errorf("copied from an unknown containerPort: unknown (%+v, %v)", c.Ports[3], o.UnknownPaths())
	}
	if paths := o.UnknownPaths(); len(paths) != 2 || paths[0] != base+"[3].containerPort" || paths[1] != base+"[3].hostPort" {
		t.Errorf("unknown paths %v", paths)
	}
	if init := o.Pod.Spec.InitContainers[0]; init.Ports[0].HostPort != 7000 {
		t.Errorf("init containers too: %+v", init.Ports)
	}
	if src[0].Ports[0].HostPort != 0 {
		t.Error("the source's containers were written")
	}
	if o.Defaulted("spec.template.spec.hostNetwork") != "" {
		t.Error("only the defaulted values are marked")
	}

	pod := objtest.FromYAML(t, "pod", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: a, image: b, ports: [{containerPort: 80}]}]\n")
	object.ApplyServerDefaults(pod)
	if why := pod.Defaulted("spec.containers[0].ports[0].hostPort"); why != "the API server sets hostPort to containerPort on every port of a hostNetwork pod" || pod.Pod.Spec.Containers[0].Ports[0].HostPort != 80 {
		t.Errorf("pod: %q %+v", why, pod.Pod.Spec.Containers[0].Ports)
	}
}

func TestNoHostNetworkNoHostPorts(t *testing.T) {
	for _, hn := range []string{"false", `"(unknown)"`} {
		o := daemonSet(t, hn)
		before := o.Marks
		object.ApplyServerDefaults(o)
		if o.Pod.Spec.Containers[0].Ports[0].HostPort != 0 || o.Marks != before {
			t.Errorf("hostNetwork %s: nothing defaulted (%+v)", hn, o.Pod.Spec.Containers[0].Ports)
		}
	}
	// Objects without pods, and nil, are left alone.
	object.ApplyServerDefaults(nil)
	ns := objtest.FromYAML(t, "ns", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
	object.ApplyServerDefaults(ns)
	if ns.Defaulted("metadata.labels") != "" {
		t.Error("namespace")
	}
}
