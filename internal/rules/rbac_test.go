package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestRBACRules(t *testing.T) {
	cases := []struct {
		name    string
		docs    map[string]string
		addr    string
		fail    []string
		unknown []string
		not     []string
	}{
		{name: "PSP use granted to system:authenticated (EKS's own binding)",
			docs: map[string]string{
				"kubernetes_manifest.psp":  privilegedPSP,
				"kubernetes_manifest.role": useRole,
				"kubernetes_manifest.b":    bindingDoc("ClusterRoleBinding", "", "psp-user", "- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS103", "EPS104"}, not: []string{"EPS108"}},
		{name: "built-in eks:podsecuritypolicy:privileged cluster-wide to one service account",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "eks:podsecuritypolicy:privileged", "- {kind: ServiceAccount, name: agent, namespace: monitoring}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS104"}, not: []string{"EPS103", "EPS108"}},
		{name: "privileged PSP bound in kube-system to its service accounts is fine",
			docs: map[string]string{
				"kubernetes_manifest.psp":  privilegedPSP,
				"kubernetes_manifest.role": useRole,
				"kubernetes_manifest.b":    bindingDoc("RoleBinding", "kube-system", "psp-user", "- {kind: ServiceAccount, name: aws-node, namespace: kube-system}\n- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: 'system:serviceaccounts:kube-system'}\n"),
			},
			addr: "kubernetes_manifest.b", not: []string{"EPS103", "EPS104", "EPS108"}},
		{name: "restricted PSP to the namespace's service accounts (what the provider renders)",
			docs: map[string]string{
				"kubernetes_manifest.psp":  restrictedPSP,
				"kubernetes_manifest.role": restrictedUseRole,
				"kubernetes_manifest.b":    bindingDoc("RoleBinding", "apps", "psp-restricted", "- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: 'system:serviceaccounts:apps'}\n"),
			},
			addr: "kubernetes_manifest.b", not: []string{"EPS103", "EPS104", "EPS108"}},
		{name: "privileged PSP to a user is not one namespace's service accounts",
			docs: map[string]string{
				"kubernetes_manifest.psp":  privilegedPSP,
				"kubernetes_manifest.role": useRole,
				"kubernetes_manifest.b":    bindingDoc("RoleBinding", "kube-system", "psp-user", "- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS104"}},
		{name: "cluster-admin to system:authenticated is critical and grants PSP use",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "cluster-admin", "- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS103", "EPS108"}},
		{name: "view to anonymous",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "view", "- {apiGroup: rbac.authorization.k8s.io, kind: User, name: system:anonymous}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS108"}, not: []string{"EPS103"}},
		{name: "a role not in the plan bound to everyone: EPS103 unknown, EPS108 fail",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "custom", "- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:serviceaccounts}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS108"}, unknown: []string{"EPS103"}},
		{name: "default service account granted a role",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("RoleBinding", "apps", "edit", "- {kind: ServiceAccount, name: default, namespace: apps}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS109"}, not: []string{"EPS108"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := at(judge(t, Options{}, tc.docs), tc.addr)
			for _, r := range tc.fail {
				if !has(fs, finding.Fail, r) {
					t.Errorf("want fail %s: %s", r, ids(fs))
				}
			}
			for _, r := range tc.unknown {
				if !has(fs, finding.Unknown, r) {
					t.Errorf("want unknown %s: %s", r, ids(fs))
				}
			}
			for _, r := range tc.not {
				if has(fs, finding.Fail, r) || has(fs, finding.Unknown, r) {
					t.Errorf("want no %s: %s", r, ids(fs))
				}
			}
		})
	}
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "cluster-admin", "- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}\n")})
	for _, f := range fs {
		if f.RuleID == "EPS108" && f.Severity != finding.Critical {
			t.Errorf("EPS108 for cluster-admin is %s, want critical", f.Severity)
		}
	}
}
