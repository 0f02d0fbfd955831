package cli

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestAdviseFormats: a plan advised in each format, to stdout or a file, with the report.
func TestAdviseFormats(t *testing.T) {
	plan := filepath.Join(fixtures, "daemon_set_v1_violating.json")
	code, out, errs := run(t, "", "advise", "--kubernetes-version", "1.31", plan)
	if code != ExitOK || errs != "" || !strings.Contains(out, `data "ekspodsec_validating_admission_policy" "kube_system_node_agent"`) {
		t.Fatalf("hcl: %d %q\n%s", code, errs, out)
	}
	code, out, _ = run(t, "", "advise", "--format", "yaml", "--kubernetes-version", "1.31", plan)
	if code != ExitOK || !strings.Contains(out, "kind: ValidatingAdmissionPolicy") || !strings.Contains(out, "kind: ServiceAccount") {
		t.Fatalf("yaml: %d\n%s", code, out)
	}
	code, out, _ = run(t, "", "advise", "--format", "json", plan)
	var a map[string]any
	if code != ExitOK || json.Unmarshal([]byte(out), &a) != nil || a["pod_security_standards_version"] != "latest" {
		t.Fatalf("json: %d\n%s", code, out)
	}
	// --output takes the format, stdout the report
	file := filepath.Join(t.TempDir(), "advice.tf")
	code, out, _ = run(t, "", "advise", "--report", "--output", file, plan)
	written, err := os.ReadFile(file)
	if code != ExitOK || err != nil || !strings.HasPrefix(string(written), "# Written by terraform-provider-ekspodsec advise") {
		t.Fatalf("--output: %d %v\n%s", code, err, written)
	}
	if !strings.Contains(out, "service account node-agent (to create") || strings.Contains(out, "terraform {") {
		t.Errorf("--report with --output: stdout is the report only:\n%s", out)
	}
	// --report alone is the report alone
	_, out, _ = run(t, "", "advise", "--report", plan)
	if strings.Contains(out, "terraform {") || !strings.Contains(out, "NAMESPACE") {
		t.Errorf("--report:\n%s", out)
	}
	// stdin
	data, _ := os.ReadFile(plan)
	code, out, _ = run(t, string(data), "advise", "-")
	if code != ExitOK || !strings.Contains(out, "advise from stdin") {
		t.Errorf("stdin: %d\n%s", code, out)
	}
}

// TestAdviseManifests: YAML files and directories are advised like a plan.
func TestAdviseManifests(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "agent.yaml"), []byte(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: obs}
spec:
  template:
    spec:
      serviceAccountName: agent
      containers: [{name: a, image: a, volumeMounts: [{name: l, mountPath: /l, readOnly: true}]}]
      volumes: [{name: l, hostPath: {path: /var/log}}]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "advise", "--report", dir)
	if code != ExitOK || !strings.Contains(out, "host path /var/log (read-only)") {
		t.Fatalf("%d %s\n%s", code, errs, out)
	}
	code, out, _ = run(t, "", "advise", "--report", filepath.Join(dir, "agent.yaml"))
	if code != ExitOK || !strings.Contains(out, "service account agent") {
		t.Errorf("one file: %d\n%s", code, out)
	}
}

// TestAdviseBadInput: exit 2 and one line naming what is wrong.
func TestAdviseBadInput(t *testing.T) {
	dir := t.TempDir()
	notK8s := writeFile(t, "compose.yaml", "services:\n  web:\n    image: nginx\n")
	second := writeFile(t, "two.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {}\n---\n[1, 2]\n")
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ctrl := filepath.Join(dir, "bad\x1b[31mname.yaml")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	kubeconfig := writeFile(t, "kubeconfig", `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:`+itoaPort(port)+`", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: s3cr3t-token}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`)
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"nothing":            {[]string{"advise"}, "nothing to advise on"},
		"format":             {[]string{"advise", "--format", "xml", notK8s}, `--format "xml": want hcl, yaml or json`},
		"version":            {[]string{"advise", "--kubernetes-version", "one", notK8s}, "--kubernetes-version"},
		"two inputs":         {[]string{"advise", "--kubeconfig", kubeconfig, notK8s}, "not several"},
		"missing":            {[]string{"advise", filepath.Join(dir, "nope.json")}, "nope.json: no such file"},
		"not kubernetes":     {[]string{"advise", notK8s}, "compose.yaml (document 1): not a Kubernetes object"},
		"second document":    {[]string{"advise", second}, "two.yaml (document 2): not a Kubernetes object"},
		"fifo":               {[]string{"advise", fifo}, "fifo.yaml"},
		"control characters": {[]string{"advise", ctrl}, `bad\x1b[31mname.yaml: no such file`},
		"unreachable":        {[]string{"advise", "--kubeconfig", kubeconfig}, "cannot reach the Kubernetes API server at https://127.0.0.1:" + itoaPort(port)},
		"no context":         {[]string{"advise", "--kubeconfig", kubeconfig, "--context", "prod"}, `has no context "prod"`},
		"no kubeconfig":      {[]string{"advise", "--kubeconfig", filepath.Join(dir, "none")}, "--kubeconfig"},
		"output is input":    {[]string{"advise", "--output", notK8s, notK8s}, "would overwrite it"},
		"bad namespace":      {[]string{"advise", "--namespace", "a/b", notK8s}, "not a namespace name"},
	} {
		code, out, errs := run(t, "", tc.args...)
		if code != ExitUsage || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "advise: ") || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", name, code, out, errs, tc.want)
		}
		if strings.Contains(errs, "s3cr3t") || strings.Contains(errs, "\x1b") {
			t.Errorf("%s: stderr leaks: %q", name, errs)
		}
	}
	if code, out, _ := run(t, "", "advise", "-h"); code != ExitOK || !strings.Contains(out, "-warn-level") {
		t.Errorf("-h: %d\n%s", code, out)
	}
}

func itoaPort(p int) string { b, _ := json.Marshal(p); return string(b) }
