package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

const fixtures = "../plancheck/testdata/plans"

func readFixture(t *testing.T, name string) *Inventory {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return read(t, data)
}

func read(t *testing.T, data []byte) *Inventory {
	t.Helper()
	p, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := NewReader().Read(p)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func objectAt(t *testing.T, inv *Inventory, addr string) *Object {
	t.Helper()
	for _, o := range inv.Objects {
		if o.Address == addr {
			return o
		}
	}
	t.Fatalf("no object %s", addr)
	return nil
}

// TestTypedDeployment: the typed adapter turns the provider's nested lists into a typed
// pod spec, with the provider's defaults and string IDs as Kubernetes will receive them.
func TestTypedDeployment(t *testing.T) {
	o := objectAt(t, readFixture(t, "deployment_v1_violating.json"), "kubernetes_deployment_v1.bad")
	if o.Kind != "Deployment" || o.Namespace != "apps" || o.Name != "bad-app" || o.Workload == nil {
		t.Fatalf("object %+v", o)
	}
	w := o.Workload
	s := w.Spec
	if !s.HostNetwork || !s.HostPID || !s.HostIPC {
		t.Error("host namespaces lost")
	}
	if s.SecurityContext == nil || s.SecurityContext.RunAsUser == nil || *s.SecurityContext.RunAsUser != 0 {
		t.Errorf("pod runAsUser \"0\" must become 0: %+v", s.SecurityContext)
	}
	if len(s.InitContainers) != 1 || len(s.Containers) != 2 || len(s.Volumes) != 3 {
		t.Fatalf("containers %d/%d volumes %d", len(s.InitContainers), len(s.Containers), len(s.Volumes))
	}
	app, side := s.Containers[0], s.Containers[1]
	if app.SecurityContext == nil || !*app.SecurityContext.Privileged || len(app.SecurityContext.Capabilities.Add) != 2 {
		t.Errorf("app security context %+v", app.SecurityContext)
	}
	if app.Ports[0].HostPort != 8080 || len(app.VolumeMounts) != 3 || !app.VolumeMounts[1].ReadOnly {
		t.Errorf("app ports/mounts %+v %+v", app.Ports, app.VolumeMounts)
	}
	if side.SecurityContext != nil {
		t.Errorf("sidecar wrote no security_context: %+v", side.SecurityContext)
	}
	if len(side.Resources.Requests) != 0 || len(side.Resources.Limits) != 0 {
		t.Errorf("unwritten (computed) resources must be empty: %+v", side.Resources)
	}
	if s.Volumes[0].HostPath == nil || s.Volumes[0].HostPath.Path != "/var/run/docker.sock" {
		t.Errorf("volume 0 %+v", s.Volumes[0])
	}
	if s.AutomountServiceAccountToken == nil || !*s.AutomountServiceAccountToken {
		t.Error("the provider sends automount_service_account_token = true by default")
	}
	if w.Template.Labels["app"] != "bad-app" || w.SpecPath != "spec.template.spec" {
		t.Errorf("template %+v %s", w.Template.Labels, w.SpecPath)
	}
	// computed, unwritten resources are not unknown
	if o.Fields.UnknownWithin("spec.template.spec.containers[1].resources") {
		t.Errorf("unknown paths %v", o.Fields.UnknownPaths())
	}
}

func TestTFPath(t *testing.T) {
	o := objectAt(t, readFixture(t, "deployment_v1_violating.json"), "kubernetes_deployment_v1.bad")
	for k8s, tf := range map[string]string{
		"spec.template.spec.containers[0].securityContext.privileged":           "spec[0].template[0].spec[0].container[0].security_context[0].privileged",
		"spec.template.spec.initContainers[0].securityContext.capabilities.add": "spec[0].template[0].spec[0].init_container[0].security_context[0].capabilities[0].add",
		"spec.template.spec.volumes[2].hostPath.path":                           "spec[0].template[0].spec[0].volume[2].host_path[0].path",
		"spec.template.spec.containers[1].resources.limits.cpu":                 "spec[0].template[0].spec[0].container[1].resources[0].limits.cpu",
		"spec.template.spec.hostNetwork":                                        "spec[0].template[0].spec[0].host_network",
		`metadata.labels["app.kubernetes.io/name"]`:                             `metadata[0].labels["app.kubernetes.io/name"]`,
	} {
		if got := o.Fields.TFPath(k8s); got != tf {
			t.Errorf("TFPath(%s) = %s, want %s", k8s, got, tf)
		}
	}
	cj := objectAt(t, readFixture(t, "cron_job_v1_violating.json"), "kubernetes_cron_job_v1.backup")
	if got := cj.Fields.TFPath(cj.Workload.SpecPath + ".hostPID"); got != "spec[0].job_template[0].spec[0].template[0].spec[0].host_pid" {
		t.Errorf("cron job path %s", got)
	}
}

// TestUnknownValues: what Terraform cannot know is recorded as unknown; what the user did
// not write (computed resources) is not.
func TestUnknownValues(t *testing.T) {
	inv := readFixture(t, "unknown_values_violating.json")
	pod := objectAt(t, inv, "kubernetes_pod_v1.unknown_security_fields")
	if !pod.Fields.Unknown("spec.containers[0].securityContext.privileged") || !pod.Fields.Unknown("spec.securityContext.runAsUser") {
		t.Errorf("unknown paths %v", pod.Fields.UnknownPaths())
	}
	if pod.Fields.Unknown("spec.containers[0].securityContext.allowPrivilegeEscalation") {
		t.Error("a known value is not unknown")
	}
	ds := objectAt(t, inv, "kubernetes_daemon_set_v1.unknown_volumes")
	if !ds.Fields.Unknown("spec.template.spec.volumes[0].hostPath") {
		t.Errorf("a dynamic block over an unknown list makes the volumes unknown: %v", ds.Fields.UnknownPaths())
	}
	if ds.Fields.UnknownWithin("spec.template.spec.containers[0].resources") {
		t.Errorf("resources were not written: %v", ds.Fields.UnknownPaths())
	}
	dep := objectAt(t, inv, "kubernetes_deployment_v1.known_violation_unknown_image")
	if !dep.Fields.Unknown("spec.template.spec.containers[0].image") || dep.Name != "" {
		t.Errorf("image unknown, name unknown: %v %q", dep.Fields.UnknownPaths(), dep.Name)
	}
}

// typedResource builds a kubernetes_pod_v1 change whose container resources are
// computed, with the given configuration for that container.
func typedPod(containerCfg map[string]any, resourcesUnknown any) plantest.Resource {
	container := map[string]any{"name": "app", "image": "nginx", "security_context": []any{}}
	if _, partly := resourcesUnknown.([]any); partly {
		// Terraform writes the known part of a partly unknown block: a list of one.
		container["resources"] = []any{map[string]any{"requests": map[string]any{"cpu": "1"}}}
	}
	return plantest.Resource{
		Address: "kubernetes_pod_v1.p", Type: "kubernetes_pod_v1", Name: "p",
		After: map[string]any{
			"metadata": []any{map[string]any{"name": "p", "namespace": "apps"}},
			"spec": []any{map[string]any{
				"container": []any{container},
			}},
		},
		AfterUnknown: map[string]any{"spec": []any{map[string]any{
			"container": []any{map[string]any{"resources": resourcesUnknown}},
		}}},
		Expressions: map[string]any{"spec": []any{map[string]any{"container": []any{containerCfg}}}},
	}
}

func TestComputedResourcesAgainstConfiguration(t *testing.T) {
	limitsUnknown := []any{map[string]any{"limits": true, "requests": map[string]any{}}}
	cases := []struct {
		name        string
		cfg         map[string]any
		unk         any
		wantUnknown bool
	}{
		{"no resources block written", map[string]any{"name": map[string]any{"constant_value": "app"}}, true, false},
		{"limits written from a reference", map[string]any{"resources": []any{map[string]any{"limits": map[string]any{"references": []any{"var.x"}}}}}, limitsUnknown, true},
		{"only requests written", map[string]any{"resources": []any{map[string]any{"requests": map[string]any{"constant_value": map[string]any{"cpu": "1"}}}}}, limitsUnknown, false},
		{"limits = {} written", map[string]any{"resources": []any{map[string]any{"limits": map[string]any{"constant_value": map[string]any{}}}}}, limitsUnknown, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := objectAt(t, read(t, plantest.Plan(typedPod(tc.cfg, tc.unk))), "kubernetes_pod_v1.p")
			if got := o.Fields.UnknownWithin("spec.containers[0].resources"); got != tc.wantUnknown {
				t.Errorf("unknown = %v, want %v (%v)", got, tc.wantUnknown, o.Fields.UnknownPaths())
			}
		})
	}
	// dynamic container (no configuration to match): a wholly unknown computed block was
	// not written, a partially unknown one stays unknown
	r := typedPod(nil, true)
	r.Expressions = map[string]any{"spec": []any{map[string]any{}}}
	if o := objectAt(t, read(t, plantest.Plan(r)), "kubernetes_pod_v1.p"); o.Fields.UnknownWithin("spec.containers[0].resources") {
		t.Errorf("dynamic container, unwritten resources: %v", o.Fields.UnknownPaths())
	}
	r = typedPod(nil, limitsUnknown)
	r.Expressions = map[string]any{"spec": []any{map[string]any{}}}
	if o := objectAt(t, read(t, plantest.Plan(r)), "kubernetes_pod_v1.p"); !o.Fields.Unknown("spec.containers[0].resources.limits") {
		t.Errorf("dynamic container, limits unknown: %v", o.Fields.UnknownPaths())
	}
}

