package advise

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// Redacted is printed in place of a value the input marks sensitive.
const Redacted = finding.Redacted

// Levels of the Pod Security Standards, and the level of a workload whose security fields
// are not known yet.
const (
	Restricted   = "restricted"
	Baseline     = "baseline"
	Privileged   = "privileged"
	LevelUnknown = "unknown"
)

// Workload is one workload as advise judges it.
type Workload struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Origin says where the workload comes from: a Terraform address, a file and document,
	// or the cluster object it was read as (a Deployment for the pods of its ReplicaSets).
	Origin string `json:"origin,omitempty"`
	// ServiceAccount is the service account its pods run as.
	ServiceAccount string `json:"service_account"`
	// AdvisedServiceAccount is the service account of its own the workload should run as:
	// it runs as its namespace's default service account and needs exceptions, which are
	// never granted to default.
	AdvisedServiceAccount string `json:"advised_service_account,omitempty"`
	// Level is the strictest Pod Security Standards level its pods pass, or "unknown".
	Level string `json:"level"`
	// Forbidden are the Pod Security Standards checks it fails, by level (baseline,
	// restricted): the pod-security-admission library's reasons and details.
	Forbidden map[string][]Forbidden `json:"forbidden,omitempty"`
	// Needs are what it uses beyond the restricted level that a policy grants one by one.
	Needs Needs `json:"needs"`
	// Unknown lists the security fields not known until apply.
	Unknown []string `json:"unknown_fields,omitempty"`
	// Sensitive lists fields whose value the advice would have to print but may not.
	Sensitive []string `json:"sensitive_fields,omitempty"`

	APIVersion string `json:"-"`
	// meta and spec are the Pod the API server receives; templateMeta and templateSpec
	// the workload's template as written.
	meta, templateMeta metav1.ObjectMeta
	spec, templateSpec corev1.PodSpec
	specPath           string
	obj                *object.Object
	// failing are, per rule, the fields the catalogue's Go checks fail on.
	failing map[string][]string
	// extra are more pod specs observed for the workload (a live cluster's pods), judged
	// with it.
	extra []corev1.PodSpec
}

// Forbidden is one Pod Security Standards check a workload fails.
type Forbidden struct {
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// Needs are a workload's uses of what pod security grants one by one.
type Needs struct {
	HostPaths      []HostPathNeed `json:"host_paths,omitempty"`
	Capabilities   []Need         `json:"capabilities,omitempty"`
	HostPorts      []PortNeed     `json:"host_ports,omitempty"`
	HostNamespaces []Need         `json:"host_namespaces,omitempty"`
	// Privileged lists the privileged containers (Value is the container's name).
	Privileged []Need `json:"privileged,omitempty"`
}

// Need is one value needed and the field that needs it.
type Need struct {
	Value string `json:"value"`
	Field string `json:"field"`
}

// HostPathNeed is one hostPath volume: its path, and whether every mount of it is
// read-only.
type HostPathNeed struct {
	Path     string `json:"path"`
	ReadOnly bool   `json:"read_only"`
	Field    string `json:"field"`
}

// PortNeed is one host port.
type PortNeed struct {
	Port     int32  `json:"port"`
	Protocol string `json:"protocol"`
	Field    string `json:"field"`
}

// Empty reports whether nothing beyond the restricted level's allowances is needed.
func (n Needs) Empty() bool {
	return len(n.HostPaths) == 0 && len(n.Capabilities) == 0 && len(n.HostPorts) == 0 && len(n.HostNamespaces) == 0 && len(n.Privileged) == 0
}

// ID names the workload in messages: "Deployment web/api".
func (w *Workload) ID() string { return w.Kind + " " + w.Namespace + "/" + w.Name }

// evaluator judges pods with k8s.io/pod-security-admission's checks at one version.
type evaluator struct {
	ev      policy.Evaluator
	version api.Version
}

func newEvaluator(version string) (*evaluator, error) {
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, fmt.Errorf("pod security standards evaluator: %w", err)
	}
	v, err := api.ParseVersion(version)
	if err != nil {
		return nil, fmt.Errorf("pod security standards version %s: %w", version, err)
	}
	return &evaluator{ev: ev, version: v}, nil
}

// forbidden evaluates the pod at a level: nil when it passes.
func (e *evaluator) forbidden(level api.Level, meta *metav1.ObjectMeta, spec *corev1.PodSpec, redact bool) []Forbidden {
	agg := policy.AggregateCheckResults(e.ev.EvaluatePod(api.LevelVersion{Level: level, Version: e.version}, meta, spec))
	if agg.Allowed {
		return nil
	}
	out := make([]Forbidden, len(agg.ForbiddenReasons))
	for i, r := range agg.ForbiddenReasons {
		out[i] = Forbidden{Reason: r, Detail: agg.ForbiddenDetails[i]}
		if redact && out[i].Detail != "" {
			out[i].Detail = Redacted
		}
	}
	return out
}

