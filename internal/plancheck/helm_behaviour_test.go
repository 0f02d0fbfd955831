package plancheck

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/helm"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/settings"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/helmtest"
)

// testRelease is one helm_release of a plan a test builds.
type testRelease struct {
	name string // resource name: helm_release.NAME
	// after, unknown and sensitive are the planned value and its marks (merged over a
	// release named like the resource, in namespace apps).
	after, unknown, sensitive map[string]any
	actions                   []string
}

// helmTestPlan writes a plan with the releases (and a configuration section that writes
// chart, name and namespace) the way Terraform does.
func helmTestPlan(t testing.TB, rels ...testRelease) []byte {
	t.Helper()
	var changes, cfg []any
	for _, r := range rels {
		after := map[string]any{"name": r.name, "namespace": "apps", "chart": "", "version": nil, "values": nil, "set": nil,
			"set_list": nil, "set_sensitive": nil, "manifest": nil, "create_namespace": false}
		for k, v := range r.after {
			after[k] = v
		}
		unknown := map[string]any{"id": true, "metadata": true}
		for k, v := range r.unknown {
			unknown[k] = v
		}
		sensitive := map[string]any{"repository_password": true}
		for k, v := range r.sensitive {
			sensitive[k] = v
		}
		actions := r.actions
		if actions == nil {
			actions = []string{"create"}
		}
		changes = append(changes, map[string]any{"address": "helm_release." + r.name, "mode": "managed", "type": "helm_release", "name": r.name,
			"provider_name": "registry.terraform.io/hashicorp/helm",
			"change":        map[string]any{"actions": actions, "before": nil, "after": after, "after_unknown": unknown, "after_sensitive": sensitive}})
		cfg = append(cfg, map[string]any{"address": "helm_release." + r.name, "mode": "managed", "type": "helm_release", "name": r.name,
			"expressions": map[string]any{"chart": map[string]any{"constant_value": after["chart"]}, "name": map[string]any{"constant_value": r.name}}})
	}
	data, err := json.Marshal(map[string]any{"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": changes,
		"configuration": map[string]any{"root_module": map[string]any{"resources": cfg}}})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// writeTestChart writes a chart (Chart.yaml, values.yaml and templates) into dir/name.
func writeTestChart(t *testing.T, dir, name, values string, templates map[string]string) string {
	t.Helper()
	root := filepath.Join(dir, name)
	files := map[string]string{"Chart.yaml": "apiVersion: v2\nname: " + name + "\nversion: 1.0.0\n", "values.yaml": values}
	for k, v := range templates {
		files[filepath.Join("templates", k)] = v
	}
	for k, v := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, k)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, k), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func checkHelm(t *testing.T, data []byte, mod func(*Options)) *report.Report {
	t.Helper()
	opts := Options{PlanName: "plan.json", Gate: report.Gate{FailOn: finding.High}, ToolVersion: "test",
		Helm: HelmOptions{CacheDir: t.TempDir()}}
	if mod != nil {
		mod(&opts)
	}
	rep, err := Check(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// find returns the findings at address of rule (any status).
func findings(rep *report.Report, address, rule string) []finding.Finding {
	var out []finding.Finding
	for _, f := range rep.Findings {
		if f.Address == address && f.RuleID == rule {
			out = append(out, f)
		}
	}
	return out
}

const deploymentTpl = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  {{- with .Values.annotations }}
  annotations: {{ toYaml . | nindent 4 }}
  {{- end }}
spec:
  template:
    spec:
      serviceAccountName: {{ .Release.Name }}
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: app
          image: registry.example.com/app:1.0
          securityContext:
            privileged: {{ .Values.privileged }}
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
          {{- with .Values.resources }}
          resources: {{ toYaml . | nindent 12 }}
          {{- end }}
`

// TestHelmBrokenChartsNeverCrash: a chart that cannot be loaded or rendered, or renders
// objects Kubernetes would refuse, costs its release an unknown finding with the reason;
// the other releases of the plan are judged as usual.
func TestHelmBrokenChartsNeverCrash(t *testing.T) {
	dir := t.TempDir()
	good := writeTestChart(t, dir, "good", "privileged: true\n", map[string]string{"d.yaml": deploymentTpl})
	syntax := writeTestChart(t, dir, "syntax", "", map[string]string{"d.yaml": "{{ .Values.x "})
	required := writeTestChart(t, dir, "required", "", map[string]string{"d.yaml": `{{ required "image.repository is required" .Values.image.repository }}`})
	garbage := writeTestChart(t, dir, "garbage", "", map[string]string{"d.yaml": "kind: [\n"})
	wrongType := writeTestChart(t, dir, "wrongtype", "privileged: '\"s3cr3t-not-a-bool\"'\n", map[string]string{"d.yaml": deploymentTpl})
	badMeta := filepath.Join(dir, "badmeta")
	if err := os.MkdirAll(badMeta, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(badMeta, "Chart.yaml"), []byte("name: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rels := []testRelease{{name: "good", after: map[string]any{"chart": good}}}
	want := map[string]helm.Reason{}
	for name, chart := range map[string]string{"syntax": syntax, "required": required, "garbage": garbage, "badmeta": badMeta, "missing": filepath.Join(dir, "nope")} {
		rels = append(rels, testRelease{name: name, after: map[string]any{"chart": chart}})
	}
	want["helm_release.syntax"] = helm.ReasonRenderFailed
	want["helm_release.required"] = helm.ReasonRenderFailed
	want["helm_release.garbage"] = helm.ReasonRenderFailed
	want["helm_release.badmeta"] = helm.ReasonInvalidChart
	want["helm_release.missing"] = helm.ReasonChartNotFound
	rels = append(rels, testRelease{name: "wrongtype", after: map[string]any{"chart": wrongType}})
	rep := checkHelm(t, helmTestPlan(t, rels...), nil)
	if len(findings(rep, "helm_release.good", "EPS001")) != 1 {
		t.Errorf("the good release is not judged: %v", findings(rep, "helm_release.good", "EPS001"))
	}
	for addr, reason := range want {
		fs := findings(rep, addr, "EPS021")
		if len(fs) != 1 || fs[0].Status != finding.Unknown || !strings.Contains(fs[0].Message, "("+string(reason)+")") {
			t.Errorf("%s: %+v, want one unknown EPS021 (%s)", addr, fs, reason)
			continue
		}
		if fs[0].Remediation == "" || strings.Contains(fs[0].Remediation, "manifest known") {
			t.Errorf("%s: remediation %q", addr, fs[0].Remediation)
		}
	}
	wt := findings(rep, "helm_release.wrongtype", "EPS021")
	if len(wt) != 1 || wt[0].Kind != "Deployment" || wt[0].Template != "templates/d.yaml" || !strings.Contains(wt[0].Message, "wrong type") {
		t.Errorf("a rendered object of the wrong type: %+v", wt)
	}
	if strings.Contains(printAll(t, rep), "s3cr3t-not-a-bool") {
		t.Error("a value of the wrong type is printed")
	}
}

// TestHelmOfflineWithoutCache: --helm-offline with an empty cache makes each remote
// release unknown, saying why; only --fail-on-unknown makes that fail the run.
func TestHelmOfflineWithoutCache(t *testing.T) {
	fx := &helmtest.Fixtures{Dir: helmDir, Repo: helmtest.ServeRepo(t, t.TempDir(), "", ""), Registry: "127.0.0.1:1"}
	rep := checkHelmPlan(t, fx, "helm_repository.json", "", func(o *Options) { o.Helm.Offline = true })
	for _, addr := range []string{"helm_release.web", "helm_release.agent_latest", "helm_release.agent_url"} {
		fs := findings(rep, addr, "EPS021")
		if len(fs) != 1 || fs[0].Status != finding.Unknown || !strings.Contains(fs[0].Message, "(offline)") || !strings.Contains(fs[0].Message, "--helm-offline") {
			t.Errorf("%s: %+v", addr, fs)
		}
	}
	for _, f := range rep.Findings {
		if f.Status == finding.Fail {
			t.Errorf("offline run reports a failure: %s %s", f.Address, f.RuleID)
		}
	}
	if fx.Repo.Requests() != 0 {
		t.Errorf("offline run made %d requests", fx.Repo.Requests())
	}
	if rep.Failed() {
		t.Error("unknowns fail the run without --fail-on-unknown")
	}
	rep.Gate.FailOnUnknown = true
	if !rep.Failed() {
		t.Error("unknowns do not fail the run with --fail-on-unknown")
	}
}

// TestHelmOfflineFromCache: offline with the archives in the cache (what `helm pull -d`
// writes) renders as if online, and the network is not touched.
func TestHelmOfflineFromCache(t *testing.T) {
	cache := t.TempDir()
	for _, f := range []string{"node-agent-0.1.0.tgz", "node-agent-0.2.0.tgz", "web-0.1.0.tgz"} {
		data, err := os.ReadFile(filepath.Join(helmDir, "repo", "charts", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cache, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fx := &helmtest.Fixtures{Dir: helmDir, Repo: helmtest.ServeRepo(t, t.TempDir(), "", ""), Registry: "127.0.0.1:1"}
	rep := checkHelmPlan(t, fx, "helm_oci.json", "", func(o *Options) { o.Helm.Offline, o.Helm.CacheDir = true, cache })
	if len(findings(rep, "helm_release.agent", "EPS008")) != 1 || len(findings(rep, "helm_release.web", "EPS004")) == 0 {
		t.Errorf("cached charts not rendered: %d findings", len(rep.Findings))
	}
	for _, f := range rep.Findings {
		if f.RuleID == "EPS021" {
			t.Errorf("%s: %s", f.Address, f.Message)
		}
	}
}

// TestHelmUnreachable: a repository that refuses connections, or accepts them and never
// answers, costs its release an unknown finding with the reason, within the configured
// timeouts (the bound here is generous: it only catches a hang).
func TestHelmUnreachable(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	data := helmTestPlan(t,
		testRelease{name: "silent", after: map[string]any{"chart": "web", "version": "0.1.0", "repository": "http://" + silent.Addr().String() + "/charts"}},
		testRelease{name: "refused", after: map[string]any{"chart": "web", "version": "0.1.0", "repository": "http://" + closedAddr + "/charts"}},
		testRelease{name: "oci", after: map[string]any{"chart": "oci://" + closedAddr + "/charts/web", "version": "0.1.0"}},
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := CheckContext(ctx, data, Options{PlanName: "plan.json", Gate: report.Gate{FailOn: finding.High},
		Helm: HelmOptions{CacheDir: t.TempDir(), Timeout: 300 * time.Millisecond, Retries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"helm_release.silent", "helm_release.refused", "helm_release.oci"} {
		fs := findings(rep, addr, "EPS021")
		if len(fs) != 1 || !strings.Contains(fs[0].Message, "(unreachable)") {
			t.Errorf("%s: %+v", addr, fs)
		}
	}
	// One release's bound: a hung fetch costs at most ReleaseTimeout.
	rep, err = CheckContext(ctx, data[:], Options{PlanName: "plan.json", Gate: report.Gate{FailOn: finding.High},
		Helm: HelmOptions{CacheDir: t.TempDir(), Timeout: time.Hour, Retries: -1, ReleaseTimeout: 500 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if fs := findings(rep, "helm_release.silent", "EPS021"); len(fs) != 1 || !strings.Contains(fs[0].Message, "unreachable") {
		t.Errorf("release timeout: %+v", fs)
	}
}

// TestHelmContextFromCharts: what charts render gives context like the plan's own
// objects: a chart's ClusterRole bound by its ClusterRoleBinding resolves (EPS111 fails
// rather than staying quiet), a LimitRange a chart puts in the namespace fills missing
// requests and limits, and a namespace a chart or Helm creates is judged.
func TestHelmContextFromCharts(t *testing.T) {
	dir := t.TempDir()
	rbac := writeTestChart(t, dir, "rbac", "privileged: false\n", map[string]string{
		"d.yaml": deploymentTpl,
		"rbac.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: {{ .Release.Name }}-all}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: {{ .Release.Name }}-all}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {{ .Release.Name }}-all}
subjects: [{kind: ServiceAccount, name: {{ .Release.Name }}, namespace: {{ .Release.Namespace }}}]
`})
	limits := writeTestChart(t, dir, "limits", "", map[string]string{"lr.yaml": `apiVersion: v1
kind: LimitRange
metadata: {name: defaults}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi}
      defaultRequest: {cpu: 100m, memory: 128Mi}
`})
	data := helmTestPlan(t,
		testRelease{name: "rbac", after: map[string]any{"chart": rbac}},
		testRelease{name: "limits", after: map[string]any{"chart": limits}},
		testRelease{name: "scratch", after: map[string]any{"chart": rbac, "namespace": "scratch", "create_namespace": true, "name": "other"}},
	)
	rep := checkHelm(t, data, nil)
	if fs := findings(rep, "helm_release.rbac", "EPS111"); len(fs) != 1 || fs[0].Status != finding.Fail || fs[0].Kind != "ClusterRoleBinding" || fs[0].Template != "templates/rbac.yaml" {
		t.Errorf("EPS111 on the chart's binding: %+v", fs)
	}
	for _, rule := range []string{"EPS014", "EPS015"} {
		if fs := findings(rep, "helm_release.rbac", rule); len(fs) != 0 {
			t.Errorf("%s despite the LimitRange another release puts in the namespace: %+v", rule, fs)
		}
		if fs := findings(rep, "helm_release.scratch", rule); len(fs) != 1 || fs[0].Status != finding.Fail {
			t.Errorf("%s in a namespace without a LimitRange: %+v", rule, fs)
		}
	}
	if fs := findings(rep, "helm_release.scratch", "EPS107"); len(fs) != 1 || fs[0].Kind != "Namespace" || fs[0].Name != "scratch" {
		t.Errorf("the namespace Helm creates: %+v", fs)
	}
	if fs := findings(rep, "helm_release.rbac", "EPS107"); len(fs) != 0 {
		t.Errorf("a namespace Helm does not create: %+v", fs)
	}
}

