package plantest

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// The realistic generator writes plans as Terraform writes them for a large configuration:
// every resource in planned_values, in resource_changes and in the configuration section
// (its expressions: constants, references, nested blocks), root resources each written as
// a block of their own, modules called with for_each over a variable (the plan's variables
// section holds its value), a mix of kinds (typed workloads, RBAC, namespaces with their
// LimitRanges and quotas, kubernetes_manifest and kubectl_manifest). Every shape is copied
// from a real plan of testdata/real (the shared fixtures: Terraform 1.11.4, hashicorp/
// kubernetes 3.2.1): a generated resource is a fixture's resource byte for byte but for
// its names: the resource name, its references, and the Kubernetes object names (wherever
// the whole string appears: labels, a container named like its object) get a suffix.

//go:embed testdata/real/*.json
var realPlans embed.FS

// Kinds are the template groups a realistic plan is made of, by name: each group is the
// Kubernetes resources of one fixture plan (a compliant and a violating variant), written
// together with one suffix so that references between them (a binding to its role, a
// deployment to its namespace) stay whole.
var Kinds = []string{"deployment", "daemonset", "statefulset", "pod", "cronjob", "job", "rbac", "namespace", "manifest", "kubectl"}

// MixKinds is the default mix: every kind, in turn.
var MixKinds = Kinds

var kindFixtures = map[string]string{
	"deployment": "deployment_v1", "daemonset": "daemon_set_v1", "statefulset": "stateful_set_v1",
	"pod": "pod_v1", "cronjob": "cron_job_v1", "job": "job_v1", "rbac": "rbac",
	"namespace": "namespace_policy", "manifest": "stub_manifest", "kubectl": "stub_manifest",
}

// RealisticOptions shape a realistic plan.
type RealisticOptions struct {
	// N is the number of template groups (for the single-resource kinds, workloads).
	N int
	// Kinds are taken in turn (Kinds' names); empty is MixKinds.
	Kinds []string
	// Violating is the fraction of groups written from the violating variant (0 to 1),
	// spread evenly: 0.1 is every tenth, 1 every one.
	Violating float64
	// Modules is the fraction of the N groups written instead as instances of modules
	// called with for_each (ModuleSize instances a call), in the shape of the
	// variables_through_modules fixture: module variables set from each.value.
	Modules    float64
	ModuleSize int
}

type tmplResource struct {
	typ, name, provider string
	change              []byte
	values, sensitive   []byte
	schemaVersion       int
	expressions         []byte
}

type tmplGroup struct {
	names     []string // Kubernetes names suffixed in every instance
	refs      []string // "type.name" of the group's resources, suffixed in references
	resources []tmplResource
}

type templates struct {
	groups    map[string][2]*tmplGroup // kind → compliant, violating
	providers []byte                   // configuration.provider_config
	// module is the for_each module call of variables_through_modules: its raw call
	// (without for_each_expression), and its instances' changes and values by key.
	moduleCall []byte
	moduleKeys []string
	moduleVars map[string]json.RawMessage
	moduleRes  map[string]tmplResource
}

type fixturePlan struct {
	PlannedValues struct {
		RootModule fixtureModule `json:"root_module"`
	} `json:"planned_values"`
	ResourceChanges []struct {
		Address       string          `json:"address"`
		ModuleAddress string          `json:"module_address"`
		Type          string          `json:"type"`
		Name          string          `json:"name"`
		ProviderName  string          `json:"provider_name"`
		Change        json.RawMessage `json:"change"`
	} `json:"resource_changes"`
	Configuration struct {
		ProviderConfig json.RawMessage `json:"provider_config"`
		RootModule     struct {
			Resources []struct {
				Address     string          `json:"address"`
				Expressions json.RawMessage `json:"expressions"`
			} `json:"resources"`
			ModuleCalls map[string]json.RawMessage `json:"module_calls"`
			Variables   map[string]struct {
				Default map[string]json.RawMessage `json:"default"`
			} `json:"variables"`
		} `json:"root_module"`
	} `json:"configuration"`
}

type fixtureModule struct {
	Resources []struct {
		Address         string          `json:"address"`
		SchemaVersion   int             `json:"schema_version"`
		Values          json.RawMessage `json:"values"`
		SensitiveValues json.RawMessage `json:"sensitive_values"`
	} `json:"resources"`
	ChildModules []fixtureModule `json:"child_modules"`
}

