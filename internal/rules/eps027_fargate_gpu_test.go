package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS027(t *testing.T) {
	facts := fargateFacts(eks.Selector{Namespace: "ml"})
	doc := func(ns string) string {
		return `apiVersion: v1
kind: Pod
metadata: {name: train, namespace: ` + ns + `}
spec:
  containers:
  - name: trainer
    image: trainer:1
    resources: {limits: {nvidia.com/gpu: "1"}}
  - name: cpu-only
    image: x:1
    resources: {requests: {cpu: "1"}, limits: {cpu: "1"}}
  - name: zero
    image: x:1
    resources: {limits: {nvidia.com/gpu: "0"}}
`
	}
	fs := judgeWith(t, Options{}, facts, map[string]string{"kubernetes_manifest.a": doc("ml"), "kubernetes_manifest.b": doc("gpu-nodes")})
	if !has(at(fs, "kubernetes_manifest.a"), finding.Fail, "EPS027@trainer") {
		t.Errorf("GPU on Fargate: %s", ids(fs))
	}
	if has(fs, finding.Fail, "EPS027@cpu-only") || has(fs, finding.Fail, "EPS027@zero") || has(at(fs, "kubernetes_manifest.b"), finding.Fail, "EPS027") {
		t.Errorf("only GPU requests of pods on Fargate: %s", ids(fs))
	}
	for _, f := range fs {
		if f.RuleID == "EPS027" && !strings.Contains(f.Message, "asks for 1 nvidia.com/gpu") {
			t.Errorf("message %q", f.Message)
		}
	}
}
