package object

import (
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
)

// This file applies the API server's defaulting (k8s.io/kubernetes pkg/apis/core/v1,
// SetDefaults_*) where it changes what a rule decides, so that every object is judged as
// it will be stored and run, whatever it was read from (a plan, a chart, YAML).
//
// Applied:
//   - SetDefaults_Pod, defaultHostNetworkPorts: on a pod with hostNetwork, every port of
//     a container or init container without a hostPort gets hostPort = containerPort
//     (EPS011). Since Kubernetes 1.28 pod templates are no longer defaulted
//     (DefaultHostNetworkHostPortsInPodTemplates), but the pods a workload creates from
//     its template are, so templates get it too, with a reason that says so.
//
// Considered and modelled elsewhere, or left out because no rule's verdict depends on
// them:
//   - SetDefaults_Pod, limits copied into missing requests: modelled once where requests
//     are read (rules' hasResource for EPS014/EPS015, eks.PodRequest for Fargate sizing),
//     not copied here: the rules' messages already say that a limit counts as a request.
//   - SetDefaults_LimitRangeItem (default limit <- max, default request <- default limit,
//     else min): modelled in rules.Context.LimitRangeDefaults.
//   - pod-level resources (defaultPodRequests/defaultPodLimits, feature PodLevelResources):
//     pod-level limits already cover a container (rules' podLevelCovers).
//   - SetDefaults_PodSpec (securityContext = {}, dnsPolicy, restartPolicy,
//     schedulerName, terminationGracePeriodSeconds), SetDefaults_Container
//     (imagePullPolicy, terminationMessage*), port protocol TCP, probes, HTTPGet,
//     volume modes (secret, configMap, downwardAPI, projected), hostPath type "",
//     serviceAccountToken expiration, enableServiceLinks, SetDefaults_Namespace (the
//     kubernetes.io/metadata.name label), SetDefaults_ReplicationController (selector and
//     labels from the template), SetDefaults_Secret (type Opaque), and rbac/v1's API
//     groups of roleRef and subjects: no rule's verdict changes with them.
//   - SetDefaults_Volume (a volume without a source becomes emptyDir): not applied,
//     because the plan reader drops volume sources it does not read, so "no source" there
//     does not mean that none was written.

// hostPortReason is why a hostPort is set that the object does not write.
const (
	hostPortPod      = "the API server sets hostPort to containerPort on every port of a hostNetwork pod"
	hostPortTemplate = "the API server sets hostPort to containerPort on every port of a hostNetwork pod, so the pods made from this template bind it"
)

// ApplyServerDefaults sets on o the values the API server defaults that change a rule's
// verdict (see above), each marked through o's Marks: Defaulted says who set it and why,
// and a defaulted value is unknown or sensitive when the value it is copied from is.
// Call it once per object, before judging it.
func ApplyServerDefaults(o *Object) {
	if o == nil || o.Pod == nil || o.Opaque != "" {
		return
	}
	p := o.Pod
	if !p.Spec.HostNetwork || o.Unknown(fieldpath.Join(p.SpecPath, "hostNetwork")) {
		return
	}
	why := hostPortTemplate
	if p.SpecPath == "spec" {
		why = hostPortPod
	}
	var d *serverDefaults
	lists := []struct {
		name string
		cs   *[]corev1.Container
	}{{"containers", &p.Spec.Containers}, {"initContainers", &p.Spec.InitContainers}}
	for _, l := range lists {
		cloned := false
		for i := range *l.cs {
			portsCloned := false
			for j := range (*l.cs)[i].Ports {
				port := (*l.cs)[i].Ports[j]
				if port.HostPort != 0 {
					continue
				}
				at := fieldpath.Index(fieldpath.Join(fieldpath.Index(fieldpath.Join(p.SpecPath, l.name), i), "ports"), j)
				hostPort, containerPort := fieldpath.Join(at, "hostPort"), fieldpath.Join(at, "containerPort")
				if o.Unknown(hostPort) {
					continue
				}
				unknown := o.Unknown(containerPort)
				if port.ContainerPort == 0 && !unknown {
					continue
				}
				if d == nil {
					d = &serverDefaults{Marks: o.marks(), defaulted: map[string]string{}}
				}
				if unknown {
					// Some port will be bound on the node, which one is not known.
					d.unknown = setPath(d.unknown, hostPort)
					continue
				}
				// The spec may share its slices with its source: copy before writing.
				if !cloned {
					*l.cs, cloned = slices.Clone(*l.cs), true
				}
				if !portsCloned {
					(*l.cs)[i].Ports, portsCloned = slices.Clone((*l.cs)[i].Ports), true
				}
				(*l.cs)[i].Ports[j].HostPort = port.ContainerPort
				d.defaulted[hostPort] = why
				if o.Sensitive(containerPort) {
					d.sensitive = setPath(d.sensitive, hostPort)
				}
			}
		}
	}
	if d != nil {
		o.Marks = d
	}
}

// setPath adds p to set, making the set when it has none.
func setPath(set map[string]bool, p string) map[string]bool {
	if set == nil {
		set = map[string]bool{}
	}
	set[p] = true
	return set
}

// serverDefaults are an object's marks with the values the API server defaults added.
type serverDefaults struct {
	Marks
	defaulted map[string]string
	// unknown and sensitive are the defaulted values copied from unknown or sensitive ones.
	unknown, sensitive map[string]bool
}

// Defaulted implements Marks.
func (m *serverDefaults) Defaulted(p string) string {
	if why, ok := m.defaulted[p]; ok {
		return why
	}
	return m.Marks.Defaulted(p)
}

// Unknown implements Marks.
func (m *serverDefaults) Unknown(p string) bool {
	return m.Marks.Unknown(p) || selfOrAncestor(m.unknown, p)
}

// UnknownWithin implements Marks.
func (m *serverDefaults) UnknownWithin(p string) bool {
	return m.Marks.UnknownWithin(p) || within(m.unknown, p)
}

// UnknownPaths implements Marks.
func (m *serverDefaults) UnknownPaths() []string {
	out := m.Marks.UnknownPaths()
	if len(m.unknown) == 0 {
		return out
	}
	out = slices.Clone(out)
	for p := range m.unknown {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// Sensitive implements Marks.
func (m *serverDefaults) Sensitive(p string) bool {
	return m.Marks.Sensitive(p) || selfOrAncestor(m.sensitive, p)
}

// SensitiveWithin implements Marks.
func (m *serverDefaults) SensitiveWithin(p string) bool {
	return m.Marks.SensitiveWithin(p) || within(m.sensitive, p)
}
