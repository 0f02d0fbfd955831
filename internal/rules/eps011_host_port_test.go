package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/objtest"
)

func TestEPS011(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS011 host port",
			doc: pod(`
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 80, hostPort: 8080}]}
  - {name: side, image: nginx, ports: [{containerPort: 9090}]}
`), fail: []string{"EPS011@app"}, notFail: []string{"EPS011@side"}},
	})
}

// TestEPS011HostNetworkDefault: a hostNetwork pod's ports bind the node's ports although
// none writes a hostPort (the API server sets it, object.ApplyServerDefaults); the
// message says who sets it.
func TestEPS011HostNetworkDefault(t *testing.T) {
	o := objtest.FromYAML(t, "kubernetes_manifest.p", pod(`
  hostNetwork: true
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 9809}]}
`))
	object.ApplyServerDefaults(o)
	fs := judgeObjects(t, Options{}, Facts{}, o)
	if !has(fs, finding.Fail, "EPS011@app") {
		t.Fatalf("EPS011 not reported: %s", ids(fs))
	}
	for _, f := range fs {
		if f.RuleID == "EPS011" && !strings.Contains(f.Message, "writes none: the API server sets hostPort to containerPort") {
			t.Errorf("message %q", f.Message)
		}
	}
}
