package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS006(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS006 init container mounts read-write",
			doc: pod(`
  initContainers: [{name: chown, image: busybox, volumeMounts: [{name: data, mountPath: /data}]}]
  containers: [{name: app, image: nginx, volumeMounts: [{name: data, mountPath: /data, readOnly: true}]}]
  volumes: [{name: data, hostPath: {path: /srv/data}}]
`), fail: []string{"EPS006@chown"}, notFail: []string{"EPS006@app"}},
	})
}

// TestEPS006UnknownCannotChange: a volume whose name and kind are known is not a hostPath,
// whatever else about it is unknown (a secret name from random_id); a volume that is
// unknown as a whole could be.
func TestEPS006UnknownCannotChange(t *testing.T) {
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers: [{name: app, image: nginx, volumeMounts: [{name: cfg, mountPath: /etc/cfg}]}]
  volumes: [{name: cfg, secret: {secretName: "(unknown)"}}]
`)})
	if has(fs, finding.Unknown, "EPS006") || has(fs, finding.Fail, "EPS006") {
		t.Errorf("a secret volume with an unknown secret name is no hostPath: %s", ids(fs))
	}
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers: [{name: app, image: nginx, volumeMounts: [{name: cfg, mountPath: /etc/cfg}]}]
  volumes: ["(unknown)"]
`)})
	if !has(fs, finding.Unknown, "EPS006@app") {
		t.Errorf("a wholly unknown volume could be a hostPath: %s", ids(fs))
	}
}