func (m *fixtureModule) values() map[string]struct {
	values, sensitive []byte
	version           int
} {
	out := map[string]struct {
		values, sensitive []byte
		version           int
	}{}
	var walk func(m *fixtureModule)
	walk = func(m *fixtureModule) {
		for _, r := range m.Resources {
			out[r.Address] = struct {
				values, sensitive []byte
				version           int
			}{r.Values, r.SensitiveValues, r.SchemaVersion}
		}
		for i := range m.ChildModules {
			walk(&m.ChildModules[i])
		}
	}
	walk(m)
	return out
}

func readFixture(name string) (*fixturePlan, error) {
	b, err := realPlans.ReadFile("testdata/real/" + name + ".json")
	if err != nil {
		return nil, err
	}
	var p fixturePlan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &p, nil
}

// loadGroup reads the Kubernetes resources of one fixture plan.
func loadGroup(name string, kubectl bool) (*tmplGroup, []byte, error) {
	p, err := readFixture(name)
	if err != nil {
		return nil, nil, err
	}
	vals := p.PlannedValues.RootModule.values()
	exprs := map[string][]byte{}
	for _, r := range p.Configuration.RootModule.Resources {
		exprs[r.Address] = r.Expressions
	}
	g := &tmplGroup{}
	names := map[string]bool{}
	for _, rc := range p.ResourceChanges {
		if !strings.HasPrefix(rc.Type, "kubernetes_") || rc.ModuleAddress != "" {
			continue
		}
		v := vals[rc.Address]
		r := tmplResource{typ: rc.Type, name: rc.Name, provider: rc.ProviderName, change: rc.Change,
			values: v.values, sensitive: v.sensitive, schemaVersion: v.version, expressions: exprs[rc.Address]}
		var after struct {
			Metadata []struct {
				Name string `json:"name"`
			} `json:"metadata"`
			Manifest struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			} `json:"manifest"`
		}
		if err := json.Unmarshal(v.values, &after); err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", name, rc.Address, err)
		}
		if len(after.Metadata) > 0 && after.Metadata[0].Name != "" {
			names[after.Metadata[0].Name] = true
		}
		if n := after.Manifest.Metadata.Name; n != "" {
			names[n] = true
		}
		if kubectl {
			if rc.Type != "kubernetes_manifest" || after.Manifest.Kind != "Deployment" {
				continue
			}
			if r, err = kubectlFrom(r); err != nil {
				return nil, nil, fmt.Errorf("%s %s: %w", name, rc.Address, err)
			}
		}
		g.refs = append(g.refs, r.typ+"."+r.name)
		g.resources = append(g.resources, r)
	}
	if len(g.resources) == 0 {
		return nil, nil, fmt.Errorf("%s: no Kubernetes resources", name)
	}
	for n := range names {
		g.names = append(g.names, n)
	}
	// Longest first, so that a name is never replaced inside a longer one's replacement.
	sort.Slice(g.names, func(i, j int) bool {
		return len(g.names[i]) > len(g.names[j]) || len(g.names[i]) == len(g.names[j]) && g.names[i] < g.names[j]
	})
	return g, p.Configuration.ProviderConfig, nil
}

// kubectlFrom writes a kubernetes_manifest's manifest as the kubectl provider's
// kubectl_manifest (gavinbunney/kubectl 1.x): yaml_body (sensitive, as the provider
// declares it) and yaml_body_parsed, the document's identity, the provider's defaults,
// its computed attributes unknown.
func kubectlFrom(r tmplResource) (tmplResource, error) {
	var v struct {
		Manifest map[string]any `json:"manifest"`
	}
	if err := json.Unmarshal(r.values, &v); err != nil {
		return r, err
	}
	doc, err := yaml.Marshal(v.Manifest)
	if err != nil {
		return r, err
	}
	md, _ := v.Manifest["metadata"].(map[string]any)
	name, _ := md["name"].(string)
	ns, _ := md["namespace"].(string)
	api, _ := v.Manifest["apiVersion"].(string)
	kind, _ := v.Manifest["kind"].(string)
	after := map[string]any{
		"api_version": api, "apply_only": false, "force_conflicts": false, "force_new": false,
		"ignore_fields": nil, "kind": kind, "name": name, "namespace": ns, "override_namespace": nil,
		"sensitive_fields": nil, "server_side_apply": false, "timeouts": nil, "validate_schema": true,
		"wait": nil, "wait_for": []any{}, "wait_for_rollout": true, "yaml_body": string(doc), "yaml_body_parsed": string(doc),
	}
	unknown := map[string]any{"id": true, "live_manifest_incluster": true, "live_uid": true, "uid": true, "wait_for": []any{}, "yaml_incluster": true}
	sens := map[string]any{"live_manifest_incluster": true, "wait_for": []any{}, "yaml_body": true, "yaml_incluster": true}
	values, err := json.Marshal(after)
	if err != nil {
		return r, err
	}
	sensitive, _ := json.Marshal(sens)
	change, _ := json.Marshal(map[string]any{"actions": []string{"create"}, "before": nil, "after": after,
		"after_unknown": unknown, "before_sensitive": false, "after_sensitive": sens})
	exprs, _ := json.Marshal(map[string]any{"yaml_body": map[string]any{"constant_value": string(doc)}})
	return tmplResource{typ: "kubectl_manifest", name: r.name, provider: "registry.terraform.io/gavinbunney/kubectl",
		change: change, values: values, sensitive: sensitive, expressions: exprs}, nil
}

