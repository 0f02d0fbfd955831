package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

func readPrior(t *testing.T, data []byte) *Inventory {
	t.Helper()
	p, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := NewReaderWith(ReaderOptions{Before: true}).Read(p)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func readPriorFixture(t *testing.T, name string) *Inventory {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return readPrior(t, data)
}

func priorAt(t *testing.T, inv *Inventory, addr string) *Object {
	t.Helper()
	if inv.Before == nil {
		t.Fatal("no Before inventory")
	}
	for _, o := range inv.Before.Objects {
		if o.Address == addr {
			if !o.Before {
				t.Errorf("%s: a prior object without Before", addr)
			}
			return o
		}
	}
	t.Fatalf("no prior object %s", addr)
	return nil
}

// TestPriorOffByDefault: without ReaderOptions.Before nothing of `before` is read.
func TestPriorOffByDefault(t *testing.T) {
	inv := readFixture(t, "update_fix.json")
	if inv.Before != nil {
		t.Fatal("Before read without ReaderOptions.Before")
	}
	for _, o := range inv.Objects {
		if o.Before {
			t.Errorf("%s: prior object emitted", o.Address)
		}
	}
}

// TestPriorTypedDeployment reads update_fix's before: the violating Deployment as the API
// server returned it, beside the fixed one planned.
func TestPriorTypedDeployment(t *testing.T) {
	inv := readPriorFixture(t, "update_fix.json")
	after := objectAt(t, inv, "kubernetes_deployment_v1.report_builder")
	before := priorAt(t, inv, "kubernetes_deployment_v1.report_builder")
	if after.Before || inv.Before.Resources != 1 || inv.Resources != 1 {
		t.Fatalf("after.Before %v, resources %d/%d", after.Before, inv.Resources, inv.Before.Resources)
	}
	bs, as := before.Workload.Spec, after.Workload.Spec
	if !bs.HostPID || as.HostPID {
		t.Errorf("hostPID before %v after %v", bs.HostPID, as.HostPID)
	}
	c := bs.Containers[0]
	if c.SecurityContext == nil || c.SecurityContext.Privileged == nil || !*c.SecurityContext.Privileged {
		t.Errorf("before container not privileged: %+v", c.SecurityContext)
	}
	if c.SecurityContext.RunAsUser == nil || *c.SecurityContext.RunAsUser != 0 {
		t.Errorf("before runAsUser %v, want 0", c.SecurityContext.RunAsUser)
	}
	if len(bs.Volumes) != 1 || bs.Volumes[0].HostPath == nil || bs.Volumes[0].HostPath.Path != "/var/run/docker.sock" {
		t.Errorf("before volumes %+v", bs.Volumes)
	}
	// Server-side values: resources are known empty maps, not unknown.
	if len(c.Resources.Requests) != 0 || before.Fields.UnknownWithin("spec") {
		t.Errorf("before resources %+v, unknown %v", c.Resources, before.Fields.UnknownPaths())
	}
	if got := before.Fields.TFPath("spec.template.spec.containers[0].securityContext.privileged"); got != "spec[0].template[0].spec[0].container[0].security_context[0].privileged" {
		t.Errorf("TFPath %s", got)
	}
}

// TestPriorContextAndDeletes: Roles of update_role_wildcard before are in the Before
// context; a deleted resource has a prior object and no planned one.
func TestPriorContextAndDeletes(t *testing.T) {
	inv := readPriorFixture(t, "update_role_wildcard.json")
	r := priorAt(t, inv, "kubernetes_role_v1.config_reader").Typed.(*rbacv1.Role)
	if got := strings.Join(r.Rules[0].Verbs, ","); got != "get,list,watch" {
		t.Errorf("before verbs %s", got)
	}
	if got := strings.Join(objectAt(t, inv, "kubernetes_role_v1.config_reader").Typed.(*rbacv1.Role).Rules[0].Verbs, ","); got != "*" {
		t.Errorf("after verbs %s", got)
	}
	// no-op bindings have a prior value too
	priorAt(t, inv, "kubernetes_role_binding_v1.config_reader")

	inv = readPriorFixture(t, "update_replace.json")
	for _, o := range inv.Objects {
		if o.Address == "kubernetes_daemon_set_v1.node_debug" || o.Address == "kubernetes_limit_range_v1.batch_defaults" {
			t.Errorf("%s is deleted but has a planned object", o.Address)
		}
	}
	ds := priorAt(t, inv, "kubernetes_daemon_set_v1.node_debug")
	if ds.Workload == nil || !ds.Workload.Spec.HostPID {
		t.Errorf("deleted DaemonSet before: %+v", ds.Workload)
	}
	priorAt(t, inv, "kubernetes_limit_range_v1.batch_defaults")
	// the replaced Job: both sides
	objectAt(t, inv, "kubernetes_job_v1.migrate")
	if !priorAt(t, inv, "kubernetes_job_v1.migrate").Workload.Spec.HostNetwork {
		t.Error("Job before is not on the host network")
	}
	if inv.Resources != 2 || inv.Before.Resources != 4 {
		t.Errorf("resources after %d before %d, want 2 and 4", inv.Resources, inv.Before.Resources)
	}
}

// TestPriorManifestObject reads a kubernetes_manifest's before from `object`, without the
// objects of nulls the provider writes for every unset field of the schema.
func TestPriorManifestObject(t *testing.T) {
	inv := readPriorFixture(t, "update_manifest.json")
	before := priorAt(t, inv, "kubernetes_manifest.api")
	spec := before.Workload.Spec
	if len(spec.Volumes) != 1 {
		t.Fatalf("volumes %+v", spec.Volumes)
	}
	v := spec.Volumes[0].VolumeSource
	if v.EmptyDir == nil || v.HostPath != nil || v.Secret != nil || v.ConfigMap != nil || v.Ephemeral != nil {
		t.Errorf("volume source %+v: want only emptyDir", v)
	}
	c := spec.Containers[0]
	if c.SecurityContext.SeccompProfile != nil || c.SecurityContext.AppArmorProfile != nil || c.SecurityContext.SELinuxOptions != nil || c.LivenessProbe != nil || c.Lifecycle != nil {
		t.Errorf("unset fields read as set: %+v", c.SecurityContext)
	}
	if spec.SecurityContext == nil || spec.SecurityContext.SeccompProfile == nil || spec.SecurityContext.SeccompProfile.Type != "RuntimeDefault" {
		t.Errorf("pod seccomp %+v", spec.SecurityContext)
	}
	if spec.Affinity != nil || spec.HostNetwork || spec.DNSConfig != nil {
		t.Errorf("affinity %+v hostNetwork %v", spec.Affinity, spec.HostNetwork)
	}
	// Server-side defaults are what exists now.
	if c.ImagePullPolicy != "IfNotPresent" || c.Ports[0].Protocol != "TCP" {
		t.Errorf("server defaults lost: %q %q", c.ImagePullPolicy, c.Ports[0].Protocol)
	}
	if got := before.Fields.TFPath("spec.template.spec.hostNetwork"); got != "manifest.spec.template.spec.hostNetwork" {
		t.Errorf("TFPath %s", got)
	}
	if !objectAt(t, inv, "kubernetes_manifest.api").Workload.Spec.HostNetwork {
		t.Error("after: no hostNetwork")
	}
	cr := priorAt(t, inv, "kubernetes_manifest.pod_reader").Typed.(*rbacv1.ClusterRole)
	if cr.AggregationRule != nil || len(cr.Rules) != 1 || strings.Join(cr.Rules[0].Resources, ",") != "pods" {
		t.Errorf("ClusterRole before %+v", cr)
	}
	if _, ok := priorAt(t, inv, "kubernetes_manifest.pod_reader_everyone").Typed.(*rbacv1.ClusterRoleBinding); !ok {
		t.Error("binding before not read")
	}
}

// TestPrunedObject: what is kept of an object of the provider's shape.
func TestPrunedObject(t *testing.T) {
	for _, c := range []struct{ object, manifest, want string }{
		{`{"a":null,"b":{"c":null},"d":1}`, `{}`, `{"d":1}`},
		{`{"emptyDir":{"medium":null},"hostPath":{"path":null}}`, `{"emptyDir":{}}`, `{"emptyDir":{}}`},
		{`{"l":[{"x":null},{"x":1},null,"s"]}`, `{}`, `{"l":[{},{"x":1},null,"s"]}`},
		{`{"m":{},"n":{"o":{"p":null}}}`, `{}`, `{"m":{}}`},
		{`{"k":"v\"w","z":[]}`, `{}`, `{"k":"v\"w","z":[]}`},
		{`{"a":{"b":{"c":null}}}`, `{"a":{"b":{}}}`, `{"a":{"b":{}}}`},
	} {
		doc := `{"o":` + c.object + `,"m":` + c.manifest + `}`
		var tp tape
		if err := tp.parse([]byte(doc)); err != nil {
			t.Fatal(err)
		}
		got := string(prunedObject(&tp, tp.member(0, "o"), tp.member(0, "m")))
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.object, got, c.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("invalid JSON %s", got)
		}
	}
}

