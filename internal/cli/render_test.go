package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
)

// TestRenderPSPIsTheGolden: the CLI prints the same restricted policy as the renderer's
// golden file (the guide's policy), with the version warning on stderr only.
func TestRenderPSPIsTheGolden(t *testing.T) {
	code, out, errs := run(t, "", "render", "psp", "--profile", "restricted")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want, err := os.ReadFile(filepath.Join("..", "render", "testdata", "psp-restricted.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("render psp differs from the golden policy:\n%s", out)
	}
	if !strings.Contains(errs, "warning: PodSecurityPolicy needs a cluster older than Kubernetes 1.25") {
		t.Errorf("stderr %q", errs)
	}
	// with a version, no warning; identical bytes on every run
	_, again, errs2 := run(t, "", "render", "psp", "--kubernetes-version", "v1.24.3")
	if errs2 != "" || again != out {
		t.Errorf("second render: stderr %q, same=%v", errs2, again == out)
	}
}

func TestRenderPSPOptions(t *testing.T) {
	code, out, errs := run(t, "", "render", "psp", "--profile", "baseline", "--fargate", "--kubernetes-version", "1.23",
		"--allow-host-path", "/var/log", "--allow-host-path", "/data:rw", "--volume", "csi", "--read-only-root-filesystem",
		"--name", "team-a", "--label", "team=a")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var p psp.PodSecurityPolicy
	if err := yaml.UnmarshalStrict([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	s := p.Spec
	if p.Name != "team-a" || p.Labels["team"] != "a" || s.Privileged || s.HostNetwork || len(s.AllowedCapabilities) != 0 || !s.ReadOnlyRootFilesystem {
		t.Errorf("baseline on Fargate: %+v", p)
	}
	if len(s.AllowedHostPaths) != 2 || !s.AllowedHostPaths[0].ReadOnly || s.AllowedHostPaths[1].ReadOnly || s.AllowedHostPaths[1].PathPrefix != "/data" {
		t.Errorf("host paths %+v", s.AllowedHostPaths)
	}
	if !strings.Contains(strings.Join(s.Volumes, ","), "csi") || !strings.Contains(strings.Join(s.Volumes, ","), "hostPath") {
		t.Errorf("volumes %v", s.Volumes)
	}
}

func TestRenderOtherKinds(t *testing.T) {
	code, out, errs := run(t, "", "render", "rbac", "--policy", "restricted", "--namespace", "web", "--service-account", "payments/api", "--service-account", "payments/worker")
	if code != ExitOK || errs != "" {
		t.Fatalf("rbac: exit %d: %s", code, errs)
	}
	if strings.Count(out, "---\n") != 2 || !strings.Contains(out, "kind: ClusterRole") || strings.Contains(out, "ClusterRoleBinding") ||
		!strings.Contains(out, "name: system:serviceaccounts:web") || !strings.Contains(out, "  name: worker\n  namespace: payments") {
		t.Errorf("rbac:\n%s", out)
	}

	code, out, errs = run(t, "", "render", "limitrange", "--name", "defaults", "--namespace", "web",
		"--default", "cpu=0.5,memory=512Mi", "--default-request", "cpu=100m,memory=128Mi", "--pvc-max", "storage=10Gi", "--format", "json")
	if code != ExitOK || errs != "" {
		t.Fatalf("limitrange: exit %d: %s", code, errs)
	}
	var lr struct {
		Kind string
		Spec struct {
			Limits []struct {
				Type    string
				Default map[string]string
				Max     map[string]string
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(out)))
	if err := dec.Decode(&lr); err != nil || lr.Kind != "LimitRange" || len(lr.Spec.Limits) != 2 ||
		lr.Spec.Limits[0].Default["cpu"] != "500m" || lr.Spec.Limits[1].Max["storage"] != "10Gi" {
		t.Errorf("limitrange %v: %+v\n%s", err, lr, out)
	}

	code, out, errs = run(t, "", "render", "quota", "--name", "compute", "--namespace", "web",
		"--hard", "requests.cpu=4,requests.memory=8Gi", "--hard", "limits.cpu=8,limits.memory=16Gi", "--scope", "NotBestEffort")
	if code != ExitOK || errs != "" {
		t.Fatalf("quota: exit %d: %q", code, errs)
	}
	if !strings.Contains(out, "limits.memory: 16Gi") || !strings.Contains(out, "- NotBestEffort") {
		t.Errorf("quota:\n%s", out)
	}
	_, _, errs = run(t, "", "render", "quota", "--name", "q", "--namespace", "web", "--hard", "pods=10")
	if !strings.Contains(errs, "warning: hard has no requests.cpu, requests.memory, limits.cpu, limits.memory") {
		t.Errorf("quota without requests/limits: stderr %q", errs)
	}
}

// TestRenderRefusals: every bad flag or unsafe request is exit 2 with one line on stderr
// that says why, and nothing on stdout.
func TestRenderRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"render"}, "want a kind"},
		{[]string{"render", "pod"}, `unknown kind "pod"`},
		{[]string{"render", "psp", "--no-such-flag"}, "flag provided but not defined"},
		{[]string{"render", "psp", "extra"}, `unexpected argument "extra"`},
		{[]string{"render", "psp", "--profile", "lenient"}, "--profile: unknown profile"},
		{[]string{"render", "psp", "--profile", "privileged", "--fargate"}, "Fargate refuses privileged containers"},
		{[]string{"render", "psp", "--fargate", "--allow-capability", "NET_ADMIN"}, "only lets containers drop capabilities"},
		{[]string{"render", "psp", "--kubernetes-version", "1.25"}, "removed in Kubernetes 1.25"},
		{[]string{"render", "psp", "--kubernetes-version", "latest"}, "not a Kubernetes version"},
		{[]string{"render", "psp", "--allow-host-path", "var/log"}, "not absolute"},
		{[]string{"render", "psp", "--allow-host-path", "/var/../etc"}, `".."`},
		{[]string{"render", "psp", "--volume", "hostPath"}, "--allow-host-path"},
		{[]string{"render", "psp", "--format", "xml"}, `--format "xml"`},
		{[]string{"render", "psp", "--label", "novalue"}, "--label \"novalue\": want KEY=VALUE"},
		{[]string{"render", "rbac", "--namespace", "web"}, "--policy is required"},
		{[]string{"render", "rbac", "--policy", "p"}, "at least one --namespace"},
		{[]string{"render", "rbac", "--policy", "p", "--group", "web/system:serviceaccounts"}, "eks:podsecuritypolicy:authenticated"},
		{[]string{"render", "rbac", "--policy", "p", "--service-account", "api"}, "want NAMESPACE/NAME"},
		{[]string{"render", "limitrange", "--name", "l", "--namespace", "web", "--max", "cpu=lots"}, `"lots" is not a Kubernetes quantity`},
		{[]string{"render", "limitrange", "--name", "l", "--namespace", "web"}, "at least one of container, pod or pvc"},
		{[]string{"render", "limitrange", "--namespace", "web", "--max", "cpu=1"}, `name "" is not a valid name`},
		{[]string{"render", "quota", "--name", "q", "--namespace", "web", "--hard", "cpus=4"}, `"cpus" is not a quota resource name`},
		{[]string{"render", "quota", "--name", "q", "--namespace", "web", "--hard", "pods=1", "--hard", "pods=2"}, "pods is given twice"},
	} {
		code, out, errs := run(t, "", tc.args...)
		if code != ExitUsage || out != "" {
			t.Errorf("%v: exit %d stdout %q, want exit 2 and nothing on stdout", tc.args, code, out)
		}
		if !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "render") {
			t.Errorf("%v: stderr %q, want one line saying %q", tc.args, errs, tc.want)
		}
	}
}

func TestRenderHelp(t *testing.T) {
	for _, args := range [][]string{{"render", "-h"}, {"render", "psp", "-h"}, {"render", "quota", "--help"}} {
		code, out, _ := run(t, "", args...)
		if code != ExitOK || !strings.Contains(out, "usage: terraform-provider-ekspodsec render") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
}