// TestHelmWaivers: an inline waiver annotation on a rendered object and a settings
// waiver whose address glob names the release both apply.
func TestHelmWaivers(t *testing.T) {
	chart := writeTestChart(t, t.TempDir(), "w", "privileged: true\nannotations:\n  ekspodsec.io/waive: \"EPS001=the CNI needs it, reviewed\"\n", map[string]string{"d.yaml": deploymentTpl})
	data := helmTestPlan(t, testRelease{name: "cni", after: map[string]any{"chart": chart}})
	st, err := settings.Parse([]byte(`waiver {
  rule    = "EPS014"
  address = "helm_release.c*"
  reason  = "sized by the VPA"
  expires = "2099-01-01"
}
`), ".ekspodsec.hcl")
	if err != nil {
		t.Fatal(err)
	}
	rep := checkHelm(t, data, func(o *Options) { o.Settings = st })
	for rule, source := range map[string]string{"EPS001": "annotation", "EPS014": ".ekspodsec.hcl"} {
		fs := findings(rep, "helm_release.cni", rule)
		if len(fs) != 1 || fs[0].Status != finding.Waived || !strings.HasPrefix(fs[0].Waiver.Source, source) {
			t.Errorf("%s: %+v", rule, fs)
		}
	}
}

// TestHelmConditionalObjects: an object the chart renders only for some values of an
// unknown input is judged as it would be installed, its failures unknown.
func TestHelmConditionalObjects(t *testing.T) {
	chart, _ := filepath.Abs(filepath.Join(helmDir, "charts", "web"))
	rep := checkHelm(t, helmTestPlan(t, testRelease{name: "web",
		after: map[string]any{"chart": chart, "set": []any{
			map[string]any{"name": "migrations.enabled", "type": ""},
			map[string]any{"name": "migrations.securityContext.runAsUser", "type": "", "value": "0"}}},
		unknown: map[string]any{"set": []any{map[string]any{"value": true}, map[string]any{}}}}), nil)
	fs := findings(rep, "helm_release.web", "EPS004")
	if len(fs) != 1 || fs[0].Status != finding.Unknown || fs[0].Container != "migrate" || !strings.HasPrefix(fs[0].Message, "If this object is installed") || fs[0].Hook == "" {
		t.Errorf("the conditional migrate hook: %+v", fs)
	}
	for _, f := range rep.Findings {
		if f.Status == finding.Fail && f.Severity >= finding.High {
			t.Errorf("a conditional object's failure is reported as fail: %s %s", f.RuleID, f.Message)
		}
	}
}

