package helm

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func online(t testing.TB) Options {
	return Options{CacheDir: t.TempDir(), Timeout: 5 * time.Second, RetryWait: 10 * time.Millisecond}
}

func TestSourceLocalPaths(t *testing.T) {
	// Relative to the first search directory that has the path, cleaned lexically.
	o := offline(t)
	o.SearchDirs = []string{t.TempDir(), "testdata"}
	r := release("modules/tenant/../../charts/agent")
	out := mustRender(t, r, o)
	if out.Source != filepath.Join("testdata", "charts", "agent") {
		t.Errorf("source %q", out.Source)
	}
	// A repository that is a directory prefixes the chart, as in the provider.
	r = release("agent")
	r.Repository = "./charts"
	o.SearchDirs = []string{"testdata"}
	mustRender(t, r, o)
	// A packaged chart on disk.
	r = release(pkgs.tgzs["agent-1.1.0"])
	out = mustRender(t, r, o)
	if out.Version != "1.1.0" {
		t.Errorf("version %s", out.Version)
	}
	// A planned version the chart on disk does not have is a warning.
	r = release("charts/agent")
	r.Version = "0.9.0"
	out = mustRender(t, r, o)
	if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "planned 0.9.0") {
		t.Errorf("warnings %v", out.Warnings)
	}

	for chart, reason := range map[string]Reason{
		"./charts/nothing": ReasonChartNotFound,
		"nothing":          ReasonChartNotFound,
		"bitnami/nginx":    ReasonRepositoryAlias,
	} {
		_, err := Render(context.Background(), release(chart), o)
		if ReasonOf(err) != reason {
			t.Errorf("%s: reason %q, want %q (%v)", chart, ReasonOf(err), reason, err)
		}
	}
	r = release("nginx")
	r.Repository = "bitnami"
	if _, err := Render(context.Background(), r, o); ReasonOf(err) != ReasonRepositoryAlias || !strings.Contains(err.Error(), `"bitnami"`) {
		t.Errorf("alias: %v", err)
	}
}

func TestSourceHTTPRepository(t *testing.T) {
	srv := startRepo(t, pkgs.dir, "", "")
	o := online(t)
	o.Memo = &Memo{}
	repoURL := srv.URL + "/charts"

	r := release("agent")
	r.Repository = repoURL
	r.Version = "1.0.0"
	out := mustRender(t, r, o)
	ds := find(t, out, "DaemonSet", "rel-agent")
	if out.Version != "1.0.0" {
		t.Errorf("version %s", out.Version)
	}
	wantAbsent(t, ds, "spec.template.spec.hostNetwork")
	if _, err := os.Stat(filepath.Join(o.CacheDir, "agent-1.0.0.tgz")); err != nil {
		t.Errorf("the archive is cached: %v", err)
	}

	// No version: the newest stable one (1.1.0, not 2.0.0-rc.1), as Helm resolves it.
	r.Version = ""
	out = mustRender(t, r, o)
	if out.Version != "1.1.0" {
		t.Errorf("newest stable: %s", out.Version)
	}
	wantValue(t, find(t, out, "DaemonSet", "rel-agent"), "spec.template.spec.hostNetwork", true)
	// A constraint; devel admits prereleases.
	r.Version = "~1.0"
	if out = mustRender(t, r, o); out.Version != "1.0.0" {
		t.Errorf("~1.0: %s", out.Version)
	}
	r.Version, r.Devel = "", true
	if out = mustRender(t, r, o); out.Version != "2.0.0-rc.1" {
		t.Errorf("devel: %s", out.Version)
	}
	if s := o.Memo.Stats(); s.IndexFetches != 1 {
		t.Errorf("index fetched %d times, want once per run", s.IndexFetches)
	}

	r.Devel = false
	r.Version = "9.9.9"
	_, err := Render(context.Background(), r, o)
	if ReasonOf(err) != ReasonVersionNotFound || !strings.Contains(err.Error(), "1.1.0") {
		t.Errorf("missing version: %v", err)
	}
	r.Chart, r.Version = "nothing", "1.0.0"
	if _, err := Render(context.Background(), r, o); ReasonOf(err) != ReasonChartNotFound {
		t.Errorf("missing chart: %v", err)
	}

	// The chart by the URL of its archive.
	r = release(srv.URL + "/charts/agent-1.0.0.tgz")
	r.Version = "1.0.0"
	if out := mustRender(t, r, o); out.Version != "1.0.0" {
		t.Errorf("url: %s", out.Version)
	}
	r = release(srv.URL + "/charts/agent-7.0.0.tgz")
	if _, err := Render(context.Background(), r, o); ReasonOf(err) != ReasonChartNotFound {
		t.Errorf("missing url: %v", err)
	}
}