// judge sets the workload's level and forbidden reasons (over its pod and every extra
// pod spec observed).
func (e *evaluator) judge(w *Workload) {
	redact := w.obj.SensitiveWithin(w.specPath) || w.obj.SensitiveWithin(w.obj.Pod.TemplatePath)
	w.Forbidden = map[string][]Forbidden{}
	for _, l := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
		var all []Forbidden
		for _, spec := range append([]corev1.PodSpec{w.spec}, w.extra...) {
			all = appendUnique(all, e.forbidden(l, &w.meta, &spec, redact)...)
		}
		if len(all) > 0 {
			w.Forbidden[string(l)] = all
		}
	}
	switch {
	case len(w.Unknown) > 0:
		w.Level = LevelUnknown
	case len(w.Forbidden[Baseline]) > 0:
		w.Level = Privileged
	case len(w.Forbidden[Restricted]) > 0:
		w.Level = Baseline
	default:
		w.Level = Restricted
	}
	if len(w.Forbidden) == 0 {
		w.Forbidden = nil
	}
}

func appendUnique(list []Forbidden, more ...Forbidden) []Forbidden {
	for _, f := range more {
		dup := false
		for _, g := range list {
			dup = dup || g == f
		}
		if !dup {
			list = append(list, f)
		}
	}
	return list
}

// levelRank orders the levels from the strictest.
func levelRank(l string) int {
	switch l {
	case Restricted:
		return 0
	case Baseline:
		return 1
	case Privileged:
		return 2
	}
	return 3
}

// looser returns the less strict of two levels.
func looser(a, b string) string {
	if levelRank(a) >= levelRank(b) {
		return a
	}
	return b
}

// stricter is the level one step stricter than l (restricted stays restricted).
func stricter(l string) string {
	switch l {
	case Privileged:
		return Baseline
	}
	return Restricted
}

// newWorkload builds the workload of an object with a pod template; limitRanges are its
// namespace's.
func newWorkload(o *object.Object, limitRanges []*corev1.LimitRange) *Workload {
	w := &Workload{
		Kind: o.Kind, APIVersion: o.APIVersion, Namespace: o.Namespace, Name: o.Name, Origin: o.Origin,
		obj: o, specPath: o.Pod.SpecPath, templateMeta: o.Pod.Template, templateSpec: o.Pod.Spec,
	}
	w.meta, w.spec = podForm(o.Pod, limitRanges)
	w.ServiceAccount = serviceAccount(&w.spec)
	w.Unknown = unknownSecurityFields(o)
	for _, p := range []string{"metadata.namespace", "metadata.name", "metadata.generateName", fieldpath.Concat(w.specPath, "serviceAccountName"), fieldpath.Concat(w.specPath, "serviceAccount")} {
		if o.Sensitive(p) {
			w.Sensitive = append(w.Sensitive, p)
		}
	}
	if o.Sensitive("metadata.namespace") {
		w.Namespace = Redacted
	}
	if o.Sensitive("metadata.name") || o.Sensitive("metadata.generateName") {
		w.Name = Redacted
	}
	if o.Sensitive(fieldpath.Concat(w.specPath, "serviceAccountName")) || o.Sensitive(fieldpath.Concat(w.specPath, "serviceAccount")) {
		w.ServiceAccount = Redacted
	}
	w.Needs = w.needsOf(&w.spec, w.specPath)
	return w
}

// addPodSpec judges one more pod spec with the workload (a pod of it seen in a cluster,
// whose spec is at specPath: "pods/web-7d9c.spec").
func (w *Workload) addPodSpec(spec corev1.PodSpec, specPath string) {
	w.extra = append(w.extra, spec)
	more := w.needsOf(&spec, specPath)
	w.Needs = mergeNeeds(w.Needs, more)
}

// unknownSecurityFields lists the unknown paths of the object that can change its pod
// security (names, images and resources cannot).
func unknownSecurityFields(o *object.Object) []string {
	if o.Opaque != "" {
		return []string{"(the whole object: " + o.Opaque + ")"}
	}
	var out []string
	for _, p := range o.UnknownPaths() {
		if p == "metadata.namespace" {
			out = append(out, p)
			continue
		}
		if !strings.HasPrefix(p, o.Pod.SpecPath) && !strings.HasPrefix(p, o.Pod.TemplatePath+".annotations") {
			continue
		}
		switch fieldpath.Leaf(p) {
		case "name", "image", "command", "args", "nodeSelector", "tolerations", "schedulerName", "priorityClassName",
			"resources", "requests", "limits", "cpu", "memory", "env", "envFrom", "imagePullPolicy", "workingDir",
			"terminationGracePeriodSeconds", "affinity", "topologySpreadConstraints", "dnsPolicy", "restartPolicy":
			continue
		}
		out = append(out, p)
	}
	return out
}

