package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS028(t *testing.T) {
	facts := fargateFacts(eks.Selector{Namespace: "etl"})
	doc := func(name, containers string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: etl}\nspec:\n" + containers
	}
	fs := judgeWith(t, Options{}, facts, map[string]string{
		"kubernetes_manifest.sum": doc("sum", `  containers:
  - {name: a, image: x:1, resources: {requests: {ephemeral-storage: 100Gi}}}
  - {name: b, image: x:1, resources: {limits: {ephemeral-storage: 80Gi}}}
`),
		"kubernetes_manifest.init": doc("init", `  initContainers:
  - {name: unpack, image: x:1, resources: {requests: {ephemeral-storage: 200Gi}}}
  containers:
  - {name: a, image: x:1, resources: {requests: {ephemeral-storage: 10Gi}}}
`),
		"kubernetes_manifest.fits": doc("fits", `  initContainers:
  - {name: unpack, image: x:1, resources: {requests: {ephemeral-storage: 175Gi}}}
  containers:
  - {name: a, image: x:1, resources: {requests: {ephemeral-storage: 100Gi}}}
  - {name: b, image: x:1, resources: {requests: {ephemeral-storage: 75Gi}}}
`),
		"kubernetes_manifest.sidecar": doc("sidecar", `  initContainers:
  - {name: proxy, image: x:1, restartPolicy: Always, resources: {requests: {ephemeral-storage: 100Gi}}}
  containers:
  - {name: a, image: x:1, resources: {requests: {ephemeral-storage: 100Gi}}}
`),
	})
	for _, a := range []string{"kubernetes_manifest.sum", "kubernetes_manifest.init", "kubernetes_manifest.sidecar"} {
		if !has(at(fs, a), finding.Fail, "EPS028") {
			t.Errorf("%s: more than 175Gi: %s", a, ids(at(fs, a)))
		}
	}
	if has(at(fs, "kubernetes_manifest.fits"), finding.Fail, "EPS028") {
		t.Errorf("exactly 175Gi fits: %s", ids(fs))
	}
	for _, f := range at(fs, "kubernetes_manifest.sum") {
		if f.RuleID == "EPS028" && !strings.Contains(f.Message, "request 180Gi of ephemeral storage") {
			t.Errorf("message %q", f.Message)
		}
	}
}
