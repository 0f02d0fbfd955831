package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

var update = os.Getenv("UPDATE_GOLDEN") != ""

// strictDecode decodes JSON into a typed object, rejecting unknown fields: what the
// renderer writes is exactly the API's shape.
func strictDecode(t *testing.T, m map[string]any, into any) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("strict decode into %T: %v\n%s", into, err, b)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (UPDATE_GOLDEN=1 go test ./internal/render)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func render(t *testing.T, p profile.Profile, name string) map[string]any {
	t.Helper()
	res, err := PodSecurityPolicy(p, name, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Generic(res.Policy)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRestrictedPSPIsTheGuides: the restricted profile renders the guide's restricted
// policy field for field (golden YAML), and it decodes strictly into the PSP type.
func TestRestrictedPSPIsTheGuides(t *testing.T) {
	m := render(t, mustProfile(t, profile.Restricted, profile.Options{}), "")
	y, err := YAML(m)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "psp-restricted.yaml", y)
	var p psp.PodSecurityPolicy
	strictDecode(t, m, &p)
	s := p.Spec
	if p.Name != "restricted" || s.Privileged || s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation ||
		strings.Join(s.RequiredDropCapabilities, ",") != "ALL" ||
		strings.Join(s.Volumes, ",") != "configMap,emptyDir,projected,secret,downwardAPI,persistentVolumeClaim" ||
		s.HostNetwork || s.HostIPC || s.HostPID || s.RunAsUser.Rule != "MustRunAsNonRoot" || s.SELinux.Rule != "RunAsAny" ||
		s.SupplementalGroups.Rule != "MustRunAs" || s.SupplementalGroups.Ranges[0] != (psp.IDRange{Min: 1, Max: 65535}) ||
		s.FSGroup.Rule != "MustRunAs" || s.FSGroup.Ranges[0] != (psp.IDRange{Min: 1, Max: 65535}) || s.ReadOnlyRootFilesystem {
		t.Errorf("restricted PSP: %+v", p)
	}
	for k, v := range map[string]string{
		psp.SeccompAllowedProfilesAnnotation:  "docker/default,runtime/default",
		psp.SeccompDefaultProfileAnnotation:   "runtime/default",
		psp.AppArmorAllowedProfilesAnnotation: "runtime/default",
		psp.AppArmorDefaultProfileAnnotation:  "runtime/default",
	} {
		if p.Annotations[k] != v {
			t.Errorf("annotation %s = %q, want %q", k, p.Annotations[k], v)
		}
	}
	// the guide writes privileged: false etc. explicitly
	for _, field := range []string{"privileged: false", "hostNetwork: false", "hostIPC: false", "hostPID: false", "readOnlyRootFilesystem: false", "allowPrivilegeEscalation: false"} {
		if !strings.Contains(y, field) {
			t.Errorf("YAML lacks %q", field)
		}
	}
}

// TestPSPName: the name defaults to the profile's, and says so.
func TestPSPName(t *testing.T) {
	res, err := PodSecurityPolicy(mustProfile(t, profile.Baseline, profile.Options{}), "", Meta{})
	if err != nil || res.Policy.Name != "baseline" || len(res.Defaults) != 1 || res.Defaults[0].String() != `name is not set: its default is "baseline"` {
		t.Errorf("%+v %v", res, err)
	}
	res, err = PodSecurityPolicy(mustProfile(t, profile.Baseline, profile.Options{}), "mine", Meta{})
	if err != nil || res.Policy.Name != "mine" || len(res.Defaults) != 0 || len(res.Objects()) != 1 {
		t.Errorf("%+v %v", res, err)
	}
	if _, err := PodSecurityPolicy(mustRestricted(t), "Bad Name", Meta{}); err == nil || err.(FieldErrors)[0].Summary != "Cannot render the policy" {
		t.Errorf("%v", err)
	}
}

func TestPSPProfiles(t *testing.T) {
	priv := render(t, mustProfile(t, profile.Privileged, profile.Options{}), "")
	var p psp.PodSecurityPolicy
	strictDecode(t, priv, &p)
	if !p.Spec.Privileged || !p.Spec.HostNetwork || p.Spec.RunAsUser.Rule != "RunAsAny" || p.Spec.Volumes[0] != "*" || p.Spec.AllowedCapabilities[0] != "*" {
		t.Errorf("privileged PSP %+v", p.Spec)
	}
	y, _ := YAML(priv)
	golden(t, "psp-privileged.yaml", y)

	far := render(t, mustProfile(t, profile.Baseline, profile.Options{Fargate: true}), "baseline-fargate")
	var f psp.PodSecurityPolicy
	strictDecode(t, far, &f)
	if f.Spec.Privileged || f.Spec.HostNetwork || len(f.Spec.HostPorts) != 0 || len(f.Spec.AllowedCapabilities) != 0 || f.Name != "baseline-fargate" {
		t.Errorf("Fargate baseline: %+v", f.Spec)
	}

	hp := render(t, mustProfile(t, profile.Restricted, profile.Options{
		AllowedHostPaths: []profile.HostPath{{PathPrefix: "/var/log/", ReadOnly: true}}, AdditionalVolumes: []string{"csi"},
	}), "")
	var h psp.PodSecurityPolicy
	strictDecode(t, hp, &h)
	if len(h.Spec.AllowedHostPaths) != 1 || h.Spec.AllowedHostPaths[0].PathPrefix != "/var/log" || !h.Spec.AllowedHostPaths[0].ReadOnly ||
		!strings.Contains(strings.Join(h.Spec.Volumes, ","), "hostPath") || !strings.Contains(strings.Join(h.Spec.Volumes, ","), "csi") {
		t.Errorf("host paths/volumes %+v", h.Spec)
	}
}

func TestDeterministic(t *testing.T) {
	p := mustProfile(t, profile.Baseline, profile.Options{AllowedCapabilities: []string{"NET_ADMIN", "SYS_TIME"}})
	first := ""
	for i := 0; i < 20; i++ {
		res, _ := PodSecurityPolicy(p, "", Meta{Labels: map[string]string{"b": "2", "a": "1", "c": "3"}, Annotations: map[string]string{"z": "1", "y": "2"}})
		m, _ := Generic(res.Policy)
		y, _ := YAML(m)
		j, _ := JSON(m)
		if i == 0 {
			first = y + j
		} else if y+j != first {
			t.Fatal("rendering is not byte-identical")
		}
	}
}

func TestRBAC(t *testing.T) {
	res, err := PolicyRBAC("restricted", "", []Binding{
		{Namespace: "team-b", ServiceAccounts: []string{"web", "api"}},
		{Namespace: "team-a"},
	}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	objs, _ := All(res.Objects()...)
	var c rbacv1.ClusterRole
	strictDecode(t, objs[0], &c)
	if c.Name != "psp:restricted" || len(c.Rules) != 1 || c.Rules[0].ResourceNames[0] != "restricted" || c.Rules[0].Verbs[0] != "use" ||
		c.Rules[0].APIGroups[0] != "policy" || c.Rules[0].Resources[0] != "podsecuritypolicies" {
		t.Errorf("cluster role %+v", c)
	}
	var a, b rbacv1.RoleBinding
	strictDecode(t, objs[1], &a)
	strictDecode(t, objs[2], &b)
	if a.Namespace != "team-a" || a.Subjects[0].Name != "system:serviceaccounts:team-a" || a.Subjects[0].Kind != "Group" || a.RoleRef.Name != "psp:restricted" {
		t.Errorf("namespace default binding %+v", a)
	}
	if b.Namespace != "team-b" || len(b.Subjects) != 2 || b.Subjects[0].Name != "api" || b.Subjects[0].Kind != "ServiceAccount" || b.Subjects[0].Namespace != "team-b" {
		t.Errorf("service account binding %+v", b)
	}
	y, _ := YAML(objs...)
	golden(t, "rbac.yaml", y)
	// the role's name and team-a's subjects are defaults
	if d := res.Defaults; len(d) != 2 || d[0].String() != `role_name is not set: its default is "psp:restricted"` ||
		d[1].String() != `binding[1].groups is not set: its default is ["system:serviceaccounts:team-a"]` {
		t.Errorf("defaults %v", d)
	}
	for _, g := range []string{"system:authenticated", "system:unauthenticated", "system:anonymous", "system:serviceaccounts"} {
		_, err := PolicyRBAC("p", "", []Binding{{Namespace: "x", Groups: []string{"ops", g}}}, Meta{})
		var fe FieldErrors
		if !errors.As(err, &fe) || len(fe) != 1 || fmt.Sprint(fe[0].Path) != "[binding 0 groups 1]" ||
			!strings.Contains(fe[0].Msg, "eks:podsecuritypolicy:authenticated") || !strings.Contains(fe[0].Msg, g) {
			t.Errorf("group %s: %v", g, err)
		}
	}
	// a namespace's own service accounts group, and ordinary groups, are fine
	if res, err := PolicyRBAC("p", "", []Binding{{Namespace: "x", Groups: []string{"system:serviceaccounts:x", "ops"}}}, Meta{}); err != nil ||
		len(res.RoleBindings[0].Subjects) != 2 || res.RoleBindings[0].Subjects[0].Name != "ops" {
		t.Errorf("allowed groups: %v %+v", err, res)
	}
	_, err = PolicyRBAC("p", "", []Binding{{Namespace: "a"}, {Namespace: "a"}, {Namespace: "Bad_NS"}}, Meta{})
	if err == nil || !strings.Contains(err.Error(), `binding[1].namespace: namespace "a" already has binding 0`) ||
		!strings.Contains(err.Error(), `binding[2].namespace: namespace "Bad_NS" is not a valid namespace name`) {
		t.Errorf("duplicate/invalid namespaces: %v", err)
	}
	if _, err := PolicyRBAC("p", "", nil, Meta{}); err == nil || !strings.Contains(err.Error(), "binding: at least one binding") {
		t.Errorf("no binding: %v", err)
	}
}

func TestAnnotationsAndLabels(t *testing.T) {
	p := mustProfile(t, profile.Restricted, profile.Options{})
	res, err := PodSecurityPolicy(p, "", Meta{Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"owner": "sre",
		psp.SeccompDefaultProfileAnnotation: "runtime/default"}})
	if err != nil {
		t.Fatal(err)
	}
	if obj := res.Policy; obj.Labels["team"] != "a" || obj.Annotations["owner"] != "sre" || len(obj.Annotations) != 5 {
		t.Errorf("metadata %+v", obj.ObjectMeta)
	}
	_, err = PodSecurityPolicy(p, "Not A Name", Meta{Annotations: map[string]string{psp.SeccompDefaultProfileAnnotation: "unconfined"}})
	var fe FieldErrors
	if !errors.As(err, &fe) || len(fe) != 2 {
		t.Fatalf("errors %v", err)
	}
	if fmt.Sprint(fe[0].Path) != "[name]" || fmt.Sprint(fe[1].Path) != "[annotations "+psp.SeccompDefaultProfileAnnotation+"]" ||
		!strings.Contains(fe[1].Msg, `cannot be changed to "unconfined"`) {
		t.Errorf("errors %v", fe)
	}
}

func TestLimitRange(t *testing.T) {
	lr, err := LimitRange(LimitRangeSpec{Name: "defaults", Namespace: "apps",
		Container: &ContainerLimits{
			Default: map[string]string{"cpu": "0.5", "memory": "256Mi"}, DefaultRequest: map[string]string{"cpu": "100m", "memory": "128Mi"},
			Min: map[string]string{"cpu": "50m"}, Max: map[string]string{"cpu": "2", "memory": "2Gi"},
			MaxLimitRequestRatio: map[string]string{"cpu": "4"},
		},
		Pod: &MinMax{Max: map[string]string{"cpu": "4"}},
		PVC: &MinMax{Min: map[string]string{"storage": "1Gi"}, Max: map[string]string{"storage": "100Gi"}},
	}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := Generic(lr.LimitRange)
	var typed corev1.LimitRange
	strictDecode(t, m, &typed)
	if typed.Spec.Limits[0].Default.Cpu().String() != "500m" {
		t.Errorf("quantities are canonical: %s", typed.Spec.Limits[0].Default.Cpu())
	}
	y, _ := YAML(m)
	golden(t, "limitrange.yaml", y)

	_, err = LimitRange(LimitRangeSpec{Name: "x", Namespace: "y", Container: &ContainerLimits{
		Default: map[string]string{"cpu": "100m", "memory": "lots"}, DefaultRequest: map[string]string{"cpu": "200m"},
		Max: map[string]string{"gpus": "1"},
	}}, Meta{})
	fe, ok := err.(FieldErrors)
	if !ok || len(fe) != 3 {
		t.Fatalf("errors %v", err)
	}
	msgs := fe.Error()
	for _, want := range []string{`container.default["memory"]: "lots" is not a Kubernetes quantity`, `container.max["gpus"]: "gpus" is not a container resource name`,
		`container.default_request["cpu"]: default_request cpu 200m is greater than default cpu 100m`} {
		if !strings.Contains(msgs, want) {
			t.Errorf("missing %q in %s", want, msgs)
		}
	}
}

func TestResourceQuota(t *testing.T) {
	q, err := ResourceQuota(QuotaSpec{Name: "q", Namespace: "apps",
		Hard:          map[string]string{"requests.cpu": "8", "requests.memory": "16Gi", "limits.cpu": "16", "limits.memory": "32Gi", "pods": "50", "count/deployments.apps": "10", "gp3.storageclass.storage.k8s.io/requests.storage": "500Gi", "requests.nvidia.com/gpu": "4"},
		ScopeSelector: []ScopeExpression{{ScopeName: "PriorityClass", Operator: "In", Values: []string{"high", "default"}}},
	}, Meta{})
	if err != nil || len(q.Warnings) != 0 {
		t.Fatalf("%v %v", err, q.Warnings)
	}
	m, _ := Generic(q.Quota)
	var typed corev1.ResourceQuota
	strictDecode(t, m, &typed)
	y, _ := YAML(m)
	golden(t, "quota.yaml", y)
	q, _ = ResourceQuota(QuotaSpec{Name: "q", Namespace: "apps", Hard: map[string]string{"pods": "10", "cpu": "4"}}, Meta{})
	if w := q.Warnings; len(w) != 1 || !strings.Contains(w[0].Msg, "requests.memory, limits.cpu, limits.memory") || fmt.Sprint(w[0].Path) != "[hard]" {
		t.Errorf("warnings %v", w)
	}
	_, err = ResourceQuota(QuotaSpec{Name: "q", Namespace: "apps", Hard: map[string]string{"cpus": "4", "pods": "ten"}, Scopes: []string{"Forever"}}, Meta{})
	if err == nil || !strings.Contains(err.Error(), `hard["cpus"]`) || !strings.Contains(err.Error(), `hard["pods"]: "ten"`) || !strings.Contains(err.Error(), "scopes[0]") {
		t.Errorf("errors %v", err)
	}
}
