package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

func TestEPS007(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS007 allowed prefix matches whole segments",
			opts: Options{AllowedHostPaths: []profile.HostPath{{PathPrefix: "/var/log", ReadOnly: true}}},
			doc: pod(`
  containers:
  - name: app
    image: fluent-bit
    volumeMounts:
    - {name: logs, mountPath: /logs, readOnly: true}
    - {name: fool, mountPath: /fool, readOnly: true}
    - {name: climb, mountPath: /climb, readOnly: true}
  volumes:
  - {name: logs, hostPath: {path: /var/log/pods}}
  - {name: fool, hostPath: {path: /var/logs}}
  - {name: climb, hostPath: {path: /var/log/../../etc}}
`), fail: []string{"EPS007"}, notFail: []string{"EPS005", "EPS006"}},
	})
}

// TestEPS007NoAllowList: with no allow-list, one EPS007 for the pod names every hostPath
// (each volume is its own EPS005); with one, one EPS007 per volume outside it.
func TestEPS007NoAllowList(t *testing.T) {
	doc := pod(`
  containers: [{name: app, image: agent, volumeMounts: [{name: a, mountPath: /a, readOnly: true}, {name: b, mountPath: /b, readOnly: true}]}]
  volumes:
  - {name: a, hostPath: {path: /var/log}}
  - {name: b, hostPath: {path: /etc/ssl}}
`)
	count := func(fs []finding.Finding, id string) (n int, msg string) {
		for _, f := range fs {
			if f.RuleID == id && f.Status == finding.Fail {
				n, msg = n+1, f.Message
			}
		}
		return n, msg
	}
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": doc})
	if n, msg := count(fs, "EPS007"); n != 1 || !strings.Contains(msg, `"/var/log" and "/etc/ssl"`) {
		t.Errorf("no allow-list: want one EPS007 naming both paths, got %d: %s", n, msg)
	}
	if n, _ := count(fs, "EPS005"); n != 2 {
		t.Errorf("no allow-list: want an EPS005 per volume, got %d", n)
	}
	fs = judge(t, Options{AllowedHostPaths: []profile.HostPath{{PathPrefix: "/var/log", ReadOnly: true}}}, map[string]string{"kubernetes_manifest.x": doc})
	if n, msg := count(fs, "EPS007"); n != 1 || !strings.Contains(msg, `"/etc/ssl"`) {
		t.Errorf("allow-list: want one EPS007 for /etc/ssl, got %d: %s", n, msg)
	}
	if n, _ := count(fs, "EPS005"); n != 0 {
		t.Errorf("allow-list: the list decides, EPS005 stays quiet, got %d", n)
	}
}
