package plan

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// family is how one Terraform resource type of the kubernetes provider maps to a Kind.
type family struct {
	apiVersion string
	kind       string
	root       *spec
	// computed holds the attributes and blocks of root the provider computes for this
	// resource type (computed_gen.go, derived from the provider).
	computed map[*spec]bool
}

// Source is what the Terraform source (the .tf files) knows that a plan does not.
type Source interface {
	// WrittenKeys returns the keys of the map attribute at tfPath
	// ("spec[0].template[0].metadata[0].annotations") of the resource at address as the
	// configuration writes them, when every key is a literal (ok false when a key is
	// computed: a merge(), a for expression, a reference, or when the attribute cannot be
	// found, as inside a dynamic block).
	WrittenKeys(address, tfPath string) (keys []string, ok bool)
}

// DynamicBlocks is implemented by a Source that also knows where the configuration writes
// dynamic blocks. A computed block (a replication controller's pod security_context, a
// ClusterRole's rule) that the plan has wholly unknown and the configuration section does
// not write was either not written (nothing is sent) or written by a dynamic block over a
// collection unknown until apply (the section leaves dynamic blocks out): without this,
// plan-check takes the first, far more common case; with it, a dynamic block there is
// unknown.
type DynamicBlocks interface {
	// Dynamic reports whether the block named by tfPath
	// ("spec[0].template[0].spec[0].security_context") of the resource at address is
	// written as a dynamic block.
	Dynamic(address, tfPath string) bool
}

// ReaderOptions configure a Reader.
type ReaderOptions struct {
	// Source, when not nil, gives the keys of maps the plan has wholly unknown (an
	// annotation map with one value computed at apply): their keys are then known and only
	// their values unknown; when it implements DynamicBlocks, it also tells unwritten
	// computed blocks from dynamic ones.
	Source Source
	// Before also reads the prior value of every resource the plan updates, keeps,
	// replaces or deletes (change.before and change.before_sensitive; for a
	// kubernetes_manifest its `object`, what the API server returned at refresh), with the
	// same checks and marks as the planned value: its objects have Before set, the context
	// they give is Inventory.Before. Off, the reader never looks at `before`.
	Before bool
}

// Reader turns a plan's resource changes into typed objects. Build it with NewReader; it
// holds the provider schema table (built once) and nothing that changes while reading.
type Reader struct {
	families map[string]family
	source   Source
	before   bool
}

// NewReader builds the adapters, without a Source.
func NewReader() *Reader { return NewReaderWith(ReaderOptions{}) }