// TestPriorSensitive: before_sensitive marks the prior object's fields as after_sensitive
// marks the planned one's; a manifest mark the object's marks do not cover makes the whole
// prior object sensitive.
func TestPriorSensitive(t *testing.T) {
	p := decodeJSON(t, "update_fix.json")
	ch := changeOf(t, p, "kubernetes_deployment_v1.report_builder")
	ch["before_sensitive"] = map[string]any{"spec": []any{map[string]any{"template": []any{map[string]any{"spec": []any{map[string]any{"container": []any{map[string]any{"image": true}}}}}}}}}
	inv := readPrior(t, encodeJSON(t, p))
	before := priorAt(t, inv, "kubernetes_deployment_v1.report_builder")
	if !before.Fields.Sensitive("spec.template.spec.containers[0].image") {
		t.Error("before image not sensitive")
	}
	if objectAt(t, inv, "kubernetes_deployment_v1.report_builder").Fields.Sensitive("spec.template.spec.containers[0].image") {
		t.Error("after image sensitive")
	}

	p = decodeJSON(t, "update_manifest.json")
	ch = changeOf(t, p, "kubernetes_manifest.api")
	bs := ch["before_sensitive"].(map[string]any)
	bs["manifest"].(map[string]any)["spec"].(map[string]any)["replicas"] = true
	before = priorAt(t, readPrior(t, encodeJSON(t, p)), "kubernetes_manifest.api")
	if !before.Fields.Sensitive("spec.template.spec.containers[0].name") {
		t.Error("a manifest mark the object's marks miss: the prior object is not wholly sensitive")
	}
}

