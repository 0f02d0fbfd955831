package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T, dir string) *Index {
	t.Helper()
	idx, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// lineOf returns the 1-based line of the first line of file containing needle after skip
// earlier matches.
func lineOf(t *testing.T, file, needle string, skip int) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, needle) {
			if skip == 0 {
				return i + 1
			}
			skip--
		}
	}
	t.Fatalf("%s: no line with %q", file, needle)
	return 0
}

func TestLocateModulesAndInstances(t *testing.T) {
	idx := load(t, "testdata/root")
	root, mod := filepath.Join("testdata", "root", "main.tf"), filepath.Join("testdata", "root", "modules", "logging", "main.tf")
	cases := []struct {
		address, path, file string
		line                int
	}{
		// a count instance maps to its block; the written attribute to its own line
		{"kubernetes_pod_v1.worker[1]", "spec[0].container[0].security_context[0].privileged", root, lineOf(t, root, "privileged = true", 0)},
		{"kubernetes_pod_v1.worker[0]", "", root, lineOf(t, root, `resource "kubernetes_pod_v1" "worker"`, 0)},
		// an attribute that is not written: the deepest block on the way
		{"kubernetes_pod_v1.worker[0]", "spec[0].container[0].security_context[0].allow_privilege_escalation", root, lineOf(t, root, "security_context {", 0)},
		// containers 1 and 2 come from the dynamic block (for_each of two): its content
		// block; there is no container 3: the spec block
		{"kubernetes_pod_v1.worker[0]", "spec[0].container[2].security_context[0].privileged", root, lineOf(t, root, "content {", 0)},
		{"kubernetes_pod_v1.worker[0]", "spec[0].container[1].name", root, lineOf(t, root, "name  = container.value", 0)},
		{"kubernetes_pod_v1.worker[0]", "spec[0].container[3].security_context[0].privileged", root, lineOf(t, root, "  spec {", 0)},
		// inside kubernetes_manifest's object expression
		{"kubernetes_manifest.pod", "manifest.spec.containers[0].securityContext.privileged", root, lineOf(t, root, "privileged = true", 1)},
		{"kubernetes_manifest.pod", "manifest.spec.containers[0].resources.limits", root, lineOf(t, root, `name  = "app"`, 1) - 1},
		// a local module with for_each
		{`module.logging.kubernetes_daemon_set_v1.fluent["a"]`, "spec[0].template[0].spec[0].volume[0].host_path[0].path", mod, lineOf(t, mod, `path = "/var/log"`, 1)},
		{`module.logging.kubernetes_daemon_set_v1.fluent["a"]`, "spec[0].template[0].spec[0].container[0].volume_mount[0].read_only", mod, lineOf(t, mod, "volume_mount {", 0)},
	}
	for _, c := range cases {
		loc, ok := idx.Locate(c.address, c.path)
		if !ok || loc.File != c.file || loc.Line != c.line {
			t.Errorf("Locate(%s, %s) = %+v %v, want %s:%d", c.address, c.path, loc, ok, c.file, c.line)
		}
	}
	for _, addr := range []string{
		"module.eks.kubernetes_config_map_v1.aws_auth", // registry module: not on disk
		"kubernetes_pod_v1.missing",
		"data.kubernetes_namespace_v1.x",
		"module.nope.kubernetes_pod_v1.x",
	} {
		if loc, ok := idx.Locate(addr, ""); ok {
			t.Errorf("Locate(%s) = %+v, want not found", addr, loc)
		}
	}
}

// TestLocateFixtureCases checks lines against the .tf that produced the shared fixture plans.
func TestLocateFixtureCases(t *testing.T) {
	dir := filepath.Join("..", "plancheck", "testdata", "cases")
	dep := filepath.Join(dir, "deployment_v1_violating", "main.tf")
	idx := load(t, filepath.Dir(dep))
	for path, want := range map[string]int{
		"spec[0].template[0].spec[0].container[0].security_context[0].privileged":                 lineOf(t, dep, "privileged                 = true", 0),
		"spec[0].template[0].spec[0].init_container[0].security_context[0].privileged":            lineOf(t, dep, "privileged  = true", 0),
		"spec[0].template[0].spec[0].host_network":                                                lineOf(t, dep, "host_network = true", 0),
		"spec[0].template[0].spec[0].volume[2].host_path[0].path":                                 lineOf(t, dep, `path = "/var/lib"`, 0),
		"spec[0].template[0].spec[0].container[0].port[0].host_port":                              lineOf(t, dep, "host_port", 0),
		"spec[0].template[0].spec[0].container[1].security_context[0].allow_privilege_escalation": lineOf(t, dep, `name  = "sidecar"`, 0) - 1,
	} {
		loc, ok := idx.Locate("kubernetes_deployment_v1.bad", path)
		if !ok || loc.Line != want || loc.File != dep {
			t.Errorf("%s: %+v, want line %d", path, loc, want)
		}
	}
	man := filepath.Join(dir, "stub_manifest_violating", "main.tf")
	idx = load(t, filepath.Dir(man))
	loc, ok := idx.Locate("kubernetes_manifest.deployment", "manifest.spec.template.spec.initContainers[0].securityContext.privileged")
	if !ok || loc.Line != lineOf(t, man, "securityContext = { privileged = true }", 1) {
		t.Errorf("manifest path: %+v", loc)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.tf"), []byte("resource \"x\" \"y\" {\n  a = \n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "bad.tf:2") {
		t.Errorf("error %v must name bad.tf:2", err)
	}
	if idx, err := Load(t.TempDir()); err != nil || idx == nil {
		t.Errorf("an empty directory is fine: %v", err)
	}
}
