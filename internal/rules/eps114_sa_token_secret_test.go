package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS114(t *testing.T) {
	secret := func(name, typ, account string) string {
		return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n  namespace: ci\n  annotations: {kubernetes.io/service-account.name: " + account + "}\ntype: " + typ + "\ndata: {token: \"(sensitive)c2VjcmV0\"}\n"
	}
	docs := map[string]string{
		"kubernetes_secret_v1.ci_token": secret("ci-deployer-token", "kubernetes.io/service-account-token", "ci-deployer"),
		"kubernetes_secret_v1.registry": secret("ci-settings", "Opaque", "ci-deployer"),
	}
	fs := judge(t, Options{}, docs)
	if !has(at(fs, "kubernetes_secret_v1.ci_token"), finding.Fail, "EPS114") || has(at(fs, "kubernetes_secret_v1.registry"), finding.Fail, "EPS114") {
		t.Fatalf("%s", ids(fs))
	}
	for _, f := range fs {
		if f.RuleID == "EPS114" && (f.Severity != finding.Low || !strings.Contains(f.Message, "Secret ci/ci-deployer-token of type kubernetes.io/service-account-token makes the API server store a token that never expires for service account ci/ci-deployer")) {
			t.Errorf("%+v", f)
		}
	}
	// bound to cluster-admin: high
	docs["kubernetes_cluster_role_binding_v1.admin"] = bindingDoc("ClusterRoleBinding", "", "cluster-admin", "- {kind: ServiceAccount, name: ci-deployer, namespace: ci}\n")
	fs = judge(t, Options{}, docs)
	for _, f := range fs {
		if f.RuleID == "EPS114" && (f.Severity != finding.High || !strings.Contains(f.Message, "kubernetes_cluster_role_binding_v1.admin binds the account to built-in ClusterRole cluster-admin")) {
			t.Errorf("%+v", f)
		}
	}
	// unknown type
	fs = judge(t, Options{}, map[string]string{"kubernetes_secret_v1.x": secret("x", "\"(unknown)\"", "a")})
	if !has(fs, finding.Unknown, "EPS114") {
		t.Errorf("unknown type: %s", ids(fs))
	}
}