// needsOf lists what a pod spec uses beyond the restricted level's allowances.
func (w *Workload) needsOf(spec *corev1.PodSpec, specPath string) Needs {
	var n Needs
	show := func(path, v string) string {
		if w.obj.Sensitive(path) {
			w.addSensitive(path)
			return Redacted
		}
		return v
	}
	p := func(rel string) string { return fieldpath.Concat(specPath, rel) }
	type ref struct {
		c    *corev1.Container
		path string
	}
	var containers []ref
	for i := range spec.InitContainers {
		containers = append(containers, ref{&spec.InitContainers[i], fmt.Sprintf("initContainers[%d]", i)})
	}
	for i := range spec.Containers {
		containers = append(containers, ref{&spec.Containers[i], fmt.Sprintf("containers[%d]", i)})
	}
	for i := range spec.EphemeralContainers {
		containers = append(containers, ref{(*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon), fmt.Sprintf("ephemeralContainers[%d]", i)})
	}
	for i, v := range spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		readOnly := true
		for _, c := range containers {
			for _, m := range c.c.VolumeMounts {
				if m.Name == v.Name && !m.ReadOnly {
					readOnly = false
				}
			}
		}
		field := p(fmt.Sprintf("volumes[%d].hostPath.path", i))
		n.HostPaths = append(n.HostPaths, HostPathNeed{Path: show(field, v.HostPath.Path), ReadOnly: readOnly, Field: field})
	}
	for _, c := range containers {
		sc := c.c.SecurityContext
		if sc == nil {
			continue
		}
		if sc.Privileged != nil && *sc.Privileged {
			field := p(c.path + ".securityContext.privileged")
			n.Privileged = append(n.Privileged, Need{Value: show(p(c.path+".name"), c.c.Name), Field: field})
		}
		if sc.Capabilities != nil {
			for j, capName := range sc.Capabilities.Add {
				if string(capName) == "NET_BIND_SERVICE" {
					continue
				}
				field := p(fmt.Sprintf("%s.securityContext.capabilities.add[%d]", c.path, j))
				n.Capabilities = append(n.Capabilities, Need{Value: show(field, string(capName)), Field: field})
			}
		}
	}
	for _, c := range containers {
		for j, port := range c.c.Ports {
			if port.HostPort == 0 {
				continue
			}
			field := p(fmt.Sprintf("%s.ports[%d].hostPort", c.path, j))
			if w.obj.Sensitive(field) || w.obj.Sensitive(p(fmt.Sprintf("%s.ports[%d].containerPort", c.path, j))) {
				w.addSensitive(field)
				continue // judged (the level), never printed
			}
			proto := string(port.Protocol)
			if proto == "" {
				proto = string(corev1.ProtocolTCP)
			}
			n.HostPorts = append(n.HostPorts, PortNeed{Port: port.HostPort, Protocol: proto, Field: field})
		}
	}
	for _, h := range []struct {
		name string
		on   bool
	}{{"hostNetwork", spec.HostNetwork}, {"hostPID", spec.HostPID}, {"hostIPC", spec.HostIPC}} {
		if h.on {
			n.HostNamespaces = append(n.HostNamespaces, Need{Value: h.name, Field: p(h.name)})
		}
	}
	return n
}

func (w *Workload) addSensitive(p string) {
	for _, s := range w.Sensitive {
		if s == p {
			return
		}
	}
	w.Sensitive = append(w.Sensitive, p)
	sort.Strings(w.Sensitive)
}

// mergeNeeds is the union of two workloads' needs (a host path is read-only only when it
// is in both, or in the one that has it).
func mergeNeeds(a, b Needs) Needs {
	out := a
	for _, hp := range b.HostPaths {
		found := false
		for i := range out.HostPaths {
			if out.HostPaths[i].Path == hp.Path && out.HostPaths[i].Field == hp.Field {
				out.HostPaths[i].ReadOnly = out.HostPaths[i].ReadOnly && hp.ReadOnly
				found = true
			}
		}
		if !found {
			out.HostPaths = append(out.HostPaths, hp)
		}
	}
	out.Capabilities = unionNeeds(out.Capabilities, b.Capabilities)
	out.HostNamespaces = unionNeeds(out.HostNamespaces, b.HostNamespaces)
	out.Privileged = unionNeeds(out.Privileged, b.Privileged)
	for _, p := range b.HostPorts {
		found := false
		for _, q := range out.HostPorts {
			found = found || q == p
		}
		if !found {
			out.HostPorts = append(out.HostPorts, p)
		}
	}
	return out
}

func unionNeeds(a, b []Need) []Need {
	out := a
	for _, n := range b {
		found := false
		for _, m := range out {
			found = found || m == n
		}
		if !found {
			out = append(out, n)
		}
	}
	return out
}

// normalizedCapability is a capability as the data sources take it (upper case, no CAP_).
func normalizedCapability(c string) string {
	n, err := profile.NormalizeCapability(c)
	if err != nil {
		return strings.ToUpper(c)
	}
	return n
}
