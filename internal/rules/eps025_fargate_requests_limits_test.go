package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS025(t *testing.T) {
	deploy := func(ns string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ` + ns + `}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: api:1
        resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {cpu: "1", memory: 2Gi}}
      - name: envoy
        image: envoy:1
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 100m, memory: 128Mi}}
      - name: limits-only
        image: x:1
        resources: {limits: {cpu: 100m, memory: 128Mi}}
      - name: same-quantity
        image: x:1
        resources: {requests: {cpu: "0.5", memory: 1Gi}, limits: {cpu: 500m, memory: 1024Mi}}
`
	}
	facts := fargateFacts(eks.Selector{Namespace: "fargate-apps"})
	fs := judgeWith(t, Options{}, facts, map[string]string{"kubernetes_manifest.a": deploy("fargate-apps"), "kubernetes_manifest.b": deploy("batch")})
	if !has(at(fs, "kubernetes_manifest.a"), finding.Fail, "EPS025@api") {
		t.Errorf("api: requests below limits on Fargate: %s", ids(fs))
	}
	for _, c := range []string{"envoy", "limits-only", "same-quantity"} {
		if has(fs, finding.Fail, "EPS025@"+c) || has(fs, finding.Unknown, "EPS025@"+c) {
			t.Errorf("%s: requests equal to limits: %s", c, ids(fs))
		}
	}
	if len(at(fs, "kubernetes_manifest.b")) > 0 && (has(at(fs, "kubernetes_manifest.b"), finding.Fail, "EPS025") || has(at(fs, "kubernetes_manifest.b"), finding.Unknown, "EPS025")) {
		t.Errorf("a namespace no profile selects is silent: %s", ids(at(fs, "kubernetes_manifest.b")))
	}
	for _, f := range fs {
		if f.RuleID == "EPS025" && f.Container == "api" {
			for _, want := range []string{`Fargate profile "fp"`, "requests cpu 250m but limits it to 1", "requests memory 512Mi but limits it to 2Gi", "sizes the pod at 1 vCPU / 2 GB"} {
				if !strings.Contains(f.Message, want) {
					t.Errorf("message %q lacks %q", f.Message, want)
				}
			}
		}
	}
	// no Fargate profile at all: silent
	if fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.a": deploy("fargate-apps")}); has(fs, finding.Fail, "EPS025") {
		t.Errorf("no profile: %s", ids(fs))
	}
	// the namespace is unknown: whether Fargate runs it is unknown
	fs = judgeWith(t, Options{}, facts, map[string]string{"kubernetes_manifest.a": strings.Replace(deploy("fargate-apps"), "namespace: fargate-apps", `namespace: "(unknown)"`, 1)})
	if !has(fs, finding.Unknown, "EPS025@api") || has(fs, finding.Fail, "EPS025") {
		t.Errorf("unknown namespace: %s", ids(fs))
	}
}
