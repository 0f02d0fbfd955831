package helm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestRenderDefaultsAreHardened(t *testing.T) {
	out := mustRender(t, release("agent"), offline(t))
	if out.Chart != "agent" || out.Version != "1.0.0" || out.AppVersion != "2.3.4" || out.Renders != 1 {
		t.Errorf("chart %s %s (app %s), %d renders", out.Chart, out.Version, out.AppVersion, out.Renders)
	}
	ds := find(t, out, "DaemonSet", "rel-agent")
	if ds.Template != "templates/daemonset.yaml" || ds.Hook != nil || len(ds.Unknown) != 0 || len(ds.Sensitive) != 0 {
		t.Errorf("daemonset: template %q hook %v unknown %v sensitive %v", ds.Template, ds.Hook, ds.Unknown, ds.Sensitive)
	}
	c := "spec.template.spec.containers[0]"
	wantValue(t, ds, c+".securityContext.privileged", false)
	wantValue(t, ds, c+".image", "example.org/agent:2.3.4")
	wantAbsent(t, ds, "spec.template.spec.hostNetwork")
	wantAbsent(t, ds, "spec.template.spec.volumes")
	find(t, out, "ServiceAccount", "rel-agent")
	if len(out.Documents) != 2 {
		t.Errorf("%d documents, want 2 (NOTES.txt is not an object)", len(out.Documents))
	}
}

func TestRenderEverySetForm(t *testing.T) {
	r := release("agent")
	r.Values = []Value{Known("hostNetwork: true\nresources:\n  limits:\n    cpu: 1\n"), Known("hostNetwork: false\n")}
	r.Set = []Set{
		{Name: "privileged", Value: Known("true")},
		{Name: "runtimeSocket.enabled", Value: Known("true")},
		{Name: "image.tag", Value: Known("1.0"), Type: "string"},
		{Name: "resources.limits", Value: Known("null")},
		{Name: `annotations.container\.apparmor\.security\.beta\.kubernetes\.io/agent`, Value: Known("unconfined")},
	}
	r.SetList = []SetList{{Name: "capabilities.add", Known: true, Values: []Value{Known("NET_ADMIN"), Known("SYS_ADMIN")}}}
	out := mustRender(t, r, offline(t))
	ds := find(t, out, "DaemonSet", "rel-agent")
	c := "spec.template.spec.containers[0]"
	wantValue(t, ds, c+".securityContext.privileged", true)
	wantValue(t, ds, c+".securityContext.capabilities.add", []any{"NET_ADMIN", "SYS_ADMIN"})
	wantValue(t, ds, c+".image", "example.org/agent:1.0")
	wantValue(t, ds, "spec.template.spec.volumes[0].hostPath.path", "/run/containerd/containerd.sock")
	wantAbsent(t, ds, "spec.template.spec.hostNetwork") // the later document wins
	wantAbsent(t, ds, c+".resources.limits")            // a user null deletes the chart default
	wantValue(t, ds, c+".resources.requests.cpu", "20m")
	wantValue(t, ds, `metadata.annotations["container.apparmor.security.beta.kubernetes.io/agent"]`, "unconfined")
}

func TestRenderSubchartGlobalHooksAndSchema(t *testing.T) {
	r := release("web")
	r.Set = []Set{{Name: "cache.enabled", Value: Known("true")}, {Name: "cache.runAsUser", Value: Known("0")}, {Name: "global.registry", Value: Known("mirror.local")}}
	out := mustRender(t, r, offline(t))
	sts := find(t, out, "StatefulSet", "rel-cache")
	if sts.Template != "charts/cache/templates/statefulset.yaml" {
		t.Errorf("statefulset template %q", sts.Template)
	}
	wantValue(t, sts, "spec.template.spec.containers[0].securityContext.runAsUser", 0)
	wantValue(t, sts, "spec.template.spec.containers[0].image", "mirror.local/cache:7")
	dep := find(t, out, "Deployment", "rel-web")
	wantValue(t, dep, "metadata.namespace", "apps")
	wantValue(t, dep, "spec.template.spec.containers[0].image", "mirror.local/web:5.0")
	job := find(t, out, "Job", "rel-web-migrate")
	if strings.Join(job.Hook, ",") != "pre-install,pre-upgrade" || job.Template != "templates/migrate-job.yaml" {
		t.Errorf("migrate hook: events %v template %q", job.Hook, job.Template)
	}
	if has(out, "Pod", "rel-web-test") || has(out, "Job", "rel-web-cleanup") {
		t.Errorf("test and post-delete hooks must be left out")
	}
	// The hook comes after the manifests.
	if last := out.Documents[len(out.Documents)-1]; last.Kind() != "Job" {
		t.Errorf("last document %s, want the hook Job", last.Kind())
	}

	r.Set = nil
	out = mustRender(t, r, offline(t))
	if has(out, "StatefulSet", "rel-cache") {
		t.Errorf("the cache subchart is disabled by its condition")
	}
	r.DisableHooks = true
	out = mustRender(t, r, offline(t))
	if has(out, "Job", "rel-web-migrate") {
		t.Errorf("disable_webhooks drops hooks")
	}

	r.DisableHooks = false
	r.Set = []Set{{Name: "replicas", Value: Known("many"), Type: "string"}}
	_, err := Render(context.Background(), r, offline(t))
	if ReasonOf(err) != ReasonRenderFailed || !strings.Contains(err.Error(), "helm_release.test: ") || !strings.Contains(err.Error(), "schema") {
		t.Errorf("schema violation: %v", err)
	}
}

