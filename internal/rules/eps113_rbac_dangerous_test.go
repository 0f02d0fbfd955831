package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS113(t *testing.T) {
	role := func(kind, ns, name, rules string) string {
		meta := "metadata: {name: " + name + "}\n"
		if ns != "" {
			meta = "metadata: {name: " + name + ", namespace: " + ns + "}\n"
		}
		return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\n" + meta + "rules:\n" + rules
	}
	docs := map[string]string{
		"kubernetes_cluster_role_v1.oncall":   role("ClusterRole", "", "platform-oncall", "- {apiGroups: ['*'], resources: ['*'], verbs: ['*']}\n"),
		"kubernetes_role_v1.ci_secrets":       role("Role", "ci", "ci-secrets", "- {apiGroups: [''], resources: [secrets], verbs: ['*']}\n"),
		"kubernetes_cluster_role_v1.metrics":  role("ClusterRole", "", "metrics-reader", "- {apiGroups: [''], resources: [pods, nodes], verbs: [get, list, watch]}\n"),
		"kubernetes_role_v1.named_secret":     role("Role", "ci", "one-secret", "- {apiGroups: [''], resources: [secrets], resourceNames: [registry], verbs: [get]}\n"),
		"kubernetes_role_v1.deployer":         role("Role", "apps", "deployer", "- {apiGroups: [apps], resources: [deployments], verbs: [get, create, patch]}\n- {apiGroups: [''], resources: [pods/exec], verbs: [get]}\n"),
		"kubernetes_cluster_role_v1.escalate": role("ClusterRole", "", "escalator", "- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, bind]}\n- {apiGroups: [''], resources: [users, groups], verbs: [impersonate]}\n- {apiGroups: [''], resources: [nodes/proxy], verbs: [get]}\n"),
		"kubernetes_cluster_role_v1.webhooks": role("ClusterRole", "", "webhooks", "- {apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [update]}\n- {apiGroups: [''], resources: [configmaps], resourceNames: [aws-auth], verbs: [patch]}\n"),
		"kubernetes_role_v1.leader":           role("Role", "apps", "leader", "- {apiGroups: [''], resources: [configmaps], verbs: [get, update]}\n- {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}\n"),
		"kubernetes_cluster_role_v1.urls":     role("ClusterRole", "", "urls", "- {nonResourceURLs: ['/metrics'], verbs: [get]}\n"),
		"kubernetes_role_binding_v1.ci": `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-secrets, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ci-secrets}
subjects: [{kind: ServiceAccount, name: ci-runner, namespace: ci}]
`,
		"kubernetes_cluster_role_binding_v1.oncall": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: platform-oncall}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: platform-oncall}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "example:platform-oncall"}]
`,
	}
	fs := judge(t, Options{}, docs)
	for _, a := range []string{"kubernetes_cluster_role_v1.oncall", "kubernetes_role_v1.ci_secrets", "kubernetes_role_v1.deployer", "kubernetes_cluster_role_v1.escalate", "kubernetes_cluster_role_v1.webhooks"} {
		if !has(at(fs, a), finding.Fail, "EPS113") {
			t.Errorf("%s: %s", a, ids(at(fs, a)))
		}
	}
	for _, a := range []string{"kubernetes_cluster_role_v1.metrics", "kubernetes_role_v1.named_secret", "kubernetes_role_v1.leader", "kubernetes_cluster_role_v1.urls", "kubernetes_cluster_role_v1.jobs"} {
		if has(at(fs, a), finding.Fail, "EPS113") || has(at(fs, a), finding.Unknown, "EPS113") {
			t.Errorf("%s grants nothing dangerous: %s", a, ids(at(fs, a)))
		}
	}
	msgs := map[string][]string{}
	for _, f := range fs {
		if f.RuleID == "EPS113" {
			msgs[f.Address] = append(msgs[f.Address], f.Severity.String()+" "+f.K8sPath+": "+f.Message)
		}
	}
	for a, want := range map[string][]string{
		"kubernetes_cluster_role_v1.oncall":   {"medium rules[0]: ClusterRole platform-oncall grants every verb on every resource in every API group"},
		"kubernetes_role_v1.ci_secrets":       {"high rules[0]: Role ci/ci-secrets grants every verb (`*`) on secrets; get, list, watch on secrets", "The plan binds it to ServiceAccount ci/ci-runner (kubernetes_role_binding_v1.ci)"},
		"kubernetes_role_v1.deployer":         {"create, patch on deployments: runs any pod", "rules[1]: Role apps/deployer grants get on pods/exec"},
		"kubernetes_cluster_role_v1.escalate": {"escalate and bind on roles", "impersonate", "get on nodes/proxy"},
		"kubernetes_cluster_role_v1.webhooks": {"update on mutatingwebhookconfigurations", "patch on the aws-auth ConfigMap"},
	} {
		got := strings.Join(msgs[a], "\n")
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: want %q in\n%s", a, w, got)
			}
		}
	}
	// a grant two rules repeat (charts often do) is one finding, at the first; a new grant
	// of a later rule is its own
	fs = judge(t, Options{}, map[string]string{"kubernetes_cluster_role_v1.x": role("ClusterRole", "", "issuer",
		"- {apiGroups: [''], resources: [secrets], verbs: [get, list, watch]}\n- {apiGroups: [''], resources: [events], verbs: [create]}\n"+
			"- {apiGroups: [''], resources: [secrets], verbs: [get, list, watch]}\n- {apiGroups: [''], resources: [pods, secrets], verbs: [create, get, list, watch]}\n")})
	var repeated []string
	for _, f := range fs {
		if f.RuleID == "EPS113" {
			repeated = append(repeated, f.K8sPath+": "+f.Message)
		}
	}
	if len(repeated) != 2 || !strings.HasPrefix(repeated[0], "rules[0]: ClusterRole issuer grants get, list, watch on secrets") ||
		!strings.HasPrefix(repeated[1], "rules[3]: ClusterRole issuer grants create on pods") {
		t.Errorf("repeated grants:\n%s", strings.Join(repeated, "\n"))
	}
	// unknown rules
	fs = judge(t, Options{}, map[string]string{"kubernetes_role_v1.x": role("Role", "ci", "x", "- {apiGroups: [''], resources: [secrets], verbs: \"(unknown)\"}\n")})
	if !has(fs, finding.Unknown, "EPS113") {
		t.Errorf("unknown verbs: %s", ids(fs))
	}
	// a Role in kube-system writing configmaps can rewrite aws-auth
	fs = judge(t, Options{}, map[string]string{"kubernetes_role_v1.x": role("Role", "kube-system", "cm-writer", "- {apiGroups: [''], resources: [configmaps], verbs: [update]}\n")})
	if !has(fs, finding.Fail, "EPS113") {
		t.Errorf("kube-system configmaps: %s", ids(fs))
	}
}