func TestSourceCredentials(t *testing.T) {
	srv := startRepo(t, pkgs.dir, "ci", "pw-S3cr3t-4411")
	r := release("web")
	r.Repository = srv.URL + "/charts"
	r.Version = "0.3.0"
	r.Auth = RepoAuth{Username: "ci", Password: "pw-S3cr3t-4411"}
	mustRender(t, r, online(t))

	r.Auth.Password = "wrong-S3cr3t"
	_, err := Render(context.Background(), r, online(t))
	if ReasonOf(err) != ReasonUnauthorized || strings.Contains(err.Error(), "S3cr3t") {
		t.Errorf("wrong password: %v", err)
	}
	// Credentials never go to another host, unless pass_credentials.
	f := &fetcher{auth: RepoAuth{Username: "u", Password: "p"}}
	f.authURL = mustURL(t, "https://charts.example.org/stable")
	for u, want := range map[string]bool{"https://charts.example.org/x.tgz": true, "https://cdn.example.org/x.tgz": false, "http://charts.example.org/x.tgz": false} {
		if got := f.sendCredentials(mustURL(t, u)); got != want {
			t.Errorf("%s: send %v, want %v", u, got, want)
		}
	}
	f.auth.PassCredentials = true
	if !f.sendCredentials(mustURL(t, "https://cdn.example.org/x.tgz")) {
		t.Errorf("pass_credentials sends everywhere")
	}
}

func TestSourceOCI(t *testing.T) {
	host := startRegistry(t, "", "")
	o := online(t)

	// repository = "oci://host/path" + chart
	r := release("agent")
	r.Repository = "oci://" + host + "/charts"
	r.Version = "1.0.0"
	out := mustRender(t, r, o)
	if out.Version != "1.0.0" || out.Source != "oci://"+host+"/charts/agent" {
		t.Errorf("oci repository: %s from %s", out.Version, out.Source)
	}
	// chart = "oci://host/path/name"; the newest tag without a version.
	r = release("oci://" + host + "/charts/agent")
	if out = mustRender(t, r, o); out.Version != "1.1.0" {
		t.Errorf("oci newest: %s", out.Version)
	}
	r = release("oci://" + host + "/charts/agent:1.0.0")
	if out = mustRender(t, r, o); out.Version != "1.0.0" {
		t.Errorf("oci tag in the reference: %s", out.Version)
	}
	r = release("oci://" + host + "/charts/web")
	r.Version = "0.3.0"
	out = mustRender(t, r, o)
	find(t, out, "Job", "rel-web-migrate")

	r.Version = "0.4.0"
	if _, err := Render(context.Background(), r, o); ReasonOf(err) != ReasonVersionNotFound {
		t.Errorf("missing tag: %v", err)
	}
	r = release("oci://" + host + "/charts/nothing")
	r.Version = "1.0.0"
	if _, err := Render(context.Background(), r, o); ReasonOf(err) != ReasonVersionNotFound && ReasonOf(err) != ReasonChartNotFound {
		t.Errorf("missing repository: %v", err)
	}
}