// TestPriorErrors: a malformed before is refused, naming the address and change.before.
func TestPriorErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  func(ch map[string]any)
		want string
	}{
		{"before a list", func(ch map[string]any) { ch["before"] = []any{} }, "change.before is an object, not a list"},
		{"before null", func(ch map[string]any) { ch["before"] = nil }, "change.before: it is null"},
		{"before_sensitive a string", func(ch map[string]any) { ch["before_sensitive"] = "x" }, "change.before_sensitive is an object or a boolean"},
		{"mark of the wrong shape", func(ch map[string]any) {
			ch["before_sensitive"] = map[string]any{"spec": map[string]any{}}
		}, "change.before: spec[0]: before_sensitive is a list or a boolean here"},
		{"privileged a string", func(ch map[string]any) {
			b := ch["before"].(map[string]any)
			c := b["spec"].([]any)[0].(map[string]any)["template"].([]any)[0].(map[string]any)["spec"].([]any)[0].(map[string]any)["container"].([]any)[0].(map[string]any)
			c["security_context"].([]any)[0].(map[string]any)["privileged"] = []any{}
		}, "change.before: spec[0].template[0].spec[0].container[0].security_context[0].privileged"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := decodeJSON(t, "update_fix.json")
			c.mod(changeOf(t, p, "kubernetes_deployment_v1.report_builder"))
			parsed, err := Parse(encodeJSON(t, p))
			if err != nil {
				t.Fatal(err)
			}
			// The planned value alone is fine.
			if _, err := NewReader().Read(parsed); err != nil {
				t.Fatalf("after-only read: %v", err)
			}
			_, err = NewReaderWith(ReaderOptions{Before: true}).Read(parsed)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "kubernetes_deployment_v1.report_builder: ") {
				t.Fatalf("error %v, want the address and %q", err, c.want)
			}
		})
	}
}

// TestPriorDeploymentShape: the typed prior object decodes to the same Go type.
func TestPriorDeploymentShape(t *testing.T) {
	inv := readPriorFixture(t, "update_escalation.json")
	b := priorAt(t, inv, "kubernetes_deployment_v1.log_viewer")
	if b.Kind != "Deployment" || b.Namespace != "tools" || b.Name != "log-viewer" {
		t.Errorf("identity %s %s/%s", b.Kind, b.Namespace, b.Name)
	}
	if _, ok := b.Typed.(*appsv1.Deployment); ok {
		t.Error("a workload is read as Workload, not Typed")
	}
	sc := b.Workload.Spec.Containers[0].SecurityContext
	if sc.Privileged == nil || *sc.Privileged || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("before security context %+v", sc)
	}
}

func decodeJSON(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func encodeJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func changeOf(t *testing.T, p map[string]any, addr string) map[string]any {
	t.Helper()
	for _, rc := range p["resource_changes"].([]any) {
		m := rc.(map[string]any)
		if m["address"] == addr {
			return m["change"].(map[string]any)
		}
	}
	t.Fatalf("no change %s", addr)
	return nil
}
