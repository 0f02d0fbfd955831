package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// family is how one Terraform resource type of the kubernetes provider maps to a Kind.
type family struct {
	apiVersion string
	kind       string
	root       *spec
}

// Reader turns a plan's resource changes into typed objects. Build it with NewReader; it
// holds the provider schema table (built once) and nothing that changes while reading.
type Reader struct {
	families map[string]family
}

// NewReader builds the adapters.
func NewReader() *Reader {
	pod, templated, cron := podResource().finish(), templatedResource().finish(), cronJobResource().finish()
	cr, role := roleResource(false).finish(), roleResource(true).finish()
	crb, rb := bindingResource(false).finish(), bindingResource(true).finish()
	ns, lr, rq := namespaceResource().finish(), limitRangeResource().finish(), resourceQuotaResource().finish()
	labels, sa := labelsResource().finish(), serviceAccountResource().finish()

	f := map[string]family{}
	add := func(fam family, types ...string) {
		for _, t := range types {
			f[t] = fam
		}
	}
	add(family{"v1", "Pod", pod}, "kubernetes_pod", "kubernetes_pod_v1")
	add(family{"apps/v1", "Deployment", templated}, "kubernetes_deployment", "kubernetes_deployment_v1")
	add(family{"apps/v1", "DaemonSet", templated}, "kubernetes_daemonset", "kubernetes_daemon_set_v1")
	add(family{"apps/v1", "StatefulSet", templated}, "kubernetes_stateful_set", "kubernetes_stateful_set_v1")
	add(family{"v1", "ReplicationController", templated}, "kubernetes_replication_controller", "kubernetes_replication_controller_v1")
	add(family{"batch/v1", "Job", templated}, "kubernetes_job", "kubernetes_job_v1")
	add(family{"batch/v1", "CronJob", cron}, "kubernetes_cron_job", "kubernetes_cron_job_v1")
	add(family{"rbac.authorization.k8s.io/v1", "ClusterRole", cr}, "kubernetes_cluster_role", "kubernetes_cluster_role_v1")
	add(family{"rbac.authorization.k8s.io/v1", "Role", role}, "kubernetes_role", "kubernetes_role_v1")
	add(family{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", crb}, "kubernetes_cluster_role_binding", "kubernetes_cluster_role_binding_v1")
	add(family{"rbac.authorization.k8s.io/v1", "RoleBinding", rb}, "kubernetes_role_binding", "kubernetes_role_binding_v1")
	add(family{"v1", "Namespace", ns}, "kubernetes_namespace", "kubernetes_namespace_v1")
	add(family{"v1", "LimitRange", lr}, "kubernetes_limit_range", "kubernetes_limit_range_v1")
	add(family{"v1", "ResourceQuota", rq}, "kubernetes_resource_quota", "kubernetes_resource_quota_v1")
	add(family{"v1", "ServiceAccount", sa}, "kubernetes_service_account", "kubernetes_service_account_v1")
	add(family{"", labelsKind, labels}, "kubernetes_labels")
	return &Reader{families: f}
}

// workload reports whether the family's objects carry a pod spec.
func (f family) workload() bool {
	switch f.kind {
	case "Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicationController", "Job", "CronJob":
		return true
	}
	return false
}

// readState is one Read's scratch memory: the tapes are reused from resource to resource.
type readState struct {
	*Reader
	tape tape
}

// labelsKind marks the kubernetes_labels family, which patches another object.
const labelsKind = "*labels"

// Supported lists the resource types plan-check reads, sorted.
func (r *Reader) Supported() []string {
	out := []string{"kubernetes_manifest", "kubectl_manifest", "aws_eks_cluster", "aws_eks_fargate_profile"}
	for t := range r.families {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Read adapts every resource that will exist after apply into one Inventory.
func (r *Reader) Read(p *Plan) (*Inventory, error) {
	inv, pending, err := r.ReadContext(p)
	if err != nil {
		return nil, err
	}
	err = pending.Each(func(o *Object) error {
		inv.Objects = append(inv.Objects, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// ReadContext is the first of two passes over the plan. It adapts every resource but the
// typed workloads (pods and objects with pod templates), which are by far the most
// numerous and largest: those it only counts, and leaves to Pending.Each, so that a
// caller can judge them one at a time against the whole plan's context without holding
// them all in memory.
func (r *Reader) ReadContext(p *Plan) (*Inventory, *Pending, error) {
	inv := &Inventory{Errored: p.Errored}
	pending := &Pending{state: &readState{Reader: r}, plan: p, configs: indexConfig(p.Config)}
	for i, raw := range p.changes {
		h, err := peekChange(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("resource_changes[%d]: %w", i, err)
		}
		if !h.willExist() {
			continue
		}
		inv.Resources++
		if fam, ok := r.families[h.typ]; ok && fam.workload() {
			pending.changes = append(pending.changes, i)
			continue
		}
		if !r.reads(h.typ) {
			continue
		}
		rc, err := pending.decode(i)
		if err != nil {
			return nil, nil, err
		}
		if err := pending.state.adapt(rc, pending.configs, func(o *Object) error {
			inv.Objects = append(inv.Objects, o)
			return nil
		}, inv); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", rc.Address, err)
		}
	}
	return inv, pending, nil
}

// Pending is the second pass: the typed workloads ReadContext left.
type Pending struct {
	state   *readState
	plan    *Plan
	configs map[string]*tfjson.ConfigResource
	changes []int
}

// Len is the number of workloads left to read.
func (p *Pending) Len() int { return len(p.changes) }

// Each adapts the workloads one at a time and calls fn with each.
func (p *Pending) Each(fn func(*Object) error) error {
	for _, i := range p.changes {
		rc, err := p.decode(i)
		if err != nil {
			return err
		}
		if err := p.state.adapt(rc, p.configs, fn, nil); err != nil {
			return fmt.Errorf("%s: %w", rc.Address, err)
		}
	}
	return nil
}

func (p *Pending) decode(i int) (*Change, error) {
	t := &p.state.tape
	if err := t.parse(p.plan.changes[i]); err != nil {
		return nil, fmt.Errorf("resource_changes[%d]: %w", i, err)
	}
	rc, err := decodeChange(t)
	if err != nil {
		return nil, fmt.Errorf("resource_changes[%d]: %w", i, err)
	}
	return rc, nil
}

// reads reports whether plan-check reads resources of type t.
func (r *Reader) reads(t string) bool {
	if _, ok := r.families[t]; ok {
		return true
	}
	switch t {
	case "kubernetes_manifest", "kubectl_manifest", "aws_eks_cluster", "aws_eks_fargate_profile":
		return true
	}
	return false
}

func (r *readState) adapt(rc *Change, configs map[string]*tfjson.ConfigResource, emit func(*Object) error, inv *Inventory) error {
	base := Object{Address: rc.Address, ResourceType: rc.Type, Module: rc.ModuleAddress}
	if fam, ok := r.families[rc.Type]; ok {
		cfg := cfgBlock{}
		if cr := configs[configKey(rc.ModuleAddress, rc.Type, rc.Name)]; cr != nil {
			cfg = cfgBlock{m: cr.Expressions, ok: true}
		}
		obj, err := typedObject(rc, fam, cfg, base)
		if err != nil || obj == nil {
			return err
		}
		return emit(obj)
	}
	switch rc.Type {
	case "kubernetes_manifest", "kubectl_manifest", "aws_eks_cluster", "aws_eks_fargate_profile":
	default:
		return nil
	}
	after := rc.AfterValue()
	rc.decodeMarks()
	am, _ := after.(map[string]any)
	switch rc.Type {
	case "kubernetes_manifest":
		obj, err := manifestObject(rc, am, base)
		if err != nil || obj == nil {
			return err
		}
		return emit(obj)
	case "kubectl_manifest":
		objs, err := kubectlObjects(rc, am, base)
		if err != nil {
			return err
		}
		for _, o := range objs {
			if err := emit(o); err != nil {
				return err
			}
		}
	case "aws_eks_cluster":
		inv.Clusters = append(inv.Clusters, eksCluster(rc, am))
	case "aws_eks_fargate_profile":
		inv.FargateProfiles = append(inv.FargateProfiles, fargateProfile(rc, am))
	}
	return nil
}

// typedObject converts a resource of the kubernetes provider's typed resources.
func typedObject(rc *Change, fam family, cfg cfgBlock, base Object) (*Object, error) {
	f := newFields(fam.root, "")
	c := converter{f: f, ta: rc.t, tu: rc.t, ts: rc.t}
	data, err := c.root(rc.after, rc.unknown, rc.sensitive, cfg, fam.root)
	if err != nil || data == nil {
		return nil, err
	}
	if fam.kind == labelsKind {
		return labelsObject(data, f, base)
	}
	return decodeObject(data, fam.apiVersion, fam.kind, f, base)
}

// objectMeta is what every typed object answers about its metadata.
type objectMeta interface {
	GetName() string
	GetGenerateName() string
	GetNamespace() string
	GetAnnotations() map[string]string
}

// decodeObject decodes the JSON of a Kubernetes object into a typed Object. Kinds
// plan-check does not judge give nil.
func decodeObject(data []byte, apiVersion, kind string, f *Fields, base Object) (*Object, error) {
	obj := base
	obj.Fields, obj.APIVersion, obj.Kind = f, apiVersion, kind
	var meta objectMeta
	if w, err := decodeWorkload(kind, data); err != nil || w != nil {
		if err != nil {
			return nil, fmt.Errorf("reading the %s: %w", kind, err)
		}
		obj.Workload, meta = w, &w.Meta
	} else {
		typed, err := decodeTyped(kind, data)
		if err != nil {
			return nil, fmt.Errorf("reading the %s: %w", kind, err)
		}
		if typed == nil {
			return nil, nil
		}
		obj.Typed = typed
		meta, _ = typed.(objectMeta)
	}
	if meta != nil {
		obj.Name, obj.Namespace, obj.Annotations = meta.GetName(), meta.GetNamespace(), meta.GetAnnotations()
		if obj.Name == "" {
			obj.Name = meta.GetGenerateName()
		}
	}
	if obj.Namespace == "" && namespaced(kind) && !f.Unknown("metadata.namespace") {
		obj.Namespace = "default"
	}
	if !namespaced(kind) {
		obj.Namespace = ""
	}
	return &obj, nil
}

func labelsObject(data []byte, f *Fields, base Object) (*Object, error) {
	var raw struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
		Labels map[string]string `json:"labels"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("reading kubernetes_labels: %w", err)
	}
	p := &LabelsPatch{APIVersion: raw.APIVersion, Kind: raw.Kind, Name: raw.Metadata.Name, Namespace: raw.Metadata.Namespace, Labels: raw.Labels}
	if p.Labels == nil {
		p.Labels = map[string]string{}
	}
	obj := base
	obj.Fields, obj.Typed = f, p
	obj.APIVersion, obj.Kind, obj.Name, obj.Namespace = p.APIVersion, p.Kind, p.Name, p.Namespace
	return &obj, nil
}

// indexConfig maps "module path|type.name" to the resource's configuration.
func indexConfig(cfg *tfjson.Config) map[string]*tfjson.ConfigResource {
	out := map[string]*tfjson.ConfigResource{}
	if cfg == nil {
		return out
	}
	var walk func(m *tfjson.ConfigModule, path []string)
	walk = func(m *tfjson.ConfigModule, path []string) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r.Mode != "" && r.Mode != tfjson.ManagedResourceMode {
				continue
			}
			out[strings.Join(path, ".")+"|"+r.Type+"."+r.Name] = r
		}
		for name, call := range m.ModuleCalls {
			walk(call.Module, append(append([]string(nil), path...), name))
		}
	}
	walk(cfg.RootModule, nil)
	return out
}

// configKey turns a module address with instance keys (module.a[0].module.b["x"]) into
// the configuration's key (a.b).
func configKey(moduleAddr, typ, name string) string {
	return strings.Join(moduleNames(moduleAddr), ".") + "|" + typ + "." + name
}

// moduleNames extracts the module call names from a module address.
func moduleNames(addr string) []string {
	var names []string
	for i := 0; i < len(addr); {
		if !strings.HasPrefix(addr[i:], "module.") {
			break
		}
		i += len("module.")
		j := i
		for j < len(addr) && addr[j] != '.' && addr[j] != '[' {
			j++
		}
		names = append(names, addr[i:j])
		i = j
		if i < len(addr) && addr[i] == '[' {
			i = skipIndex(addr, i)
		}
		if i < len(addr) && addr[i] == '.' {
			i++
		}
	}
	return names
}

// skipIndex skips an instance key `[0]` or `["a.b"]` starting at addr[i] == '['.
func skipIndex(addr string, i int) int {
	inQuote := false
	for i++; i < len(addr); i++ {
		switch addr[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case ']':
			if !inQuote {
				return i + 1
			}
		}
	}
	return i
}
