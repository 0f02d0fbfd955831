// Package e2e holds the end-to-end tests: the rendered Namespace (Pod Security Admission
// labels), LimitRange, ResourceQuota, RBAC and ValidatingAdmissionPolicy are applied with
// kubectl to a real kube-apiserver (built from the Go module proxy, see
// tools/apiserver/build.sh), which must then refuse every violating workload of the
// fixture plans, naming the rule, and admit every compliant one. Run with `make e2e`.
package e2e

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/admission"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/fixtures"
)

func requireE2E(t *testing.T) {
	t.Helper()
	if os.Getenv("EKSPODSEC_E2E") == "" {
		t.Skip("end-to-end test against a real kube-apiserver: run `make e2e` (sets EKSPODSEC_E2E=1 and builds the binaries)")
	}
}

// toYAML renders typed objects as one multi-document YAML stream.
func toYAML(t *testing.T, objs ...any) string {
	t.Helper()
	maps, err := render.All(objs...)
	if err != nil {
		t.Fatal(err)
	}
	y, err := render.YAML(maps...)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

// workload is a fixture workload rebuilt as the object kubectl sends, with the rules
// plan-check reports as failing for it.
type workload struct {
	name     string // plan and address, for messages
	manifest map[string]any
	failing  map[string]bool
}

func fixtureWorkloads(t *testing.T, namespace string) []workload {
	t.Helper()
	all, err := fixtures.Workloads("../plancheck/testdata/plans")
	if err != nil {
		t.Fatal(err)
	}
	var out []workload
	for i, fw := range all {
		if fw.UnknownSpec {
			continue
		}
		o := fw.Object
		spec := o.Workload.Spec.DeepCopy()
		ephemeral := map[string]bool{}
		for _, e := range spec.EphemeralContainers {
			ephemeral[e.Name] = true // cannot be set on create: kubectl debug adds them later
		}
		spec.EphemeralContainers = nil
		w := workload{name: fw.Plan + " " + o.Address, failing: map[string]bool{}}
		for rule := range fw.Failing {
			if fw.Fails(rule, ephemeral) {
				w.failing[rule] = true
			}
		}
		w.manifest = manifestFor(t, o, spec, namespace, i)
		out = append(out, w)
	}
	return out
}

// manifestFor rebuilds a workload as a valid object of its kind in the test namespace.
func manifestFor(t *testing.T, o *plan.Object, spec *corev1.PodSpec, namespace string, n int) map[string]any {
	t.Helper()
	name := strings.ToLower(o.Kind) + "-" + strings.ReplaceAll(strings.Trim(strings.ToLower(o.Name), "-"), "_", "-")
	if len(name) > 40 {
		name = name[:40]
	}
	name = strings.Trim(name, "-") + "-" + itoa(n)
	labels := map[string]string{"e2e": name}
	meta := map[string]any{"name": name, "namespace": namespace}
	if o.Kind == "Job" || o.Kind == "CronJob" {
		spec.RestartPolicy = corev1.RestartPolicyOnFailure
	}
	// Mounts of volumes the typed resource does not carry (a StatefulSet's volume claim
	// templates) get an emptyDir, so the object is valid.
	have := map[string]bool{}
	for _, v := range spec.Volumes {
		have[v.Name] = true
	}
	for _, c := range append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...) {
		for _, m := range c.VolumeMounts {
			if !have[m.Name] {
				have[m.Name] = true
				spec.Volumes = append(spec.Volumes, corev1.Volume{Name: m.Name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
			}
		}
	}
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: o.Workload.Template.Annotations}, Spec: *spec}
	selector := map[string]any{"matchLabels": labels}
	var obj map[string]any
	switch o.Kind {
	case "Pod":
		obj = map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": name, "namespace": namespace, "labels": labels, "annotations": o.Workload.Template.Annotations}, "spec": spec}
	case "CronJob":
		obj = map[string]any{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta,
			"spec": map[string]any{"schedule": "0 3 * * *", "jobTemplate": map[string]any{"spec": map[string]any{"template": tmpl}}}}
	case "Job":
		obj = map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": map[string]any{"template": tmpl}}
	case "ReplicationController":
		obj = map[string]any{"apiVersion": "v1", "kind": "ReplicationController", "metadata": meta, "spec": map[string]any{"selector": labels, "template": tmpl}}
	case "StatefulSet":
		obj = map[string]any{"apiVersion": "apps/v1", "kind": o.Kind, "metadata": meta, "spec": map[string]any{"selector": selector, "serviceName": name, "template": tmpl}}
	default:
		obj = map[string]any{"apiVersion": "apps/v1", "kind": o.Kind, "metadata": meta, "spec": map[string]any{"selector": selector, "template": tmpl}}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestAdmission: the rendered namespace set and policy make the API server refuse every
// violating fixture workload with the rule ID in the message, and admit every compliant one.
func TestAdmission(t *testing.T) {
	requireE2E(t)
	c := startCluster(t)
	const ns = "e2e-vap"

	// What a team applies: the namespace with Pod Security Admission labels (warn and
	// audit restricted; the policy enforces, naming the rules), its LimitRange, quota and
	// RBAC, and the ValidatingAdmissionPolicy with the Pod Security Standards rules too.
	// enforce privileged: PSA admits every pod; the policy refuses
	nsObj := psaNamespace(t, render.PodSecuritySpec{Namespace: ns, Enforce: profile.Privileged, Audit: profile.Restricted, Warn: profile.Restricted, Version: "v1.31"})
	lr, err := render.LimitRange(render.LimitRangeSpec{Name: "defaults", Namespace: ns, Container: &render.ContainerLimits{
		Default: map[string]string{"cpu": "500m", "memory": "256Mi"}, DefaultRequest: map[string]string{"cpu": "100m", "memory": "128Mi"},
	}}, render.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	quota, err := render.ResourceQuota(render.QuotaSpec{Name: "quota", Namespace: ns, Hard: map[string]string{
		"requests.cpu": "64", "requests.memory": "128Gi", "limits.cpu": "128", "limits.memory": "256Gi", "pods": "500",
	}}, render.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	rbac, err := render.PolicyRBAC("restricted", "", []render.Binding{{Namespace: ns}}, render.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	policy, binding := admission.Policy(admission.VAPOptions{PodSecurityStandards: true})
	objs := append([]any{nsObj, lr.LimitRange, quota.Quota}, rbac.Objects()...)
	objs = append(objs, policy, binding)
	c.mustKubectl(t, toYAML(t, objs...), "apply", "-f", "-")
	// No controller manager: give the quota a status and the namespace its default
	// service account, as the controllers would.
	c.mustKubectl(t, "", "-n", ns, "patch", "resourcequota", "quota", "--subresource=status", "--type=merge", "-p",
		`{"status":{"hard":{"requests.cpu":"64","requests.memory":"128Gi","limits.cpu":"128","limits.memory":"256Gi","pods":"500"},`+
			`"used":{"requests.cpu":"0","requests.memory":"0","limits.cpu":"0","limits.memory":"0","pods":"0"}}}`)
	c.mustKubectl(t, "", "-n", ns, "create", "serviceaccount", "default")

	// A new policy takes about a second to take effect: poll with a violating pod.
	probe := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"probe","namespace":"` + ns + `"},"spec":{"containers":[{"name":"a","image":"busybox","securityContext":{"privileged":true}}]}}`
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.kubectl(probe, "create", "--dry-run=server", "-f", "-")
		if err != nil && strings.Contains(out, "EPS001") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the policy never took effect: %s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}

	enforced := map[string]bool{}
	for _, v := range admission.Validations(admission.VAPOptions{PodSecurityStandards: true}) {
		enforced[v.Rule] = true
	}
	// The LimitRange fills requests and limits in before validation, as it should.
	delete(enforced, "EPS014")
	delete(enforced, "EPS015")

	workloads := fixtureWorkloads(t, ns)
	if len(workloads) < 20 {
		t.Fatalf("only %d fixture workloads", len(workloads))
	}
	refused, admitted, invalid := 0, 0, 0
	var tmpl map[string]any // the pod template of an admitted Deployment
	for _, w := range workloads {
		var expect []string
		for r := range w.failing {
			if enforced[r] {
				expect = append(expect, r)
			}
		}
		sort.Strings(expect)
		y, err := yaml.Marshal(w.manifest)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.kubectl(string(y), "create", "-f", "-")
		if os.Getenv("E2E_DEBUG") != "" && strings.Contains(w.name, os.Getenv("E2E_DEBUG")) {
			t.Logf("%s\n%s\n%v %s", w.name, y, err, out)
		}
		switch {
		case err != nil && strings.Contains(out, " is invalid: ") && !strings.Contains(out, "ValidatingAdmissionPolicy"):
			// Refused by the API's own validation before any admission plugin: the fixture
			// is not a valid object (e.g. hostPort != containerPort with hostNetwork).
			if len(w.failing) == 0 {
				t.Errorf("%s: a compliant fixture is invalid: %s", w.name, out)
			}
			invalid++
			t.Logf("%s: invalid object, refused by validation before admission: %s", w.name, strings.TrimSpace(out))
		case len(expect) > 0 && err == nil:
			t.Errorf("%s: admitted, but plan-check reports %v", w.name, expect)
		case len(expect) > 0:
			named := false
			for _, r := range expect {
				named = named || strings.Contains(out, r+":")
			}
			if !named {
				t.Errorf("%s: refused without naming one of %v: %s", w.name, expect, out)
			}
			refused++
		case err != nil:
			t.Errorf("%s: refused, but plan-check reports nothing the policy enforces (%v): %s", w.name, keys(w.failing), out)
		default:
			admitted++
			if spec, ok := w.manifest["spec"].(map[string]any); ok && tmpl == nil && w.manifest["kind"] == "Deployment" {
				tmpl, _ = spec["template"].(map[string]any)
			}
		}
	}
	if refused < 10 || admitted < 5 {
		t.Errorf("refused %d, admitted %d: the fixtures should exercise both", refused, admitted)
	}
	t.Logf("%d violating workloads refused with the rule ID, %d compliant workloads admitted, %d invalid", refused, admitted, invalid)

	// A PodTemplate holds its template at the top: the policy judges it there, admitting a
	// compliant one and refusing a privileged one (a policy that read spec.template would
	// fail on every PodTemplate).
	if tmpl == nil {
		t.Fatal("no admitted Deployment among the fixtures")
	}
	podTemplate := func(name string, t *testing.T) map[string]any {
		b, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "PodTemplate", "metadata": map[string]any{"name": name, "namespace": ns}, "template": tmpl})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	good := podTemplate("compliant-template", t)
	if out, err := c.kubectl(toYAML(t, good), "create", "-f", "-"); err != nil {
		t.Errorf("a compliant PodTemplate is refused: %s", out)
	}
	bad := podTemplate("privileged-template", t)
	ctr := bad["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	ctr["securityContext"] = map[string]any{"privileged": true, "runAsNonRoot": true, "capabilities": map[string]any{"drop": []any{"ALL"}}}
	if out, err := c.kubectl(toYAML(t, bad), "create", "-f", "-"); err == nil || !strings.Contains(out, "EPS001:") {
		t.Errorf("a privileged PodTemplate is not refused with EPS001 (%v): %s", err, out)
	}
}

// TestPodSecurityAdmission: the rendered PSA labels make the API server itself enforce the
// restricted standard on pods.
func TestPodSecurityAdmission(t *testing.T) {
	requireE2E(t)
	c := startCluster(t)
	const ns = "e2e-psa"
	nsObj := psaNamespace(t, render.PodSecuritySpec{Namespace: ns, Profile: profile.Restricted, Version: "latest"})
	c.mustKubectl(t, toYAML(t, nsObj), "apply", "-f", "-")
	c.mustKubectl(t, "", "-n", ns, "create", "serviceaccount", "default")
	bad := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad","namespace":"` + ns + `"},"spec":{"containers":[{"name":"a","image":"busybox","securityContext":{"privileged":true}}]}}`
	out, err := c.kubectl(bad, "create", "-f", "-")
	if err == nil || !strings.Contains(out, "violates PodSecurity") {
		t.Errorf("a privileged pod in a restricted namespace: %v %s", err, out)
	}
	good := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"good","namespace":"` + ns + `"},"spec":{` +
		`"securityContext":{"runAsNonRoot":true,"runAsUser":1000,"seccompProfile":{"type":"RuntimeDefault"}},` +
		`"containers":[{"name":"a","image":"nginxinc/nginx-unprivileged","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}`
	if out, err := c.kubectl(good, "create", "-f", "-"); err != nil {
		t.Errorf("a restricted pod: %v %s", err, out)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// psaNamespace is the Namespace with the Pod Security Admission labels of s, as the
// pod_security_admission data source renders it.
func psaNamespace(t *testing.T, s render.PodSecuritySpec) *corev1.Namespace {
	t.Helper()
	res, err := render.PodSecurity(s)
	if err != nil {
		t.Fatal(err)
	}
	return res.Namespace
}