func TestRenderUpgradeAndReleaseIdentity(t *testing.T) {
	r := release("web")
	r.Name = Known("shop")
	r.Namespace = Known("store")
	r.Upgrade = true
	out := mustRender(t, r, offline(t))
	dep := find(t, out, "Deployment", "shop-web")
	wantValue(t, dep, "metadata.namespace", "store")
	if out.Namespace != "store" || !out.NamespaceKnown {
		t.Errorf("namespace %q known %v", out.Namespace, out.NamespaceKnown)
	}
}

func TestRenderRequiredAndBrokenCharts(t *testing.T) {
	_, err := Render(context.Background(), release("needs"), offline(t))
	if ReasonOf(err) != ReasonRenderFailed || !strings.Contains(err.Error(), "image.repository is required") {
		t.Errorf("required: %v", err)
	}
	r := release("needs")
	r.Set = []Set{{Name: "image.repository", Value: Known("example.org/x")}}
	mustRender(t, r, offline(t))

	_, err = Render(context.Background(), release("broken"), offline(t))
	if ReasonOf(err) != ReasonRenderFailed || !strings.Contains(err.Error(), "templates/pod.yaml") {
		t.Errorf("broken: %v", err)
	}
}

// writeChart writes a one-template chart into a temporary directory.
func writeChart(t *testing.T, chartYAML, values string, templates map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "c")
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"Chart.yaml": chartYAML, "values.yaml": values}
	for k, v := range templates {
		files[filepath.Join("templates", k)] = v
	}
	for k, v := range files {
		if err := os.WriteFile(filepath.Join(dir, k), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBrokenChartsNeverPanic(t *testing.T) {
	const meta = "apiVersion: v2\nname: c\nversion: 0.1.0\n"
	cases := map[string]struct {
		chart, values string
		tpl           map[string]string
		reason        Reason
	}{
		"fail":          {meta, "", map[string]string{"a.yaml": `{{ fail "nope" }}`}, ReasonRenderFailed},
		"not yaml":      {meta, "", map[string]string{"a.yaml": "kind: Pod\n  bad: [\n"}, ReasonRenderFailed},
		"no kind":       {meta, "", map[string]string{"a.yaml": "apiVersion: v1\nmetadata: {name: x}\n"}, ReasonRenderFailed},
		"a list":        {meta, "", map[string]string{"a.yaml": "- a\n- b\n"}, ReasonRenderFailed},
		"alias dep":     {meta + "dependencies:\n  - name: gone\n    version: 1.0.0\n    repository: \"@stable\"\n", "", nil, ReasonRepositoryAlias},
		"no repo dep":   {meta + "dependencies:\n  - name: gone\n    version: 1.0.0\n", "", nil, ReasonInvalidChart},
		"missing dep":   {meta + "dependencies:\n  - name: gone\n    version: 1.0.0\n    repository: https://charts.example.org\n", "", map[string]string{"a.yaml": ""}, ReasonOffline},
		"library":       {meta + "type: library\n", "", map[string]string{"_a.tpl": ""}, ReasonInvalidChart},
		"bad chartyaml": {"name: [", "", nil, ReasonInvalidChart},
		"bad values":    {meta, "a: [", nil, ReasonInvalidChart},
		"kube version":  {meta + "kubeVersion: <1.20.0\n", "", nil, ReasonRenderFailed},
		"recursion":     {meta, "", map[string]string{"_a.tpl": `{{ define "x" }}{{ include "x" . }}{{ end }}`, "a.yaml": `{{ include "x" . }}`}, ReasonRenderFailed},
		"bad index":     {meta, "", map[string]string{"a.yaml": `{{ index .Values.nothing 3 }}`}, ReasonRenderFailed},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeChart(t, c.chart, c.values, c.tpl)
			r := release(dir)
			_, err := Render(context.Background(), r, offline(t))
			if ReasonOf(err) != c.reason {
				t.Errorf("reason %q, want %q: %v", ReasonOf(err), c.reason, err)
			}
		})
	}
	// A List is expanded into its items.
	dir := writeChart(t, meta, "", map[string]string{"a.yaml": "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p1}}\n- {apiVersion: v1, kind: Pod, metadata: {name: p2}}\n"})
	out := mustRender(t, release(dir), offline(t))
	if len(out.Documents) != 2 || out.Documents[1].Name() != "p2" {
		t.Errorf("List items: %+v", out.Documents)
	}
}

