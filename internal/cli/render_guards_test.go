package cli

import (
	"strings"
	"testing"
)

// TestRenderGuards: what would undo the profile is exit 2 with one line naming the flag,
// the value and why, whatever its spelling; the decision is the profile's, the same the
// data sources take (internal/provider TestAccGuards).
func TestRenderGuards(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--volume", "*"}, `--volume "*": volume type "*" allows every volume type, hostPath included`},
		{[]string{"--volume", "csi", "--volume", "hostPath"}, `--volume "hostPath": volume type "hostPath": hostPath is not allowed wholesale`},
		{[]string{"--volume", "hostpath"}, `--allow-host-path PREFIX`},
		{[]string{"--volume", "HostPath"}, `hostPath is not allowed wholesale`},
		{[]string{"--volume", "CSI"}, `--volume "CSI": unknown volume type "CSI": volume types are case-sensitive, write "csi"`},
		{[]string{"--allow-capability", "ALL"}, `--allow-capability "ALL": capability "ALL" lets containers add every capability, SYS_ADMIN included`},
		{[]string{"--allow-capability", "NET_ADMIN", "--allow-capability", "all"}, `--allow-capability "all": capability "all" lets containers add every capability`},
		{[]string{"--allow-capability", "cap_all"}, `(profile restricted)`},
		{[]string{"--allow-capability", "*", "--profile", "baseline"}, `--allow-capability "*"`},
		{[]string{"--allow-capability", "CAP_WIZARD"}, `--allow-capability "CAP_WIZARD": unknown capability`},
		{[]string{"--allow-host-path", "/"}, `--allow-host-path "/": host path prefix "/" allows every host path`},
		{[]string{"--allow-host-path", "/var/log", "--allow-host-path", "//"}, `--allow-host-path "//": host path prefix "//" allows every host path`},
		{[]string{"--allow-host-path", "/var/run:rw"}, `--allow-host-path "/var/run:rw": host path prefix "/var/run" covers /var/run/docker.sock`},
		{[]string{"--allow-host-path", "/run/containerd"}, `covers /run/containerd/containerd.sock`},
		{[]string{"--allow-host-path", "/var"}, `covers /var/run/docker.sock`},
		{[]string{"--allow-host-path", "/var/log/.."}, `contains ".."`},
		{[]string{"--allow-host-path", "/data:RW"}, `--allow-host-path "/data:RW": write the mode in lower case, :rw`},
		{[]string{"--allow-host-path", "/var/log\x1b[2J"}, `control characters`},
		{[]string{"--fargate", "--allow-capability", "NET_ADMIN"}, `--allow-capability: EKS Fargate only lets containers drop capabilities, never add them: drop --allow-capability or --fargate`},
		{[]string{"--kubernetes-version", "1.99999999999999999999"}, `--kubernetes-version: "1.99999999999999999999" is not a Kubernetes version: its minor version 99999999999999999999 is out of range`},
		{[]string{"--kubernetes-version", "1.024"}, `--kubernetes-version: "1.024" is not a Kubernetes version: its minor version 024 has a leading zero`},
		{[]string{"--label", "bad key=v"}, `--label "bad key": label key "bad key" is not valid`},
		{[]string{"--annotation", "a/b/c=v"}, `--annotation "a/b/c": annotation key`},
	} {
		args := append([]string{"render", "psp", "--kubernetes-version", "1.24"}, tc.args...)
		code, out, errs := run(t, "", args...)
		if code != ExitUsage || out != "" || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "render psp: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line saying %q", tc.args, code, out, errs, tc.want)
		}
	}
	// the privileged level allows every capability, volume and host path already
	code, out, errs := run(t, "", "render", "psp", "--kubernetes-version", "1.24", "--profile", "privileged",
		"--allow-capability", "ALL", "--volume", "*", "--allow-host-path", "/")
	if code != ExitOK || !strings.Contains(out, "- '*'") {
		t.Errorf("privileged: exit %d\n%s%s", code, out, errs)
	}
}

// TestRenderNumbers: quantities beyond 2^63-1 are exit 2 naming the flag and key, never
// the clamped number (99999999999999999999999999Ei once rendered as 9223372036854775807);
// quantities are written canonically.
func TestRenderNumbers(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"render", "quota", "--name", "q", "--namespace", "web", "--hard", "requests.memory=99999999999999999999999999Ei"},
			`render quota: --hard "requests.memory": "99999999999999999999999999Ei" is out of range`},
		{[]string{"render", "quota", "--name", "q", "--namespace", "web", "--hard", "pods=1e19"}, `--hard "pods": "1e19" is out of range`},
		{[]string{"render", "limitrange", "--name", "l", "--namespace", "web", "--max", "memory=8Ei"}, `render limitrange: --max "memory": "8Ei" is out of range`},
		{[]string{"render", "limitrange", "--name", "l", "--namespace", "web", "--default-request", "cpu=9.3E"}, `--default-request "cpu": "9.3E" is out of range`},
		{[]string{"render", "limitrange", "--name", "l", "--namespace", "web", "--pvc-max", "storage=-1Gi"}, `--pvc-max "storage": "-1Gi" is negative`},
		{[]string{"render", "limitrange", "--name", "l", "--namespace", "web", "--max", "cpu=1", "--default", "cpu=2"}, `--default "cpu": default cpu 2 is greater than max cpu 1`},
		{[]string{"render", "rbac", "--policy", "p", "--group", "web/ops team"}, `render rbac: --group: "ops team" is not a group name`},
		{[]string{"render", "rbac", "--policy", "p", "--service-account", "web/"}, `--service-account: service account "" is not a valid name`},
	} {
		code, out, errs := run(t, "", tc.args...)
		if code != ExitUsage || out != "" || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line saying %q", tc.args, code, out, errs, tc.want)
		}
	}
	code, out, errs := run(t, "", "render", "quota", "--name", "q", "--namespace", "web", "--hard", "requests.cpu=+1,requests.memory=7Ei,limits.cpu=01,limits.memory=1E3")
	if code != ExitOK || !strings.Contains(out, "requests.cpu: \"1\"") || !strings.Contains(out, "requests.memory: 7Ei") ||
		!strings.Contains(out, "limits.cpu: \"1\"") || !strings.Contains(out, `limits.memory: "1e3"`) {
		t.Errorf("canonical quantities: exit %d\n%s%s", code, out, errs)
	}
}
