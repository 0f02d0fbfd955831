package rules

import (
	"strings"
	"testing"
)

func TestEPS112(t *testing.T) {
	ns := func(labels string) string {
		return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  labels: {" + labels + "}\n"
	}
	runCases(t, []ruleCase{
		{name: "enforce only", doc: ns("pod-security.kubernetes.io/enforce: restricted"), fail: []string{"EPS112"}},
		{name: "warn lower", doc: ns("pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/warn: baseline, pod-security.kubernetes.io/audit: restricted"), fail: []string{"EPS112"}},
		{name: "all three", doc: ns("pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/warn: restricted, pod-security.kubernetes.io/audit: baseline"), notAnything: []string{"EPS112"}},
		{name: "no enforce is EPS107's", doc: ns("pod-security.kubernetes.io/warn: restricted"), notAnything: []string{"EPS112"}, fail: []string{"EPS107"}},
		{name: "privileged is EPS107's", doc: ns("pod-security.kubernetes.io/enforce: privileged"), notAnything: []string{"EPS112"}},
		{name: "audit unknown", doc: ns("pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/warn: restricted, pod-security.kubernetes.io/audit: \"(unknown)\""), unknown: []string{"EPS112"}, notFail: []string{"EPS112"}},
	})
	fs := judge(t, Options{}, map[string]string{
		"kubernetes_namespace_v1.payments": ns("pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/warn: baseline"),
	})
	for _, f := range fs {
		if f.RuleID == "EPS112" && !strings.Contains(f.Message, "Namespace \"payments\" enforces restricted, but warn is baseline and audit is not set") {
			t.Errorf("message %q", f.Message)
		}
	}
}