// NewReaderWith builds the adapters with opts.
func NewReaderWith(opts ReaderOptions) *Reader {
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
	add(family{apiVersion: "v1", kind: "Pod", root: pod}, "kubernetes_pod", "kubernetes_pod_v1")
	add(family{apiVersion: "apps/v1", kind: "Deployment", root: templated}, "kubernetes_deployment", "kubernetes_deployment_v1")
	add(family{apiVersion: "apps/v1", kind: "DaemonSet", root: templated}, "kubernetes_daemonset", "kubernetes_daemon_set_v1")
	add(family{apiVersion: "apps/v1", kind: "StatefulSet", root: statefulSetResource().finish()}, "kubernetes_stateful_set", "kubernetes_stateful_set_v1")
	add(family{apiVersion: "v1", kind: "ReplicationController", root: templated}, "kubernetes_replication_controller", "kubernetes_replication_controller_v1")
	add(family{apiVersion: "batch/v1", kind: "Job", root: templated}, "kubernetes_job", "kubernetes_job_v1")
	add(family{apiVersion: "batch/v1", kind: "CronJob", root: cron}, "kubernetes_cron_job", "kubernetes_cron_job_v1")
	add(family{apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", root: cr}, "kubernetes_cluster_role", "kubernetes_cluster_role_v1")
	add(family{apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", root: role}, "kubernetes_role", "kubernetes_role_v1")
	add(family{apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", root: crb}, "kubernetes_cluster_role_binding", "kubernetes_cluster_role_binding_v1")
	add(family{apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", root: rb}, "kubernetes_role_binding", "kubernetes_role_binding_v1")
	add(family{apiVersion: "v1", kind: "Namespace", root: ns}, "kubernetes_namespace", "kubernetes_namespace_v1")
	add(family{apiVersion: "v1", kind: "LimitRange", root: lr}, "kubernetes_limit_range", "kubernetes_limit_range_v1")
	add(family{apiVersion: "v1", kind: "ResourceQuota", root: rq}, "kubernetes_resource_quota", "kubernetes_resource_quota_v1")
	add(family{apiVersion: "v1", kind: "ServiceAccount", root: sa}, "kubernetes_service_account", "kubernetes_service_account_v1")
	add(family{apiVersion: "", kind: labelsKind, root: labels}, "kubernetes_labels")
	addNewFamilies(add)
	computed := computedPaths()
	for t, fam := range f {
		fam.computed = computedSet(fam.root, computed[t])
		f[t] = fam
	}
	return &Reader{families: f, source: opts.Source, before: opts.Before}
}

// computedSet finds the table's nodes at the given Terraform paths (names joined by ".");
// paths the table does not read are left out.
func computedSet(root *spec, paths []string) map[*spec]bool {
	set := map[*spec]bool{}
	for _, p := range paths {
		s := root
		for rest, more := p, true; more && s != nil; {
			var name string
			name, rest, more = strings.Cut(rest, ".")
			s = s.fields[name]
		}
		if s != nil {
			set[s] = true
		}
	}
	return set
}

// workload reports whether the family's objects carry a pod spec.
func (f family) workload() bool {
	switch f.kind {
	case "Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicationController", "Job", "CronJob":
		return true
	}
	return false
}

// readState is one Read's scratch memory: the tapes and the converter's stack are reused
// from resource to resource.
type readState struct {
	*Reader
	// config is the plan's configuration section (nil when it has none).
	config  *config
	cfgTape cfgTape // the configuration of the resource being read
	tape    tape    // the resource change being read
	doc     tape    // a kubectl_manifest document, converted from YAML
	prior   tape    // a kubernetes_manifest's prior object, without its unset fields
	scratch []int32
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

// Read adapts every resource that will exist after apply into one Inventory (and, with
// ReaderOptions.Before, every prior value into Inventory.Before).
func (r *Reader) Read(p *Plan) (*Inventory, error) {
	inv, pending, err := r.ReadContext(p)
	if err != nil {
		return nil, err
	}
	err = pending.Each(func(o *Object) error {
		if o.Before {
			inv.Before.Objects = append(inv.Before.Objects, o)
			return nil
		}
		inv.Objects = append(inv.Objects, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// ReadContext is the first of two passes over the plan. It reads every resource that
// gives the plan its context (namespaces, policies, roles, service accounts, EKS facts) and
// keeps them; workloads (typed ones, and the workload documents of kubernetes_manifest and
// kubectl_manifest), by far the most numerous and largest, it only counts and leaves to
// Pending.Each, so that a caller can judge them one at a time against the whole plan's
// context without holding them all in memory. With ReaderOptions.Before, the prior values
// are read in the same passes: their context in Inventory.Before, their workloads from
// Pending.Each with Before set.
func (r *Reader) ReadContext(p *Plan) (*Inventory, *Pending, error) {
	inv := &Inventory{Errored: p.Errored}
	if r.before {
		inv.Before = &Inventory{Errored: p.Errored}
	}
	cfg, err := p.configuration()
	if err != nil {
		return nil, nil, err
	}
	pending := &Pending{state: &readState{Reader: r, config: cfg}, plan: p, configs: cfg}
	for i := range p.changes {
		h := &p.changes[i].h
		after, prior := h.willExist(), r.before && h.hasPrior()
		if !after && !prior {
			continue
		}
		if after {
			inv.Resources++
		}
		if prior {
			inv.Before.Resources++
		}
		if fam, ok := r.families[h.typ]; ok && fam.workload() {
			pending.changes = append(pending.changes, pendingChange{i: i, after: after, prior: prior})
			continue
		}
		if !r.reads(h.typ) {
			continue
		}
		rc, err := pending.decode(i, prior)
		if err != nil {
			return nil, nil, err
		}
		left := pendingChange{i: i}
		if after {
			left.after, err = pending.state.adapt(rc, pending.configs, firstPass, func(o *Object) error {
				inv.Objects = append(inv.Objects, o)
				return nil
			}, inv)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", rc.Address, err)
			}
		}
		if prior {
			left.prior, err = pending.state.adapt(rc.priorView(), pending.configs, firstPass, func(o *Object) error {
				o.Before = true
				inv.Before.Objects = append(inv.Before.Objects, o)
				return nil
			}, inv.Before)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", rc.Address, priorError{err})
			}
		}
		if left.after || left.prior {
			pending.changes = append(pending.changes, left)
		}
	}
	return inv, pending, nil
}

// Pending is the second pass: the workloads ReadContext left.
type Pending struct {
	state   *readState
	plan    *Plan
	configs *config
	changes []pendingChange
}

// pendingChange is a resource change left to the second pass: its planned value, its
// prior value, or both.
type pendingChange struct {
	i            int
	after, prior bool
}

// Len is the number of resources left to read.
func (p *Pending) Len() int { return len(p.changes) }

// Each adapts the workloads one at a time and calls fn with each: of a change, the
// object of its planned value first, then (ReaderOptions.Before) that of its prior value.
func (p *Pending) Each(fn func(*Object) error) error {
	var prior func(*Object) error
	for _, pc := range p.changes {
		rc, err := p.decode(pc.i, pc.prior)
		if err != nil {
			return err
		}
		if pc.after {
			if _, err := p.state.adapt(rc, p.configs, secondPass, fn, nil); err != nil {
				return fmt.Errorf("%s: %w", rc.Address, err)
			}
		}
		if pc.prior {
			if prior == nil {
				prior = func(o *Object) error { o.Before = true; return fn(o) }
			}
			if _, err := p.state.adapt(rc.priorView(), p.configs, secondPass, prior, nil); err != nil {
				return fmt.Errorf("%s: %w", rc.Address, priorError{err})
			}
		}
	}
	return nil
}

// decode indexes resource change i, and finds its prior value when prior is set.
func (p *Pending) decode(i int, prior bool) (*Change, error) {
	ref := &p.plan.changes[i]
	t := &p.state.tape
	t.base = ref.start
	if err := t.parse(p.plan.raw(i)); err != nil {
		return nil, fmt.Errorf("%s: %w", ref.h.address, changeProblem(err))
	}
	rc, err := decodeChange(t, ref.h)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref.h.address, err)
	}
	if prior {
		if err := rc.decodePrior(); err != nil {
			return nil, fmt.Errorf("%s: %w", ref.h.address, err)
		}
	}
	return rc, nil
}

// changeProblem names where in a resource change the tape failed: nesting too deep, or a
// duplicate member name, given by the attribute (the first levels of the path: member
// names there are Terraform's, not values).
func changeProblem(err error) error {
	var de *depthError
	if errors.As(err, &de) {
		return fmt.Errorf("%s: nested deeper than %d levels at byte %d (plan-check reads at most plan.MaxDepth levels)", pathOrChange(de.path), de.limit, de.offset)
	}
	var dup *duplicateError
	if errors.As(err, &dup) {
		if len(dup.path) <= 1 {
			return fmt.Errorf("%s: duplicate member %q at byte %d: two readers could see two different values", pathOrChange(dup.path), clip(dup.key), dup.offset)
		}
		return fmt.Errorf("%s: an object has a duplicate member name at byte %d: two readers could see two different values", pathOrChange(dup.path), dup.offset)
	}
	return err
}

// pathOrChange renders the attribute-level start of a tape path.
func pathOrChange(path []seg) string {
	if len(path) == 0 {
		return "the resource change"
	}
	return segments(path, 3)
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

// adapt reads one resource change in pass p and emits its objects of that pass; it
// reports whether the first pass left some of them to the second.
func (r *readState) adapt(rc *Change, configs *config, p pass, emit func(*Object) error, inv *Inventory) (bool, error) {
	base := Object{Address: rc.Address, ResourceType: rc.Type, Module: rc.Module}
	t := rc.t
	wholeUnknown := t.isTrue(rc.unknown)
	if t.isNull(rc.after) && !wholeUnknown {
		if rc.isPrior {
			return false, errors.New("it is null: a resource the plan updates, keeps, replaces or deletes exists now")
		}
		return false, errors.New("change.after is null: a resource that will exist has a planned value")
	}
	if fam, ok := r.families[rc.Type]; ok {
		if wholeUnknown {
			f := newFields(fam.root, "")
			if t.isTrue(rc.sensitive) {
				f.markSensitive("")
			}
			obj := base
			obj.Fields, obj.APIVersion, obj.Kind = f, fam.apiVersion, fam.kind
			if fam.kind == labelsKind {
				obj.Kind = ""
			}
			obj.Opaque = "its planned value is not known until apply"
			return false, emit(&obj)
		}
		cfg := cfgBlock{}
		res, found, err := configs.lookup(rc.Module, rc.Type, rc.Name, &r.cfgTape)
		if err != nil {
			return false, err
		}
		var resp *resourceConfig
		if found {
			cfg, resp = res.exprs, &res
		}
		obj, err := r.typedObject(rc, fam, cfg, resp, base)
		if err != nil || obj == nil {
			return false, err
		}
		return false, emit(obj)
	}
	switch rc.Type {
	case "kubernetes_manifest":
		if wholeUnknown {
			m := &manifest{readState: r, tfPrefix: "manifest", pass: p, emit: emit, sensitive: t.isTrue(rc.sensitive)}
			return m.opaqueObject(base, "its planned value is not known until apply")
		}
		if rc.isPrior {
			return r.manifestPriorObjects(rc, base, p, emit)
		}
		return r.manifestObjects(rc, base, p, emit)
	case "kubectl_manifest":
		if wholeUnknown {
			m := &manifest{readState: r, tfPrefix: "yaml_body", opaque: true, pass: p, emit: emit, sensitive: t.isTrue(rc.sensitive)}
			return m.opaqueObject(base, "its planned value is not known until apply")
		}
		return r.kubectlObjects(rc, base, p, emit)
	case "aws_eks_cluster":
		if inv != nil {
			c, err := eksCluster(rc)
			if err != nil {
				return false, err
			}
			inv.Clusters = append(inv.Clusters, c)
		}
	case "aws_eks_fargate_profile":
		if inv != nil {
			fp, err := fargateProfile(rc)
			if err != nil {
				return false, err
			}
			inv.FargateProfiles = append(inv.FargateProfiles, fp)
		}
	}
	return false, nil
}

// typedObject converts a resource of the kubernetes provider's typed resources.
func (r *readState) typedObject(rc *Change, fam family, cfg cfgBlock, res *resourceConfig, base Object) (*Object, error) {
	f := newFields(fam.root, "")
	c := converter{f: f, ta: rc.t, tu: rc.t, ts: rc.t, scratch: r.scratch[:0], computed: fam.computed,
		source: r.source, address: rc.Address, config: r.config, module: rc.Module, res: res, priorDefaults: rc.isPrior}
	data, err := c.root(rc.after, rc.unknown, rc.sensitive, cfg, fam.root)
	r.scratch = c.scratch
	if err != nil || data == nil {
		return nil, err
	}
	src := &source{data: data, inexact: c.inexact}
	if fam.kind == labelsKind {
		return labelsObject(src, f, base)
	}
	return decodeObject(src, fam.apiVersion, fam.kind, f, base)
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
func decodeObject(src *source, apiVersion, kind string, f *Fields, base Object) (*Object, error) {
	obj := base
	obj.Fields, obj.APIVersion, obj.Kind = f, apiVersion, kind
	var meta objectMeta
	if contextKind(kind) {
		typed, err := decodeTyped(kind, src)
		if err != nil {
			return nil, f.decodeProblem(kind, err)
		}
		obj.Typed = typed
		meta, _ = typed.(objectMeta)
	} else {
		if src.t == nil && !workloadKind(kind) {
			src.t = &tape{}
			if err := src.t.parse(src.data); err != nil {
				return nil, fmt.Errorf("reading the %s: %w", f.kindName(kind), err)
			}
		}
		w, opaque, err := decodeWorkload(kind, src, f)
		if err != nil {
			return nil, f.decodeProblem(kind, err)
		}
		switch {
		case opaque != "":
			var m struct {
				Metadata metav1.ObjectMeta `json:"metadata"`
			}
			if err := unmarshal(src, &m); err != nil {
				return nil, f.decodeProblem(kind, err)
			}
			obj.Opaque, meta = opaque, &m.Metadata
		case w == nil:
			return nil, nil
		default:
			obj.Workload, meta = w, &w.Meta
		}
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

// decodeProblem names where a decode error is, in the user's terms, without the value.
func (f *Fields) decodeProblem(kind string, err error) error {
	var de *decodeError
	if !errors.As(err, &de) {
		return fmt.Errorf("reading the %s: %w", f.kindName(kind), err)
	}
	return fmt.Errorf("reading the %s: %s: %s", f.kindName(kind), f.where(de.path), de.msg)
}

// kindName names an object's kind for a message, never a sensitive one.
func (f *Fields) kindName(kind string) string {
	if f.Sensitive("kind") {
		return "object (its kind is sensitive)"
	}
	return showName(kind)
}

// where names path p of the object for a message: its Terraform path, or for a document
// attribute (yaml_body) the attribute and the path inside the document.
func (f *Fields) where(p string) string {
	p = f.RedactPath(p)
	switch {
	case f.opaque && p == "":
		return f.tfPrefix
	case f.opaque:
		return f.tfPrefix + ", at " + p
	case p == "" && f.tfPrefix != "":
		return f.tfPrefix
	case p == "":
		return "the resource"
	}
	return f.TFPath(p)
}

func labelsObject(src *source, f *Fields, base Object) (*Object, error) {
	var raw struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
		Labels map[string]string `json:"labels"`
	}
	if err := unmarshal(src, &raw); err != nil {
		return nil, f.decodeProblem("kubernetes_labels", err)
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