func TestRenderConcurrentlyWithOneMemo(t *testing.T) {
	o := offline(t)
	o.Memo = &Memo{}
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			r := release("web")
			r.Set = []Set{{Name: "replicas", Value: Known(strconv.Itoa(i % 4))}, {Name: "cache.enabled", Value: Unknown()}}
			out, err := Render(context.Background(), r, o)
			if err == nil && len(out.Documents) == 0 {
				err = errors.New("no documents")
			}
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if s := o.Memo.Stats(); s.Renders != 4 || s.ChartLoads != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestTraceOrigins(t *testing.T) {
	r := release("web")
	r.Values = []Value{Known("replicas: 5\n"), Known("replicas: 6\nhostPort: 8443\n")}
	r.Set = []Set{{Name: "securityContext.privileged", Value: Known("true")}, {Name: "securityContext.privileged", Value: Known("true")}}
	r.SetList = []SetList{{Name: "securityContext.capabilities.add", Known: true, Values: []Value{Known("NET_ADMIN")}}}
	r.SetSensitive = []Set{{Name: "image.tag", Value: Secret("s3cr3t")}}
	o := offline(t)
	o.TraceOrigins = true
	out := mustRender(t, r, o)
	dep := find(t, out, "Deployment", "rel-web")
	c := "spec.template.spec.containers[0]"
	want := []Origin{
		{c + ".image", "set_sensitive[0]"},
		{c + ".ports[0].hostPort", "values[1]"},
		{c + ".securityContext.capabilities.add[0]", "set_list[0]"},
		{c + ".securityContext.privileged", "set[1]"}, // the later set wins
		{"spec.replicas", "values[1]"},
	}
	for _, w := range want {
		if !slices.Contains(dep.Origins, w) {
			t.Errorf("missing origin %v in %v", w, dep.Origins)
		}
	}
	for _, o := range dep.Origins {
		if o.Input == "values[0]" || o.Input == "set[0]" {
			t.Errorf("values[0] and set[0] are overridden, they are no origin: %v", o)
		}
	}
	if out.Renders != 1+1+6 { // base, sensitive, one per entry
		t.Errorf("%d renders", out.Renders)
	}
}

// tgz writes a gzipped tar with the given files.
func tgz(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "c-0.1.0.tgz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHostileArchivesNeverPanic(t *testing.T) {
	const meta = "apiVersion: v2\nname: c\nversion: 0.1.0\n"
	for name, files := range map[string]map[string]string{
		"escaping path":    {"c/Chart.yaml": meta, "c/../../etc/x.yaml": "a"},
		"no chart.yaml":    {"c/values.yaml": "a: 1"},
		"null dependency":  {"c/Chart.yaml": meta + "dependencies: [null]\n"},
		"list values":      {"c/Chart.yaml": meta, "c/values.yaml": "- 1\n"},
		"bad subchart":     {"c/Chart.yaml": meta, "c/charts/s/Chart.yaml": "name: ["},
		"bad schema":       {"c/Chart.yaml": meta, "c/values.schema.json": "{", "c/templates/a.yaml": ""},
		"two roots":        {"c/Chart.yaml": meta, "d/Chart.yaml": meta},
		"empty name":       {"c/Chart.yaml": "apiVersion: v2\nname: \"\"\nversion: 0.1.0\n"},
		"bad version":      {"c/Chart.yaml": "apiVersion: v2\nname: c\nversion: not-semver\n"},
		"nested templates": {"c/Chart.yaml": meta, "c/templates/a/b/c.yaml": "{{ template \"nope\" }}"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Render(context.Background(), release(tgz(t, files)), offline(t))
			if err == nil {
				return // some of these are charts Helm accepts
			}
			if ReasonOf(err) == "" {
				t.Errorf("an untyped error: %v", err)
			}
		})
	}
	// Not an archive at all.
	p := filepath.Join(t.TempDir(), "x.tgz")
	if err := os.WriteFile(p, []byte("not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Render(context.Background(), release(p), offline(t)); ReasonOf(err) != ReasonInvalidChart {
		t.Errorf("garbage archive: %v", err)
	}
}