func loadTemplates(kinds []string) (*templates, error) {
	t := &templates{groups: map[string][2]*tmplGroup{}}
	for _, k := range kinds {
		fix, ok := kindFixtures[k]
		if !ok {
			return nil, fmt.Errorf("unknown kind %q (want one of %s)", k, strings.Join(Kinds, ", "))
		}
		if _, done := t.groups[k]; done {
			continue
		}
		var pair [2]*tmplGroup
		for i, v := range []string{"_compliant", "_violating"} {
			g, prov, err := loadGroup(fix+v, k == "kubectl")
			if err != nil {
				return nil, err
			}
			pair[i] = g
			if t.providers == nil && k != "kubectl" {
				t.providers = prov
			}
		}
		t.groups[k] = pair
	}
	// The module call: variables_through_modules' module.agent, for_each over var.agents.
	p, err := readFixture("variables_through_modules")
	if err != nil {
		return nil, err
	}
	if t.providers == nil {
		t.providers = p.Configuration.ProviderConfig
	}
	var call map[string]json.RawMessage
	if err := json.Unmarshal(p.Configuration.RootModule.ModuleCalls["agent"], &call); err != nil {
		return nil, err
	}
	delete(call, "for_each_expression")
	if t.moduleCall, err = marshalOrdered(call, "source", "expressions", "module"); err != nil {
		return nil, err
	}
	t.moduleVars = p.Configuration.RootModule.Variables["agents"].Default
	vals := p.PlannedValues.RootModule.values()
	t.moduleRes = map[string]tmplResource{}
	for _, rc := range p.ResourceChanges {
		if rc.ModuleAddress == "" {
			continue
		}
		key := strings.TrimSuffix(strings.TrimPrefix(rc.ModuleAddress, `module.agent["`), `"]`)
		v := vals[rc.Address]
		t.moduleRes[key] = tmplResource{typ: rc.Type, name: rc.Name, provider: rc.ProviderName, change: rc.Change,
			values: v.values, sensitive: v.sensitive, schemaVersion: v.version}
		t.moduleKeys = append(t.moduleKeys, key)
	}
	sort.Strings(t.moduleKeys)
	return t, nil
}

