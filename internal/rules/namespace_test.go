package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/objtest"
)

func TestNamespaceRules(t *testing.T) {
	ns := func(labels string) string {
		return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n" + labels
	}
	lr := "apiVersion: v1\nkind: LimitRange\nmetadata: {name: l, namespace: team}\nspec:\n  limits: [{type: Container, default: {cpu: 100m}}]\n"
	rq := "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: team}\nspec:\n  hard: {requests.cpu: '1'}\n"

	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.ns": ns("")})
	for _, r := range []string{"EPS105", "EPS106", "EPS107"} {
		if !has(fs, finding.Fail, r) {
			t.Errorf("bare namespace: want %s: %s", r, ids(fs))
		}
	}
	fs = judge(t, Options{}, map[string]string{
		"kubernetes_manifest.ns": ns("  labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/warn: restricted, pod-security.kubernetes.io/audit: restricted}\n"),
		"kubernetes_manifest.lr": lr, "kubernetes_manifest.rq": rq,
	})
	if len(at(fs, "kubernetes_manifest.ns")) != 0 {
		t.Errorf("hardened namespace: %s", ids(fs))
	}
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.ns": ns("  labels: {pod-security.kubernetes.io/enforce: privileged}\n")})
	if !has(fs, finding.Fail, "EPS107") {
		t.Errorf("privileged enforcement outside kube-system: %s", ids(fs))
	}
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.ns": ns("  labels: {pod-security.kubernetes.io/enforce: \"(unknown)\"}\n")})
	if has(fs, finding.Fail, "EPS107") || !has(fs, finding.Unknown, "EPS107") {
		t.Errorf("unknown enforce label: %s", ids(fs))
	}
}

// TestNamespaceLabelsResource: kubernetes_labels adds the PSA label to a namespace.
func TestNamespaceLabelsResource(t *testing.T) {
	ns := objtest.FromYAML(t, "kubernetes_manifest.ns", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n")
	labels := &object.Object{Origin: "kubernetes_labels.psa", Typed: &object.LabelsPatch{
		APIVersion: "v1", Kind: "Namespace", Name: "team",
		Labels: map[string]string{"pod-security.kubernetes.io/enforce": "baseline"},
	}}
	if fs := judgeObjects(t, Options{}, Facts{}, ns, labels); has(fs, finding.Fail, "EPS107") {
		t.Errorf("the label comes from kubernetes_labels: %s", ids(fs))
	}
}