// TestModulesAndInstances: module resources with count and for_each keys keep their
// address, and find their configuration through the module calls.
func TestModulesAndInstances(t *testing.T) {
	data := plantest.LargePlan(3, 1)
	inv := read(t, data)
	if len(inv.Objects) != 3 || inv.Objects[1].Address != `module.apps.kubernetes_deployment_v1.app["svc-1"]` || inv.Objects[1].Module != "module.apps" {
		t.Fatalf("objects %d, address %q", len(inv.Objects), inv.Objects[1].Address)
	}
	for _, addr := range []struct{ module, want string }{
		{`module.a[0].module.b["x.y"]`, "a.b"},
		{`module.tenant["alpha"]`, "tenant"},
		{"", ""},
		{"module.platform.module.agent", "platform.agent"},
	} {
		if got := strings.Join(moduleNames(addr.module), "."); got != addr.want {
			t.Errorf("moduleNames(%s) = %s, want %s", addr.module, got, addr.want)
		}
	}
}

func TestActions(t *testing.T) {
	mk := func(actions ...string) plantest.Resource {
		r := plantest.Manifest("kubernetes_manifest.p_"+strings.Join(actions, "_"), "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: b}]}\n")
		r.Actions = actions
		return r
	}
	inv := read(t, plantest.Plan(mk("create"), mk("update"), mk("no-op"), mk("delete"), mk("delete", "create"), mk("create", "delete"), mk("read")))
	var got []string
	for _, o := range inv.Objects {
		got = append(got, strings.TrimPrefix(o.Address, "kubernetes_manifest.p_"))
	}
	if strings.Join(got, ",") != "create,update,no-op,delete_create,create_delete" {
		t.Errorf("judged %v: delete and read must be skipped", got)
	}
}