// marshalOrdered writes the members of m in the given order (Terraform's), then the rest.
func marshalOrdered(m map[string]json.RawMessage, order ...string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	seen := map[string]bool{}
	write := func(k string) {
		v, ok := m[k]
		if !ok || seen[k] {
			return
		}
		seen[k] = true
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		q, _ := json.Marshal(k)
		b.Write(q)
		b.WriteByte(':')
		b.Write(v)
	}
	for _, k := range order {
		write(k)
	}
	rest := make([]string, 0, len(m))
	for k := range m {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		write(k)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// rename suffixes the group's Kubernetes names (as whole JSON strings) and its resources'
// references ("type.name" followed by '.', '[' or the end of the string) in b.
func (g *tmplGroup) rename(b []byte, sfx string) []byte {
	for _, n := range g.names {
		b = bytes.ReplaceAll(b, []byte(`"`+n+`"`), []byte(`"`+n+"-"+sfx+`"`))
	}
	for _, ref := range g.refs {
		old := []byte(`"` + ref)
		if !bytes.Contains(b, old) {
			continue
		}
		var out []byte
		for {
			i := bytes.Index(b, old)
			if i < 0 {
				out = append(out, b...)
				break
			}
			end := i + len(old)
			out = append(out, b[:end]...)
			if end < len(b) && (b[end] == '.' || b[end] == '[' || b[end] == '"') {
				out = append(out, "_"+sfx...)
			}
			b = b[end:]
		}
		b = out
	}
	return b
}

// instance is one generated resource.
type instance struct {
	address, module, typ, name, index string
	r                                 tmplResource
	change, values                    []byte
}

// plan lays out the N groups: root groups (kind in turn, violating by ratio) and module
// calls of ModuleSize instances.
type layout struct {
	t       *templates
	opts    RealisticOptions
	kinds   []string
	root    int // groups at the root
	modules int // module calls
}

func (l *layout) violating(i int) bool {
	r := l.opts.Violating
	return int(float64(i+1)*r) > int(float64(i)*r)
}

// rootGroup calls fn with the resources of root group i.
func (l *layout) rootGroup(i int, fn func(inst instance, g *tmplGroup)) {
	kind := l.kinds[i%len(l.kinds)]
	v := 0
	if l.violating(i / len(l.kinds)) { // each kind's own groups, so the ratio holds per kind
		v = 1
	}
	g := l.t.groups[kind][v]
	sfx := fmt.Sprintf("%05d", i)
	for _, r := range g.resources {
		name := r.name + "_" + sfx
		fn(instance{address: r.typ + "." + name, typ: r.typ, name: name, r: r,
			change: g.rename(r.change, sfx), values: g.rename(r.values, sfx)}, g)
	}
}

func (l *layout) moduleKey(m, k int) (key, shape string) {
	shape = l.t.moduleKeys[k%len(l.t.moduleKeys)]
	return fmt.Sprintf("%s-%03d-%02d", shape, m, k), shape
}

// moduleInstance calls fn with instance k of module call m.
func (l *layout) moduleInstance(m, k int, fn func(inst instance)) {
	key, shape := l.moduleKey(m, k)
	r := l.t.moduleRes[shape]
	rename := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte(`"`+shape+`"`), []byte(`"`+key+`"`)) }
	mod := fmt.Sprintf("module.agent_%03d[%q]", m, key)
	fn(instance{address: mod + "." + r.typ + "." + r.name, module: mod, typ: r.typ, name: r.name,
		r: r, change: rename(r.change), values: rename(r.values)})
}

