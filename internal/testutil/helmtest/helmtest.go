// Package helmtest serves Helm charts to tests the way real repositories do, on
// 127.0.0.1 and free ports, stopped when the test ends: an HTTP chart repository (the
// index.yaml protocol) and an OCI registry (github.com/distribution/distribution/v3, in
// process and in memory, the charts pushed with the Helm SDK's registry client), and
// helpers to package chart directories and index them as `helm package` and `helm repo
// index` do.
package helmtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	"github.com/sirupsen/logrus"
	"golang.org/x/crypto/bcrypt"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/registry"
	"helm.sh/helm/v3/pkg/repo"

	// The registry's storage and auth drivers register themselves.
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
)

// QuietRegistryLogs silences the registry's logger (logrus, process-wide: tests only);
// StartRegistry calls it.
func QuietRegistryLogs() {
	logrus.SetLevel(logrus.ErrorLevel)
	logrus.SetOutput(io.Discard)
}

// Repo is an HTTP chart repository on 127.0.0.1 serving a directory under /charts
// (URL + "/charts" is the repository URL); it counts the requests it answers.
type Repo struct {
	*httptest.Server
	requests atomic.Int64
}

// Requests is how many requests the repository has answered.
func (r *Repo) Requests() int64 { return r.requests.Load() }

// RepoURL is the repository URL (what `repository` names).
func (r *Repo) RepoURL() string { return r.URL + "/charts" }

// ServeRepo serves dir (an index.yaml and chart archives) as a chart repository, with
// basic auth when user is set.
func ServeRepo(t testing.TB, dir, user, pass string) *Repo {
	t.Helper()
	s := &Repo{}
	files := http.FileServer(http.Dir(dir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if user != "" {
			u, p, ok := r.BasicAuth()
			if !ok || u != user || p != pass {
				w.Header().Set("WWW-Authenticate", `Basic realm="charts"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		http.StripPrefix("/charts", files).ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// StartRegistry runs a Distribution registry (in memory) on 127.0.0.1, with htpasswd
// auth when user is set, and pushes the archives ("name:tag" -> path of a .tgz) under
// charts/ with the Helm SDK's registry client. It returns host:port; charts are at
// oci://HOST/charts/NAME.
func StartRegistry(t testing.TB, user, pass string, archives map[string]string) string {
	t.Helper()
	QuietRegistryLogs()
	cfg := &configuration.Configuration{}
	cfg.Storage = configuration.Storage{"inmemory": configuration.Parameters{}}
	cfg.Log.AccessLog.Disabled = true
	cfg.Log.Level = "error"
	cfg.HTTP.Secret = "ekspodsec-test"
	if user != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		htpasswd := filepath.Join(t.TempDir(), "htpasswd")
		if err := os.WriteFile(htpasswd, []byte(user+":"+string(hash)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg.Auth = configuration.Auth{"htpasswd": configuration.Parameters{"realm": "test", "path": htpasswd}}
	}
	app := handlers.NewApp(context.Background(), cfg)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")

	opts := []registry.ClientOption{registry.ClientOptPlainHTTP(), registry.ClientOptWriter(io.Discard),
		registry.ClientOptCredentialsFile(filepath.Join(t.TempDir(), "config.json"))}
	if user != "" {
		opts = append(opts, registry.ClientOptBasicAuth(user, pass))
	}
	client, err := registry.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	for ref, file := range archives {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Push(data, fmt.Sprintf("%s/charts/%s", host, ref)); err != nil {
			t.Fatalf("pushing %s: %v", ref, err)
		}
	}
	return host
}

// Package packages the chart directory src into dir as `helm package` does and returns
// the archive's path.
func Package(src, dir string) (string, error) {
	ch, err := loader.LoadDir(src)
	if err != nil {
		return "", err
	}
	return chartutil.Save(ch, dir)
}

// Index writes dir/index.yaml for the archives in dir, as `helm repo index` does
// (relative URLs, sha256 digests), with the Helm SDK's repo.IndexDirectory.
func Index(dir string) error {
	idx, err := repo.IndexDirectory(dir, "")
	if err != nil {
		return err
	}
	idx.SortEntries()
	return idx.WriteFile(filepath.Join(dir, "index.yaml"), 0o644)
}