func TestKubectlManifestMultiDocument(t *testing.T) {
	r := plantest.Resource{
		Address: "kubectl_manifest.stack", Type: "kubectl_manifest", Name: "stack",
		After: map[string]any{"yaml_body": `apiVersion: v1
kind: Namespace
metadata:
  name: team
---
# a comment-only document
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx
        securityContext: {privileged: true}
`},
	}
	inv := read(t, plantest.Plan(r))
	if len(inv.Objects) != 2 {
		t.Fatalf("objects %d", len(inv.Objects))
	}
	dep := inv.Objects[1]
	if dep.Kind != "Deployment" || dep.Doc != 2 || dep.Namespace != "team" || !*dep.Workload.Spec.Containers[0].SecurityContext.Privileged {
		t.Errorf("deployment %+v", dep)
	}
	if dep.Fields.TFPath("spec.template.spec.containers[0].securityContext.privileged") != "yaml_body" {
		t.Errorf("a path inside yaml_body is yaml_body")
	}
	// unknown yaml_body: the object cannot be judged and says so
	r.After, r.AfterUnknown = map[string]any{}, map[string]any{"yaml_body": true}
	inv = read(t, plantest.Plan(r))
	if len(inv.Objects) != 1 || inv.Objects[0].Opaque == "" {
		t.Errorf("unknown yaml_body: %+v", inv.Objects)
	}
	// malformed YAML is an error naming the attribute
	r.After, r.AfterUnknown = map[string]any{"yaml_body": "kind: [unclosed"}, nil
	p, _ := Parse(plantest.Plan(r))
	if _, err := NewReader().Read(p); err == nil || !strings.Contains(err.Error(), "kubectl_manifest.stack") || !strings.Contains(err.Error(), "yaml_body") {
		t.Errorf("malformed yaml_body: %v", err)
	}
}

