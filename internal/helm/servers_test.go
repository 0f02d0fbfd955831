package helm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/repo"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/helmtest"
)

// packaged holds the test charts packaged as `helm package` does, and a repository
// directory with an index.yaml as `helm repo index` writes it. It is made once by TestMain.
type packaged struct {
	dir  string            // the repository directory: *.tgz and index.yaml
	tgzs map[string]string // "agent-1.0.0" -> path
}

var pkgs packaged

func TestMain(m *testing.M) {
	helmtest.QuietRegistryLogs()
	dir, err := os.MkdirTemp("", "ekspodsec-helm-repo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pkgs, err = packageCharts(dir)
	if err != nil {
		os.RemoveAll(dir)
		fmt.Fprintln(os.Stderr, "packaging the test charts:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// packageCharts packages testdata/charts/{agent,web,needs} with the Helm SDK, adds agent
// 1.1.0 (hostNetwork on by default) and a prerelease 2.0.0-rc.1, and indexes them.
func packageCharts(dir string) (packaged, error) {
	p := packaged{dir: dir, tgzs: map[string]string{}}
	for _, name := range []string{"agent", "web", "needs"} {
		ch, err := loader.LoadDir(filepath.Join("testdata", "charts", name))
		if err != nil {
			return p, err
		}
		out, err := chartutil.Save(ch, dir)
		if err != nil {
			return p, err
		}
		p.tgzs[name+"-"+ch.Metadata.Version] = out
		if name == "agent" {
			for _, v := range []string{"1.1.0", "2.0.0-rc.1"} {
				ch.Metadata.Version = v
				for _, f := range ch.Raw {
					if f.Name == chartutil.ValuesfileName {
						f.Data = []byte(strings.Replace(string(f.Data), "hostNetwork: false", "hostNetwork: true", 1))
					}
				}
				out, err := chartutil.Save(ch, dir)
				if err != nil {
					return p, err
				}
				p.tgzs[name+"-"+v] = out
			}
		}
	}
	idx, err := repo.IndexDirectory(dir, "")
	if err != nil {
		return p, err
	}
	idx.SortEntries()
	return p, idx.WriteFile(filepath.Join(dir, "index.yaml"), 0o644)
}

// repoServer is an HTTP chart repository on 127.0.0.1 (helmtest.Repo).
type repoServer = helmtest.Repo

func startRepo(t testing.TB, dir, user, pass string) *repoServer {
	t.Helper()
	return helmtest.ServeRepo(t, dir, user, pass)
}

// startRegistry runs a Distribution registry (in memory) on 127.0.0.1 and pushes the
// packaged charts to it under charts/ with the Helm SDK's registry client. It returns
// host:port.
func startRegistry(t testing.TB, user, pass string) string {
	t.Helper()
	return startRegistryWith(t, user, pass, map[string]string{
		"agent:1.0.0": pkgs.tgzs["agent-1.0.0"], "agent:1.1.0": pkgs.tgzs["agent-1.1.0"], "web:0.3.0": pkgs.tgzs["web-0.3.0"]})
}

// startRegistryWith pushes archives ("name:tag" -> path) under charts/.
func startRegistryWith(t testing.TB, user, pass string, archives map[string]string) string {
	t.Helper()
	return helmtest.StartRegistry(t, user, pass, archives)
}