func TestSourceOCICredentials(t *testing.T) {
	host := startRegistry(t, "ci", "pw-S3cr3t-4411")
	o := online(t)
	o.RegistryConfig = filepath.Join(t.TempDir(), "config.json")
	r := release("agent")
	r.Repository = "oci://" + host + "/charts"
	r.Version = "1.0.0"
	r.Auth = RepoAuth{Username: "ci", Password: "pw-S3cr3t-4411"}
	mustRender(t, r, o)
	r.Auth.Password = "wrong-S3cr3t"
	o.CacheDir = t.TempDir()
	_, err := Render(context.Background(), r, o)
	if ReasonOf(err) != ReasonUnauthorized || strings.Contains(err.Error(), "S3cr3t") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestSourceCacheAndOffline(t *testing.T) {
	srv := startRepo(t, pkgs.dir, "", "")
	o := online(t)
	r := release("agent")
	r.Repository = srv.URL + "/charts"
	r.Version = "1.0.0"
	mustRender(t, r, o) // fills the cache
	before := srv.Requests()
	srv.Close()

	// A cache hit needs no network, offline or not (the server is gone).
	mustRender(t, r, o)
	o.Offline = true
	mustRender(t, r, o)
	if srv.Requests() != before {
		t.Errorf("the cache hit made requests")
	}
	// OCI and URL charts are found in the cache by their archive name too.
	r2 := release("oci://127.0.0.1:1/charts/agent")
	r2.Version = "1.0.0"
	mustRender(t, r2, o)

	// Offline without the chart in the cache.
	o.CacheDir = t.TempDir()
	_, err := Render(context.Background(), r, o)
	if ReasonOf(err) != ReasonOffline || !strings.Contains(err.Error(), "--helm-offline") {
		t.Errorf("offline: %v", err)
	}
	// A cached archive that is another chart is not used.
	data, _ := os.ReadFile(pkgs.tgzs["web-0.3.0"])
	if err := os.WriteFile(filepath.Join(o.CacheDir, "agent-1.0.0.tgz"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Render(context.Background(), r, o); ReasonOf(err) != ReasonOffline {
		t.Errorf("a mismatched cache file must not be used: %v", err)
	}
}

func TestSourceServerDownCostsTheReleaseOnly(t *testing.T) {
	// Nothing listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	// Accepts, never answers.
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hang.Close() })
	go func() {
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	// Answers 503.
	var hits int
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits++
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(failing.Close)

	o := online(t)
	o.Timeout = 300 * time.Millisecond
	o.Retries = 1
	for name, repo := range map[string]string{
		"refused":  "http://" + closed + "/charts",
		"hangs":    "http://" + hang.Addr().String() + "/charts",
		"503":      failing.URL + "/charts",
		"oci-down": "oci://" + closed + "/charts",
		"oci-hang": "oci://" + hang.Addr().String() + "/charts",
	} {
		r := release("agent")
		r.Repository = repo
		r.Version = "1.0.0"
		start := time.Now()
		_, err := Render(context.Background(), r, o)
		if ReasonOf(err) != ReasonUnreachable {
			t.Errorf("%s: reason %q: %v", name, ReasonOf(err), err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %v", name, d)
		}
	}
	if hits != 2 {
		t.Errorf("503 tried %d times, want 2 (one retry)", hits)
	}
	// A cancelled run stops at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := release("agent")
	r.Repository = "http://" + hang.Addr().String() + "/charts"
	r.Version = "1.0.0"
	if _, err := Render(ctx, r, o); ReasonOf(err) != ReasonUnreachable {
		t.Errorf("cancelled: %v", err)
	}
}

func TestSourceDigestMismatch(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"index.yaml", "web-0.3.0.tgz"} {
		data, err := os.ReadFile(filepath.Join(pkgs.dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if f != "index.yaml" {
			data, _ = os.ReadFile(pkgs.tgzs["needs-0.1.0"])
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := startRepo(t, dir, "", "")
	r := release("web")
	r.Repository = srv.URL + "/charts"
	r.Version = "0.3.0"
	if _, err := Render(context.Background(), r, online(t)); ReasonOf(err) != ReasonInvalidChart || !strings.Contains(err.Error(), "digest") {
		t.Errorf("digest: %v", err)
	}
}

func TestMemoRendersOnce(t *testing.T) {
	o := offline(t)
	o.Memo = &Memo{}
	r := release("agent")
	r.Set = []Set{{Name: "privileged", Value: Known("true")}}
	a := mustRender(t, r, o)
	b := mustRender(t, r, o)
	r.Set = []Set{{Name: "privileged", Value: Known("false")}}
	mustRender(t, r, o)
	r.Address = "helm_release.other" // the same inputs under another address
	mustRender(t, r, o)
	if s := o.Memo.Stats(); s.ChartLoads != 1 || s.Renders != 2 || s.RenderHits != 2 {
		t.Errorf("stats %+v", s)
	}
	// Each caller gets its own copy.
	a.Documents[0].Object["kind"] = "Changed"
	if b.Documents[0].Kind() == "Changed" {
		t.Errorf("memoized results are shared")
	}
	// An error is remembered too, with each caller's address.
	bad := release("needs")
	bad.Address = "helm_release.one"
	_, err1 := Render(context.Background(), bad, o)
	bad.Address = "helm_release.two"
	_, err2 := Render(context.Background(), bad, o)
	if err1 == nil || err2 == nil || !strings.HasPrefix(err2.Error(), "helm_release.two: ") {
		t.Errorf("errors %v / %v", err1, err2)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSourceMissingDependenciesAreFetched(t *testing.T) {
	srv := startRepo(t, pkgs.dir, "", "")
	chartYAML := "apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n  - name: agent\n    version: ^1.0.0\n    repository: " + srv.URL + "/charts\n"
	values := "agent:\n  privileged: true\n"
	lock := "dependencies:\n- name: agent\n  repository: " + srv.URL + "/charts\n  version: 1.0.0\ndigest: sha256:0\ngenerated: \"2026-01-01T00:00:00Z\"\n"

	// Chart.lock pins 1.0.0 although ^1.0.0 would take 1.1.0.
	dir := writeChart(t, chartYAML, values, nil)
	if err := os.WriteFile(filepath.Join(dir, "Chart.lock"), []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRender(t, release(dir), online(t))
	ds := find(t, out, "DaemonSet", "rel-agent")
	if ds.Template != "charts/agent/templates/daemonset.yaml" {
		t.Errorf("template %q", ds.Template)
	}
	wantValue(t, ds, agentC+".securityContext.privileged", true)
	wantAbsent(t, ds, "spec.template.spec.hostNetwork")
	if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "agent 1.0.0") {
		t.Errorf("warnings %v", out.Warnings)
	}
	// No lock: the constraint, as `helm dependency update` resolves it; dependency_update
	// set, no warning.
	dir = writeChart(t, chartYAML, values, nil)
	r := release(dir)
	r.DependencyUpdate = true
	out = mustRender(t, r, online(t))
	wantValue(t, find(t, out, "DaemonSet", "rel-agent"), "spec.template.spec.hostNetwork", true)
	if len(out.Warnings) != 0 {
		t.Errorf("warnings %v", out.Warnings)
	}
	// Offline without the dependency in the cache.
	if _, err := Render(context.Background(), release(dir), offline(t)); ReasonOf(err) != ReasonOffline || !strings.Contains(err.Error(), `dependency "agent"`) {
		t.Errorf("offline: %v", err)
	}
	// A file:// dependency is a path from the chart's directory.
	abs, err := filepath.Abs(filepath.Join("testdata", "charts", "agent"))
	if err != nil {
		t.Fatal(err)
	}
	dir = writeChart(t, "apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n  - name: agent\n    version: 1.0.0\n    repository: file://"+abs+"\n", "", nil)
	find(t, mustRender(t, release(dir), offline(t)), "DaemonSet", "rel-agent")
}