func TestTypedRBACAndPSP(t *testing.T) {
	inv := readFixture(t, "rbac_violating.json")
	b := objectAt(t, inv, "kubernetes_cluster_role_binding_v1.anonymous_view")
	crb, ok := b.Typed.(*rbacv1.ClusterRoleBinding)
	if !ok || crb.RoleRef.Name != "view" || len(crb.Subjects) != 2 || crb.Subjects[0].Name != "system:anonymous" {
		t.Fatalf("binding %+v", b.Typed)
	}
	inv = readFixture(t, "augmented_psp_rbac.json")
	p, ok := objectAt(t, inv, "kubernetes_manifest.psp_privileged").Typed.(*psp.PodSecurityPolicy)
	if !ok || !p.Spec.Privileged || p.Name != "eks.privileged" {
		t.Fatalf("psp %+v", p)
	}
	inv = readFixture(t, "namespace_policy_compliant.json")
	lr, ok := objectAt(t, inv, "kubernetes_limit_range_v1.defaults").Typed.(*corev1.LimitRange)
	if !ok || len(lr.Spec.Limits) != 2 || lr.Spec.Limits[0].Default.Cpu().String() != "500m" || lr.Namespace != "apps" {
		t.Fatalf("limit range %+v", lr)
	}
}

func TestEKSFacts(t *testing.T) {
	inv := readFixture(t, "augmented_fargate_profile.json")
	if len(inv.Clusters) != 1 || inv.Clusters[0].Version != "1.31" || inv.Clusters[0].Name != "prod" {
		t.Errorf("clusters %+v", inv.Clusters)
	}
	if len(inv.FargateProfiles) != 1 || len(inv.FargateProfiles[0].Selectors) != 2 ||
		inv.FargateProfiles[0].Selectors[1].Labels["compute"] != "fargate" {
		t.Errorf("profiles %+v", inv.FargateProfiles)
	}
}

func TestBadTypedValue(t *testing.T) {
	r := typedPod(map[string]any{}, []any{map[string]any{}})
	spec := r.After["spec"].([]any)[0].(map[string]any)
	spec["security_context"] = []any{map[string]any{"run_as_user": "root"}}
	p, err := Parse(plantest.Plan(r))
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewReader().Read(p)
	if err == nil || !strings.Contains(err.Error(), "kubernetes_pod_v1.p") || !strings.Contains(err.Error(), "spec[0].security_context[0].run_as_user") {
		t.Errorf("error must name the address and attribute: %v", err)
	}
}

// TestEveryFixtureReads reads every fixture plan without error and finds Kubernetes objects
// in each that has resources plan-check reads.
func TestEveryFixtureReads(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.json"))
	if len(files) < 20 {
		t.Fatalf("%d fixtures", len(files))
	}
	r := NewReader()
	for _, f := range files {
		data, _ := os.ReadFile(f)
		p, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		readable := false
		for _, c := range p.changes {
			readable = readable || (c.h.willExist() && r.reads(c.h.typ) && !strings.HasPrefix(c.h.typ, "aws_"))
		}
		inv := read(t, data)
		if readable && len(inv.Objects) == 0 {
			t.Errorf("%s: no objects", filepath.Base(f))
		}
		for _, o := range inv.Objects {
			if o.Workload == nil && o.Typed == nil && o.Opaque == "" {
				t.Errorf("%s %s: empty object", filepath.Base(f), o.Address)
			}
		}
	}
}

