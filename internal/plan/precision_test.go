package plan

import (
	"encoding/json"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// withConfig replaces the configuration section of a synthetic plan.
func withConfig(t *testing.T, plan []byte, cfg string) []byte {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(plan, &p); err != nil {
		t.Fatal(err)
	}
	var c any
	if err := json.Unmarshal([]byte(cfg), &c); err != nil {
		t.Fatal(err)
	}
	p["configuration"] = c
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rc is a kubernetes_replication_controller_v1 as the provider plans one with only a
// container written: the host namespaces and the pod security context unknown
// (computed), the container's resources unknown; podCfg is the pod spec's configuration.
func rc(module string, podCfg map[string]any) plantest.Resource {
	return plantest.Resource{
		Address: module + "kubernetes_replication_controller_v1.web", Module: trimDot(module),
		Type: "kubernetes_replication_controller_v1", Name: "web",
		After: map[string]any{
			"metadata": []any{map[string]any{"name": "web", "namespace": "apps"}},
			"spec": []any{map[string]any{"template": []any{map[string]any{
				"metadata": []any{map[string]any{"labels": map[string]any{"app": "web"}}},
				"spec": []any{map[string]any{
					"container": []any{map[string]any{"name": "web", "image": "nginx", "security_context": []any{},
						"resources": []any{map[string]any{}}}},
				}},
			}}}},
		},
		AfterUnknown: map[string]any{"spec": []any{map[string]any{"template": []any{map[string]any{
			"metadata": []any{map[string]any{"annotations": true}},
			"spec": []any{map[string]any{
				"host_network": true, "host_pid": true, "host_ipc": true, "security_context": true,
				"container": []any{map[string]any{"resources": []any{map[string]any{"limits": true, "requests": true}}}},
			}},
		}}}}},
		Expressions: map[string]any{"spec": []any{map[string]any{"template": []any{map[string]any{
			"metadata": []any{map[string]any{"annotations": map[string]any{"references": []any{"kubernetes_config_map_v1.c.data"}}}},
			"spec":     []any{podCfg},
		}}}}},
	}
}

func trimDot(m string) string {
	if m == "" {
		return ""
	}
	return m[:len(m)-1]
}

func container(resources map[string]any) map[string]any {
	return map[string]any{"container": []any{map[string]any{
		"name": map[string]any{"constant_value": "web"}, "resources": []any{resources},
	}}}
}

func TestComputedNeverWritten(t *testing.T) {
	r := rc("", container(map[string]any{}))
	// No resources block written: the provider plans the whole block unknown.
	pod := r.After["spec"].([]any)[0].(map[string]any)["template"].([]any)[0].(map[string]any)["spec"].([]any)[0].(map[string]any)
	delete(pod["container"].([]any)[0].(map[string]any), "resources")
	podU := r.AfterUnknown["spec"].([]any)[0].(map[string]any)["template"].([]any)[0].(map[string]any)["spec"].([]any)[0].(map[string]any)
	podU["container"] = []any{map[string]any{"resources": true}}
	plan := withConfig(t, plantest.Plan(r),
		`{"root_module": {"resources": [{"address": "kubernetes_replication_controller_v1.web", "mode": "managed",
		  "type": "kubernetes_replication_controller_v1", "name": "web",
		  "expressions": {"spec": [{"template": [{"spec": [{"container": [{"name": {"constant_value": "web"}}]}]}]}]}}]}}`)
	o := objectAt(t, read(t, plan), "kubernetes_replication_controller_v1.web")
	s := o.Workload.Spec
	if s.HostNetwork || s.HostPID || s.HostIPC || s.SecurityContext != nil {
		t.Errorf("nothing written, nothing sent: %+v", s)
	}
	for _, p := range []string{"hostNetwork", "hostPID", "hostIPC", "securityContext", "securityContext.runAsNonRoot", "containers[0].resources"} {
		if o.Fields.UnknownWithin("spec.template.spec." + p) {
			t.Errorf("%s: not written, so not unknown (%v)", p, o.Fields.UnknownPaths())
		}
	}
	// A Deployment's host_network is not computed: unknown there is unknown.
	dep := plantest.Resource{
		Address: "kubernetes_deployment_v1.d", Type: "kubernetes_deployment_v1", Name: "d",
		After: map[string]any{"metadata": []any{map[string]any{"name": "d"}}, "spec": []any{map[string]any{"template": []any{map[string]any{
			"spec": []any{map[string]any{"container": []any{map[string]any{"name": "c"}}}}}}}}},
		AfterUnknown: map[string]any{"spec": []any{map[string]any{"template": []any{map[string]any{"spec": []any{map[string]any{"host_network": true}}}}}}},
		Expressions:  map[string]any{"spec": []any{map[string]any{"template": []any{map[string]any{"spec": []any{map[string]any{}}}}}}},
	}
	if o := objectAt(t, read(t, plantest.Plan(dep)), "kubernetes_deployment_v1.d"); !o.Fields.Unknown("spec.template.spec.hostNetwork") {
		t.Errorf("a Deployment's host_network unknown in the plan is unknown: %v", o.Fields.UnknownPaths())
	}
}

func TestComputedWrittenFromVariables(t *testing.T) {
	pod := container(map[string]any{
		"requests": map[string]any{"references": []any{"var.resources.requests", "var.resources"}},
		"limits":   map[string]any{"references": []any{"var.secret_limits"}},
	})
	pod["host_network"] = map[string]any{"references": []any{"var.host_network"}}
	pod["host_pid"] = map[string]any{"references": []any{"kubernetes_config_map_v1.c.data"}}
	pod["host_ipc"] = map[string]any{"constant_value": false}
	pod["security_context"] = map[string]any{"references": []any{"local.sc"}}
	res := rc(`module.agent["a"].`, pod)
	resJSON, _ := json.Marshal(res.Expressions)
	cfg := `{"root_module": {
	  "variables": {"agents": {}, "limits": {"sensitive": true}},
	  "module_calls": {"agent": {
	    "for_each_expression": {"references": ["var.agents"]},
	    "expressions": {
	      "resources": {"references": ["each.value.resources", "each.value"]},
	      "host_network": {"references": ["each.value.host_network", "each.value"]},
	      "secret_limits": {"references": ["var.limits"]}
	    },
	    "module": {
	      "variables": {"resources": {}, "host_network": {}, "secret_limits": {}},
	      "resources": [{"address": "kubernetes_replication_controller_v1.web", "mode": "managed",
	        "type": "kubernetes_replication_controller_v1", "name": "web", "expressions": ` + string(resJSON) + `}]
	    }
	  }}
	}}`
	o := objectAt(t, read(t, withConfig(t, plantest.Plan(res), cfg)), `module.agent["a"].kubernetes_replication_controller_v1.web`)
	f := o.Fields
	sp := "spec.template.spec."
	for _, p := range []string{"containers[0].resources.requests", "containers[0].resources.limits", "hostNetwork"} {
		if f.UnknownWithin(sp + p) {
			t.Errorf("%s: written from variables the plan knows, so known (empty: not sent): %v", p, f.UnknownPaths())
		}
	}
	if !f.Sensitive(sp + "containers[0].resources.limits") {
		t.Error("limits come from a sensitive variable: sensitive")
	}
	if f.Sensitive(sp + "containers[0].resources.requests") {
		t.Error("requests come from no sensitive variable")
	}
	if !f.Unknown(sp+"hostPID") || !f.Unknown(sp+"securityContext") {
		t.Errorf("written from a resource attribute or a local: unknown until apply (%v)", f.UnknownPaths())
	}
	if f.Unknown(sp+"hostIPC") || o.Workload.Spec.HostIPC {
		t.Errorf("written false: false (%v)", f.UnknownPaths())
	}
	if len(o.Workload.Spec.Containers[0].Resources.Requests) != 0 {
		t.Errorf("nothing sent: %+v", o.Workload.Spec.Containers[0].Resources)
	}
}

// fakeSource answers WrittenKeys from a table, and records the questions.
type fakeSource struct {
	keys  map[string][]string
	asked []string
}

func (s *fakeSource) WrittenKeys(address, tfPath string) ([]string, bool) {
	s.asked = append(s.asked, address+" "+tfPath)
	k, ok := s.keys[address+" "+tfPath]
	return k, ok
}

func TestWrittenKeys(t *testing.T) {
	data := plantest.Plan(rc("", container(map[string]any{})))
	p, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	const at = "kubernetes_replication_controller_v1.web spec[0].template[0].metadata[0].annotations"
	const annotations = "spec.template.metadata.annotations"
	for _, c := range []struct {
		name   string
		source Source
		// whole: the map is unknown; key: the checksum key is.
		whole, key bool
	}{
		{"no source", nil, true, false},
		{"literal keys", &fakeSource{keys: map[string][]string{at: {"checksum/config"}}}, false, true},
		{"a key is computed", &fakeSource{}, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			inv, err := NewReaderWith(ReaderOptions{Source: c.source}).Read(p)
			if err != nil {
				t.Fatal(err)
			}
			o := objectAt(t, inv, "kubernetes_replication_controller_v1.web")
			if got := o.Fields.Unknown(annotations); got != c.whole {
				t.Errorf("annotations unknown = %v, want %v (%v)", got, c.whole, o.Fields.UnknownPaths())
			}
			if got := o.Fields.Unknown(annotations + `["checksum/config"]`); got != (c.whole || c.key) {
				t.Errorf("checksum key unknown = %v (%v)", got, o.Fields.UnknownPaths())
			}
			if c.key && (o.Fields.Unknown(annotations+`["container.apparmor.security.beta.kubernetes.io/web"]`) || len(o.Workload.Template.Annotations) != 0) {
				t.Errorf("the keys are known: no other key is unknown, no value is known (%v, %v)", o.Fields.UnknownPaths(), o.Workload.Template.Annotations)
			}
			if fs, ok := c.source.(*fakeSource); ok && (len(fs.asked) != 1 || fs.asked[0] != at) {
				t.Errorf("asked %q, want once %q", fs.asked, at)
			}
		})
	}
}

// TestGeneratedNameStaysUnknown: metadata.name is computed, but not written it is not
// unset: the API server generates it from generate_name.
func TestGeneratedNameStaysUnknown(t *testing.T) {
	sa := plantest.Resource{
		Address: "kubernetes_service_account_v1.runner", Type: "kubernetes_service_account_v1", Name: "runner",
		After:        map[string]any{"metadata": []any{map[string]any{"generate_name": "runner-", "namespace": "ci"}}},
		AfterUnknown: map[string]any{"metadata": []any{map[string]any{"name": true, "uid": true}}},
		Expressions:  map[string]any{"metadata": []any{map[string]any{"generate_name": map[string]any{"constant_value": "runner-"}}}},
	}
	o := objectAt(t, read(t, plantest.Plan(sa)), "kubernetes_service_account_v1.runner")
	if !o.Fields.Unknown("metadata.name") || o.Name != "runner-" {
		t.Errorf("a generated name is unknown until apply: %v %q", o.Fields.UnknownPaths(), o.Name)
	}
}

// dynamicSource is a Source that also says where dynamic blocks are.
type dynamicSource struct {
	fakeSource
	dynamic map[string]bool
}

func (s *dynamicSource) Dynamic(address, tfPath string) bool { return s.dynamic[address+" "+tfPath] }

// TestDynamicComputedBlock: a computed block wholly unknown that the configuration section
// does not write is not written, unless the source says a dynamic block writes it.
func TestDynamicComputedBlock(t *testing.T) {
	r := rc("", container(map[string]any{}))
	plan := withConfig(t, plantest.Plan(r),
		`{"root_module": {"resources": [{"address": "kubernetes_replication_controller_v1.web", "mode": "managed",
		  "type": "kubernetes_replication_controller_v1", "name": "web",
		  "expressions": {"spec": [{"template": [{"spec": [{"container": [{"name": {"constant_value": "web"}}]}]}]}]}}]}}`)
	p, err := Parse(plan)
	if err != nil {
		t.Fatal(err)
	}
	const sc = "spec.template.spec.securityContext"
	for _, c := range []struct {
		name   string
		source Source
		want   bool
	}{
		{"no source", nil, false},
		{"a source without dynamic blocks", &fakeSource{}, false},
		{"not dynamic", &dynamicSource{dynamic: map[string]bool{}}, false},
		{"dynamic", &dynamicSource{dynamic: map[string]bool{"kubernetes_replication_controller_v1.web spec[0].template[0].spec[0].security_context": true}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			inv, err := NewReaderWith(ReaderOptions{Source: c.source}).Read(p)
			if err != nil {
				t.Fatal(err)
			}
			o := objectAt(t, inv, "kubernetes_replication_controller_v1.web")
			if got := o.Fields.Unknown(sc); got != c.want {
				t.Errorf("pod security context unknown = %v, want %v (%v)", got, c.want, o.Fields.UnknownPaths())
			}
		})
	}
}
