package plan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestConvertTyped(t *testing.T) {
	r := NewReader()
	attrs := `{"id":"x","metadata":[{"name":"web","namespace":"apps","uid":"u"}],"spec":[{"template":[{"metadata":[{"labels":{"app":"web"}}],"spec":[{
		"automount_service_account_token":true,
		"container":[
			{"name":"a","image":null,"resources":null,"security_context":[{"allow_privilege_escalation":false,"capabilities":[{"add":[null,"NET_BIND_SERVICE",null],"drop":["ALL"]}]}]},
			null
		]}]}]}]}`
	unknown := `{"id":true,"metadata":[{"uid":true}],"spec":[{"template":[{"spec":[{"container":[
		{"image":true,"resources":true,"security_context":[{"capabilities":[{"add":[true,false,true]}]}]},
		true
	]}]}]}]}`
	obj, ok, err := r.ConvertTyped("kubernetes_deployment_v1", []byte(attrs), []byte(unknown))
	if err != nil || !ok {
		t.Fatalf("ConvertTyped: %v %v", ok, err)
	}
	if obj.Kind != "Deployment" || obj.APIVersion != "apps/v1" {
		t.Errorf("kind %s %s", obj.APIVersion, obj.Kind)
	}
	got, _ := json.Marshal(obj.Value)
	// The unwritten computed resources block is not written; the unknown image and the
	// unknown elements of add are null at their places; the unknown container is null.
	want := `{"metadata":{"name":"web","namespace":"apps"},"spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{"automountServiceAccountToken":true,"containers":[{"image":null,"name":"a","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"add":[null,"NET_BIND_SERVICE",null],"drop":["ALL"]}}},null]}}}}`
	if string(got) != want {
		t.Errorf("value\n got %s\nwant %s", got, want)
	}
	wantUnknown := []string{
		"spec.template.spec.containers[0].image",
		"spec.template.spec.containers[0].securityContext.capabilities.add[0]",
		"spec.template.spec.containers[0].securityContext.capabilities.add[2]",
		"spec.template.spec.containers[1]",
	}
	if !reflect.DeepEqual(obj.Unknown, wantUnknown) {
		t.Errorf("unknown %q, want %q", obj.Unknown, wantUnknown)
	}
	// In a pod that asks for runAsNonRoot, a container security_context block without
	// run_as_non_root is sent with false; one that writes it, or has no block, is not.
	obj, _, err = r.ConvertTyped("kubernetes_pod_v1", []byte(`{"spec":[{"security_context":[{"run_as_non_root":true}],"container":[
		{"name":"a","security_context":[{"privileged":false,"run_as_non_root":null}]},
		{"name":"b","security_context":[{"run_as_non_root":true}]},
		{"name":"c"}]}]}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = json.Marshal(obj.Value["spec"].(map[string]any)["containers"])
	if want := `[{"name":"a","securityContext":{"privileged":false,"runAsNonRoot":false}},{"name":"b","securityContext":{"runAsNonRoot":true}},{"name":"c"}]`; string(got) != want {
		t.Errorf("sent runAsNonRoot\n got %s\nwant %s", got, want)
	}
	for _, tc := range []struct{ typ, attrs, want string }{
		{"kubernetes_pod_v1", `{"spec":[{"container":[{"security_context":[{"run_as_user":"x"}]}]}]}`, `spec[0].container[0].security_context[0].run_as_user: the value is not an integer`},
		{"kubernetes_pod_v1", `{"spec":"x"}`, `spec[0]: expected a block (a list of one object), not a string`},
		{"kubernetes_pod_v1", `[]`, `are an object, not a list`},
	} {
		_, _, err := r.ConvertTyped(tc.typ, []byte(tc.attrs), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.attrs, err, tc.want)
		}
	}
	if _, ok, _ := r.ConvertTyped("kubernetes_labels", []byte(`{}`), nil); ok {
		t.Error("kubernetes_labels converts")
	}
	if _, ok, _ := r.ConvertTyped("aws_eks_access_policy_association", []byte(`{}`), nil); ok {
		t.Error("aws_eks_access_policy_association converts")
	}
	if obj, ok, err := r.ConvertTyped("kubernetes_config_map_v1", []byte(`{"metadata":[{"name":"aws-auth","namespace":"kube-system"}]}`), nil); !ok || err != nil || obj.Kind != "ConfigMap" {
		t.Errorf("kubernetes_config_map_v1: %+v %v %v", obj, ok, err)
	}
	if ts := r.TypedResourceTypes(); len(ts) == 0 || ts[0] != "kubernetes_cluster_role" {
		t.Errorf("types %v", ts)
	}
}

func TestManifestObjects(t *testing.T) {
	r := NewReader()
	list := `{"apiVersion":"v1","kind":"List","items":[
		{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"}]}}}},
		{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}},
		{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}
	]}`
	objs, err := r.ManifestObjects("object", []byte(list), []byte(`{"items":[{"spec":{"template":{"spec":{"containers":[{"image":true}]}}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.Kind)
	}
	if strings.Join(kinds, " ") != "ConfigMap Namespace Deployment" { // context kinds first
		t.Fatalf("objects %v", kinds)
	}
	d := objs[2]
	if d.ListItem != "items[0]" || d.Namespace != "default" || !d.Fields.Unknown("spec.template.spec.containers[0].image") {
		t.Errorf("deployment %+v unknown %v", d, d.Fields.UnknownPaths())
	}
	objs, err = r.ManifestObjects("object", []byte(`{"apiVersion":"v1","kind":null}`), []byte(`{"kind":true}`))
	if err != nil || len(objs) != 1 || objs[0].Opaque == "" {
		t.Errorf("unknown kind: %+v %v", objs, err)
	}
	objs, err = r.ManifestObjects("object", []byte(`null`), []byte(`true`))
	if err != nil || len(objs) != 1 || objs[0].Opaque == "" {
		t.Errorf("unknown value: %+v %v", objs, err)
	}
	for _, tc := range []struct{ value, want string }{
		{`"x"`, `object: expected an object (a Kubernetes manifest), not a string`},
		{`{"apiVersion":"v1"}`, `object: the manifest has no kind`},
		{`{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a","securityContext":{"runAsUser":"0"}}]}}`, `object.spec.containers[0].securityContext.runAsUser: expected an integer (int64), not a string`},
		{`null`, `object is null`},
	} {
		_, err := r.ManifestObjects("object", []byte(tc.value), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.value, err, tc.want)
		}
	}
}

// FuzzConvertTyped: any attributes and marks convert or fail with an error, never panic,
// and what converts is valid JSON with an UnknownValue at each unknown path's place.
func FuzzConvertTyped(f *testing.F) {
	f.Add([]byte(`{"spec":[{"template":[{"spec":[{"container":[{"name":"a","security_context":[{"capabilities":[{"add":[null,"X"]}]}]},null]}]}]}]}`),
		[]byte(`{"spec":[{"template":[{"spec":[{"container":[{"security_context":[{"capabilities":[{"add":[true,false]}]}]},true]}]}]}]}`))
	f.Add([]byte(`{"metadata":[{"annotations":{"a":null,"b":"x"}}]}`), []byte(`{"metadata":[{"annotations":{"a":true}}]}`))
	f.Add([]byte(`{}`), []byte(`true`))
	r := NewReader()
	f.Fuzz(func(t *testing.T, attrs, unknown []byte) {
		obj, _, err := r.ConvertTyped("kubernetes_deployment_v1", attrs, unknown)
		if err != nil || obj.Value == nil {
			return
		}
		if _, err := json.Marshal(obj.Value); err != nil {
			t.Fatalf("value does not encode: %v", err)
		}
	})
}