func TestScanner(t *testing.T) {
	good := []string{`{}`, ` {"a": [1, -2.5e3, "x\"y", true, false, null, {"b": {}}]} `, `{"k\u0041": 1}`}
	for _, s := range good {
		if err := validJSON([]byte(s)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
		var tp tape
		if err := tp.parse([]byte(s)); err != nil {
			t.Errorf("tape %s: %v", s, err)
		}
	}
	bad := []string{``, `{`, `{"a"`, `{"a":}`, `{"a":1,}`, `{"a":[1,2}`, `{"a":"x`, `{"a":tru}`, `{} {}`}
	for _, s := range bad {
		if err := validJSON([]byte(s)); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
	var keys []string
	if _, err := eachMember([]byte(`{"k\u0041": {"x": [1, 2]}, "b": "s"}`), 0, func(key []byte, at int) (int, error) {
		keys = append(keys, string(key))
		return skipValue([]byte(`{"k\u0041": {"x": [1, 2]}, "b": "s"}`), at)
	}); err != nil || strings.Join(keys, ",") != "kA,b" {
		t.Errorf("members %v %v", keys, err)
	}
	var tp tape
	if err := tp.parse([]byte(`{"a": {"b": [10, {"c": "d"}]}, "e": null}`)); err != nil {
		t.Fatal(err)
	}
	a := tp.member(0, "a")
	b := tp.member(a, "b")
	if tp.count(b) != 2 || string(tp.raw(b+1)) != "10" || string(tp.raw(tp.member(tp.nodes[b+1].next, "c"))) != `"d"` || !tp.isNull(tp.member(0, "e")) || tp.member(0, "zz") != absent {
		t.Error("tape navigation")
	}
}

// smallSeeds are the fuzz seeds of the plan reader: the hostile corpus and a few synthetic
// plans, each under 2 KB so that fuzzing spends its time mutating, not minimizing.
func smallSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(hostileDir, "*.json"))
	for _, name := range files {
		if data, _ := os.ReadFile(name); len(data) > 0 && len(data) < 2048 && filepath.Base(name) != "expect.json" {
			f.Add(data)
		}
	}
	f.Add(plantest.Plan(plantest.Manifest("kubernetes_manifest.p", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: (sensitive)b}}\nspec: {containers: [{name: a, image: (unknown)}]}\n")))
	f.Add(plantest.Plan(typedPod(map[string]any{}, true)))
	f.Add([]byte(`{"format_version":"1.0","values":{}}`))
}

// FuzzRead: reading never panics, and is deterministic (two reads give identical objects
// or the same error); a plan it accepts is valid JSON.
func FuzzRead(f *testing.F) {
	smallSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		a, errA := readPlan(data)
		b, errB := readPlan(data)
		if (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) {
			t.Fatalf("two reads differ: %v / %v", errA, errB)
		}
		if errA != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatal("accepted a plan that is not valid JSON")
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatal("two reads give different objects")
		}
		for _, o := range a.Objects {
			if o.Fields == nil {
				t.Fatalf("%s: object without fields", o.Address)
			}
			if o.Workload == nil && o.Typed == nil && o.Opaque == "" {
				t.Fatalf("%s: an object with nothing to judge", o.Address)
			}
			_ = o.Fields.TFPath("spec.template.spec.containers[0].securityContext")
		}
	})
}

// FuzzYAML: a kubectl_manifest's yaml_body of any content never panics, reads
// deterministically, and anything it reads is an object with something to judge.
func FuzzYAML(f *testing.F) {
	for _, doc := range []string{
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b, securityContext: {privileged: true}}]\n",
		"kind: List\nitems:\n- {kind: Namespace, metadata: {name: n}}\n- kind: Pod\n  spec: {containers: [{name: a}]}\n---\nkind: Role\nrules: [{verbs: ['*']}]\n",
		"a: &x {b: 1}\nc: *x\nkind: PodList\nitems: [{spec: {hostPID: true, containers: []}}]\n",
		"kind: Deployment\nspec: {template: {spec: {securityContext: {runAsUser: 1e19}, containers: [{name: a}]}}}\n",
		"kind: \"N\\x61mespace\"\nmetadata: {name: ns}\n",
		"- 1\n- 2\n", "---\n# comment\n---\n", "{{", "kind: Pod\nkind: Pod\n",
	} {
		f.Add(doc)
	}
	r := NewReader()
	f.Fuzz(func(t *testing.T, body string) {
		data := plantest.Plan(plantest.Resource{Address: "kubectl_manifest.k", Type: "kubectl_manifest", Name: "k", After: map[string]any{"yaml_body": body}})
		read := func() (*Inventory, error) {
			p, err := Parse(data)
			if err != nil {
				t.Fatalf("the synthetic plan does not parse: %v", err)
			}
			return r.Read(p)
		}
		a, errA := read()
		b, errB := read()
		if (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) || !reflect.DeepEqual(a, b) {
			t.Fatalf("two reads differ: %v / %v", errA, errB)
		}
		if errA != nil {
			if !strings.Contains(errA.Error(), "kubectl_manifest.k") {
				t.Fatalf("error without the address: %v", errA)
			}
			return
		}
		for _, o := range a.Objects {
			if o.Fields == nil || (o.Workload == nil && o.Typed == nil && o.Opaque == "") {
				t.Fatalf("%s: an object with nothing to judge", o.Address)
			}
			if o.Fields.TFPath("spec") != "yaml_body" {
				t.Fatalf("a path inside yaml_body is not yaml_body: %s", o.Fields.TFPath("spec"))
			}
		}
	})
}