// WriteRealistic writes a realistic plan to w.
func WriteRealistic(w io.Writer, opts RealisticOptions) error {
	kinds := opts.Kinds
	if len(kinds) == 0 {
		kinds = MixKinds
	}
	t, err := loadTemplates(kinds)
	if err != nil {
		return err
	}
	if opts.ModuleSize <= 0 {
		opts.ModuleSize = 10
	}
	l := &layout{t: t, opts: opts, kinds: kinds}
	inModules := int(float64(opts.N) * opts.Modules)
	l.modules = (inModules + opts.ModuleSize - 1) / opts.ModuleSize
	l.root = opts.N - l.modules*opts.ModuleSize
	if l.root < 0 {
		l.root = 0
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	l.write(bw)
	return bw.Flush()
}

// Realistic returns a realistic plan.
func Realistic(opts RealisticOptions) []byte {
	var b bytes.Buffer
	if err := WriteRealistic(&b, opts); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func (l *layout) write(w *bufio.Writer) {
	o := l.opts
	w.WriteString(`{"format_version":"1.2","terraform_version":"1.11.4","variables":{`)
	for m := 0; m < l.modules; m++ {
		if m > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `"agents_%03d":{"value":`, m)
		l.agentsValue(w, m)
		w.WriteByte('}')
	}
	// planned_values: the root resources, then one child module per module instance.
	w.WriteString(`},"planned_values":{"root_module":{"resources":[`)
	first := true
	value := func(inst instance) {
		if !first {
			w.WriteByte(',')
		}
		first = false
		fmt.Fprintf(w, `{"address":%q,"mode":"managed","type":%q,"name":%q,`, inst.address, inst.typ, inst.name)
		if inst.index != "" {
			fmt.Fprintf(w, `"index":%q,`, inst.index)
		}
		fmt.Fprintf(w, `"provider_name":%q,"schema_version":%d,"values":%s,"sensitive_values":%s}`, inst.r.provider, inst.r.schemaVersion, inst.values, orEmptyObject(inst.r.sensitive))
	}
	for i := 0; i < l.root; i++ {
		l.rootGroup(i, func(inst instance, _ *tmplGroup) { value(inst) })
	}
	w.WriteString(`]`)
	if l.modules > 0 {
		w.WriteString(`,"child_modules":[`)
		for m := 0; m < l.modules; m++ {
			for k := 0; k < o.ModuleSize; k++ {
				if m+k > 0 {
					w.WriteByte(',')
				}
				l.moduleInstance(m, k, func(inst instance) {
					fmt.Fprintf(w, `{"address":%q,"resources":[`, inst.module)
					first = true
					value(inst)
					w.WriteString(`]}`)
				})
			}
		}
		w.WriteString(`]`)
	}
	w.WriteString(`}},"resource_changes":[`)
	first = true
	change := func(inst instance) {
		if !first {
			w.WriteByte(',')
		}
		first = false
		fmt.Fprintf(w, `{"address":%q,`, inst.address)
		if inst.module != "" {
			fmt.Fprintf(w, `"module_address":%q,`, inst.module)
		}
		fmt.Fprintf(w, `"mode":"managed","type":%q,"name":%q,"provider_name":%q,"change":%s}`, inst.typ, inst.name, inst.r.provider, inst.change)
	}
	for i := 0; i < l.root; i++ {
		l.rootGroup(i, func(inst instance, _ *tmplGroup) { change(inst) })
	}
	for m := 0; m < l.modules; m++ {
		for k := 0; k < o.ModuleSize; k++ {
			l.moduleInstance(m, k, change)
		}
	}
	// configuration: every root resource with its expressions, the module calls, and the
	// root variables that feed them.
	fmt.Fprintf(w, `],"configuration":{"provider_config":%s,"root_module":{"resources":[`, l.t.providers)
	first = true
	for i := 0; i < l.root; i++ {
		l.rootGroup(i, func(inst instance, g *tmplGroup) {
			if !first {
				w.WriteByte(',')
			}
			first = false
			key := "kubernetes"
			if inst.typ == "kubectl_manifest" {
				key = "kubectl"
			}
			sfx := fmt.Sprintf("%05d", i)
			fmt.Fprintf(w, `{"address":%q,"mode":"managed","type":%q,"name":%q,"provider_config_key":%q,"expressions":%s,"schema_version":%d}`,
				inst.address, inst.typ, inst.name, key, orEmptyObject(g.rename(inst.r.expressions, sfx)), inst.r.schemaVersion)
		})
	}
	w.WriteString(`]`)
	if l.modules > 0 {
		w.WriteString(`,"module_calls":{`)
		for m := 0; m < l.modules; m++ {
			if m > 0 {
				w.WriteByte(',')
			}
			call := l.t.moduleCall
			fmt.Fprintf(w, `"agent_%03d":%s,"for_each_expression":{"references":["var.agents_%03d"]}}`, m, call[:len(call)-1], m)
		}
		w.WriteString(`},"variables":{`)
		for m := 0; m < l.modules; m++ {
			if m > 0 {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, `"agents_%03d":{"default":`, m)
			l.agentsValue(w, m)
			w.WriteString(`,"description":"Node agents to run, by name."}`)
		}
		w.WriteString(`}`)
	}
	w.WriteString(`}},"timestamp":"2026-12-01T00:00:00Z","applyable":true,"complete":true,"errored":false}`)
}

// agentsValue writes module call m's for_each map: each key's value is the fixture's.
func (l *layout) agentsValue(w *bufio.Writer, m int) {
	w.WriteByte('{')
	for k := 0; k < l.opts.ModuleSize; k++ {
		if k > 0 {
			w.WriteByte(',')
		}
		key, shape := l.moduleKey(m, k)
		fmt.Fprintf(w, "%q:%s", key, l.t.moduleVars[shape])
	}
	w.WriteByte('}')
}

func orEmptyObject(b []byte) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

// Presets are the plans of make bench and of the benchmarks: deployments (1,000
// Deployments from the deployment fixtures, ~23 MB), mix (every kind in turn, ~32 MB),
// worst (every kind, all violating, ~200 MB). One workload in ten is violating but in
// worst; a tenth of them are for_each module instances.
var Presets = map[string]RealisticOptions{
	"deployments": {N: 1600, Kinds: []string{"deployment"}, Violating: 0.1, Modules: 0.1, ModuleSize: 10},
	"mix":         {N: 3050, Violating: 0.1, Modules: 0.1, ModuleSize: 10},
	"worst":       {N: 13000, Violating: 1, Modules: 0.1, ModuleSize: 10},
}