// TestHelmRenderedOnce: releases that install the same chart with the same values are
// rendered once per run (the chart is loaded once too).
func TestHelmRenderedOnce(t *testing.T) {
	chart := writeTestChart(t, t.TempDir(), "same", "privileged: true\n", map[string]string{"d.yaml": deploymentTpl})
	var rels []testRelease
	for _, n := range []string{"a", "b", "c"} {
		rels = append(rels, testRelease{name: n, after: map[string]any{"chart": chart, "name": "same"}})
	}
	p, err := plan.Parse(helmTestPlan(t, rels...))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := renderReleases(context.Background(), p, nil, Options{Helm: HelmOptions{CacheDir: t.TempDir(), NoOrigins: true}})
	if err != nil {
		t.Fatal(err)
	}
	if s := rs.memo.Stats(); s.Renders != 1 || s.RenderHits != 2 || s.ChartLoads != 1 {
		t.Errorf("memo: %+v", s)
	}
	for _, res := range rs.results {
		if len(res.docs) != 1 || res.docs[0].Obj.Origin != res.in.Address {
			t.Errorf("%s: %d objects", res.in.Address, len(res.docs))
		}
	}
}

// TestHelmManifestFallback: when the chart cannot be rendered and no input is unknown,
// the objects of the plan's manifest are judged (the release stays unknown: its hooks
// are not in the manifest), and a release with sensitive inputs prints nothing of it.
func TestHelmManifestFallback(t *testing.T) {
	fx := &helmtest.Fixtures{Dir: helmDir, Repo: helmtest.ServeRepo(t, t.TempDir(), "", ""), Registry: "127.0.0.1:1"}
	rep := checkHelmPlan(t, fx, "helm_oci__manifest.json", "", func(o *Options) { o.Helm.Offline = true })
	if fs := findings(rep, "helm_release.agent", "EPS008"); len(fs) != 1 || fs[0].Status != finding.Fail || fs[0].Template != "" {
		t.Errorf("the manifest's DaemonSet: %+v", fs)
	}
	if fs := findings(rep, "helm_release.web", "EPS021"); len(fs) != 1 || !strings.Contains(fs[0].Message, "hooks") {
		t.Errorf("the release whose hooks are missing: %+v", fs)
	}
	noted := false
	for _, n := range rep.Notes {
		noted = noted || strings.Contains(n, "helm_release.web: judged from the plan's manifest")
	}
	if !noted {
		t.Errorf("no note: %q", rep.Notes)
	}
	// Local charts that are not where the plan says: the sensitive release's manifest.
	empty := t.TempDir()
	rep = checkHelmPlan(t, fx, "helm_set_sensitive__manifest.json", "", func(o *Options) { o.Helm.SearchDirs = []string{empty} })
	if fs := findings(rep, "helm_release.web", "EPS001"); len(fs) != 1 {
		t.Errorf("the sensitive release's manifest is not judged: %+v", fs)
	}
	out := printAll(t, rep)
	for _, s := range []string{"s3cr3t-build-7f3a9c", "tok-S3cr3t-99310", "pw-S3cr3t-4411"} {
		if strings.Contains(out, s) {
			t.Errorf("a value of the sensitive manifest is printed")
		}
	}
}

// TestHelmUnknownNamespace: objects without a namespace of a release whose namespace is
// unknown have an unknown namespace; known violations still fail.
func TestHelmUnknownNamespace(t *testing.T) {
	chart := writeTestChart(t, t.TempDir(), "ns", "privileged: true\n", map[string]string{"d.yaml": deploymentTpl})
	rep := checkHelm(t, helmTestPlan(t, testRelease{name: "x", after: map[string]any{"chart": chart, "namespace": nil}, unknown: map[string]any{"namespace": true}}), nil)
	fs := findings(rep, "helm_release.x", "EPS001")
	if len(fs) != 1 || fs[0].Status != finding.Fail || fs[0].Namespace != "" {
		t.Errorf("EPS001 with an unknown namespace: %+v", fs)
	}
	if fs := findings(rep, "helm_release.x", "EPS014"); len(fs) != 1 || fs[0].Status != finding.Unknown {
		t.Errorf("EPS014 depends on the namespace's LimitRanges: %+v", fs)
	}
}
