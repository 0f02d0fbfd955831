package rules

import (
	"strings"
	"testing"
)

func TestEPS008(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS008 parent directory of the containerd socket",
			doc: pod(`
  containers: [{name: app, image: nginx, volumeMounts: [{name: run, mountPath: /run, readOnly: true}]}]
  volumes: [{name: run, hostPath: {path: /run/containerd}}]
`), fail: []string{"EPS008"}, notFail: []string{"EPS006"}},
		{name: "EPS008 not for unrelated run paths",
			doc: pod(`
  containers: [{name: app, image: nginx, volumeMounts: [{name: l, mountPath: /l, readOnly: true}]}]
  volumes: [{name: l, hostPath: {path: /var/run/secrets-store}}]
`), fail: []string{"EPS005", "EPS007"}, notFail: []string{"EPS008", "EPS006"}},
	})
}

// TestEPS008Names: the message names what the mount exposes, not a socket EKS nodes lack.
func TestEPS008Names(t *testing.T) {
	for hp, want := range map[string]string{
		"/":                               "containerd's /run/containerd/containerd.sock on EKS nodes",
		"/var/run":                        "containerd's /run/containerd/containerd.sock on EKS nodes",
		"/var/run/docker.sock":            "the container runtime socket /run/docker.sock",
		"/run/containerd":                 "a directory holding the container runtime socket /run/containerd/containerd.sock",
		"/run/containerd/containerd.sock": "the container runtime socket /run/containerd/containerd.sock",
	} {
		fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers: [{name: app, image: nginx, volumeMounts: [{name: h, mountPath: /h, readOnly: true}]}]
  volumes: [{name: h, hostPath: {path: "` + hp + `"}}]
`)})
		got := ""
		for _, f := range fs {
			if f.RuleID == "EPS008" {
				got = f.Message
			}
		}
		if !strings.Contains(got, want) {
			t.Errorf("%s: EPS008 message %q does not contain %q", hp, got, want)
		}
	}
}
