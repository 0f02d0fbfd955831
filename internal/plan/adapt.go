package plan

import (
	"encoding/json"
	"fmt"
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

// labelsKind marks the kubernetes_labels family, which patches another object.
const labelsKind = "*labels"

// Supported lists the resource types plan-check reads, sorted.
func (r *Reader) Supported() []string {
	out := []string{"kubernetes_manifest", "kubectl_manifest", "aws_eks_cluster", "aws_eks_fargate_profile"}
	for t := range r.families {
		out = append(out, t)
	}
	return sortedStrings(out)
}

// Read adapts every resource that will exist after apply.
func (r *Reader) Read(p *Plan) (*Inventory, error) {
	inv := &Inventory{Errored: p.Errored}
	configs := indexConfig(p.Config)
	for i := 0; i < p.Len(); i++ {
		rc, err := p.Change(i)
		if err != nil {
			return nil, err
		}
		if !WillExist(rc) {
			continue
		}
		inv.Resources++
		if err := r.adapt(rc, configs, inv); err != nil {
			return nil, fmt.Errorf("%s: %w", rc.Address, err)
		}
	}
	return inv, nil
}

func (r *Reader) adapt(rc *tfjson.ResourceChange, configs map[string]*tfjson.ConfigResource, inv *Inventory) error {
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
		inv.Objects = append(inv.Objects, obj)
		return nil
	}
	switch rc.Type {
	case "kubernetes_manifest":
		obj, err := manifestObject(rc, base)
		if err != nil || obj == nil {
			return err
		}
		inv.Objects = append(inv.Objects, obj)
	case "kubectl_manifest":
		objs, err := kubectlObjects(rc, base)
		if err != nil {
			return err
		}
		inv.Objects = append(inv.Objects, objs...)
	case "aws_eks_cluster":
		inv.Clusters = append(inv.Clusters, eksCluster(rc))
	case "aws_eks_fargate_profile":
		inv.FargateProfiles = append(inv.FargateProfiles, fargateProfile(rc))
	}
	return nil
}

// typedObject converts a resource of the kubernetes provider's typed resources.
func typedObject(rc *tfjson.ResourceChange, fam family, cfg cfgBlock, base Object) (*Object, error) {
	f := newFields(fam.root, "")
	c := converter{f: f}
	tree, _, err := c.convert(rc.Change.After, rc.Change.AfterUnknown, rc.Change.AfterSensitive, cfg, "", fam.root, "", "")
	if err != nil {
		return nil, err
	}
	m, _ := tree.(map[string]any)
	if m == nil {
		return nil, nil
	}
	if fam.kind == labelsKind {
		return labelsObject(m, f, base)
	}
	m["apiVersion"], m["kind"] = fam.apiVersion, fam.kind
	return decodeObject(m, f, base)
}

// decodeObject turns a Kubernetes-shaped tree into a typed Object. Kinds plan-check does
// not judge give nil.
func decodeObject(m map[string]any, f *Fields, base Object) (*Object, error) {
	obj := base
	obj.Fields = f
	obj.APIVersion, _ = m["apiVersion"].(string)
	obj.Kind, _ = m["kind"].(string)
	if obj.Kind == "" {
		if f.Unknown("kind") {
			obj.Opaque = "its kind is not known until apply"
			return &obj, nil
		}
		return nil, fmt.Errorf("the manifest has no kind")
	}
	if md, ok := m["metadata"].(map[string]any); ok {
		obj.Name, _ = md["name"].(string)
		if obj.Name == "" {
			obj.Name, _ = md["generateName"].(string)
		}
		obj.Namespace, _ = md["namespace"].(string)
	}
	if obj.Namespace == "" && namespaced(obj.Kind) && !f.Unknown("metadata.namespace") {
		obj.Namespace = "default"
	}
	if !namespaced(obj.Kind) {
		obj.Namespace = ""
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding the %s: %w", obj.Kind, err)
	}
	if w, err := decodeWorkload(obj.Kind, data); err != nil || w != nil {
		if err != nil {
			return nil, fmt.Errorf("reading the %s: %w", obj.Kind, err)
		}
		obj.Workload = w
		return &obj, nil
	}
	typed, err := decodeTyped(obj.Kind, data)
	if err != nil {
		return nil, fmt.Errorf("reading the %s: %w", obj.Kind, err)
	}
	if typed == nil {
		return nil, nil
	}
	obj.Typed = typed
	return &obj, nil
}

func labelsObject(m map[string]any, f *Fields, base Object) (*Object, error) {
	p := &LabelsPatch{}
	p.APIVersion, _ = m["apiVersion"].(string)
	p.Kind, _ = m["kind"].(string)
	if md, ok := m["metadata"].(map[string]any); ok {
		p.Name, _ = md["name"].(string)
		p.Namespace, _ = md["namespace"].(string)
	}
	p.Labels = map[string]string{}
	if l, ok := m["labels"].(map[string]any); ok {
		for k, v := range l {
			if s, ok := v.(string); ok {
				p.Labels[k] = s
			}
		}
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
