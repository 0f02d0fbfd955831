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
		version string // the cluster's Kubernetes version, when the case needs one
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
			addr: "kubernetes_manifest.b", fail: []string{"EPS104"}, not: []string{"EPS103", "EPS108"}, version: "1.24"},
		{name: "the same on a 1.25+ cluster: no PodSecurityPolicy is in force",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "eks:podsecuritypolicy:privileged", "- {kind: ServiceAccount, name: agent, namespace: monitoring}\n"),
			},
			addr: "kubernetes_manifest.b", not: []string{"EPS103", "EPS104", "EPS108"}, version: "1.29"},
		{name: "the same with no version and no PodSecurityPolicy in the plan",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "eks:podsecuritypolicy:privileged", "- {kind: ServiceAccount, name: agent, namespace: monitoring}\n"),
			},
			addr: "kubernetes_manifest.b", not: []string{"EPS103", "EPS104", "EPS108"}},
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
			addr: "kubernetes_manifest.b", fail: []string{"EPS103", "EPS108"}, version: "1.24"},
		{name: "cluster-admin to system:authenticated on a current cluster: EPS108 only",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "cluster-admin", "- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS108"}, not: []string{"EPS103", "EPS104", "EPS111"}, version: "1.30"},
		{name: "cluster-admin to system:authenticated, version unknown: it may grant eks.privileged",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "cluster-admin", "- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS103", "EPS108"}, not: []string{"EPS104"}},
		{name: "cluster-admin to a workload's service account",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "cluster-admin", "- {kind: ServiceAccount, name: deployer, namespace: ci}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS111"}, not: []string{"EPS103", "EPS104", "EPS108"}},
		{name: "a role granting * on * bound in one namespace to a service account",
			docs: map[string]string{
				"kubernetes_manifest.role": "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: all, namespace: ci}\nrules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n",
				"kubernetes_manifest.b":    "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: ci}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: all}\nsubjects: [{kind: ServiceAccount, name: runner, namespace: ci}]\n",
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS111"}},
		{name: "view to a service account is not EPS111",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "view", "- {kind: ServiceAccount, name: dashboard, namespace: ops}\n"),
			},
			addr: "kubernetes_manifest.b", not: []string{"EPS111", "EPS108"}},
		{name: "a ServiceAccount subject with computed fields is never everyone",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "cluster-admin", "- {apiGroup: '(unknown)', kind: ServiceAccount, name: '(unknown)', namespace: ci}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS111"}, not: []string{"EPS103", "EPS108"}, version: "1.24"},
		{name: "a Group subject with a computed name could be everyone",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "cluster-admin", "- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: '(unknown)'}\n"),
			},
			addr: "kubernetes_manifest.b", unknown: []string{"EPS103", "EPS108"}, version: "1.24"},
		{name: "view to anonymous",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "view", "- {apiGroup: rbac.authorization.k8s.io, kind: User, name: system:anonymous}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS108"}, not: []string{"EPS103"}},
		{name: "a role not in the plan bound to everyone: EPS103 unknown, EPS108 fail",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("ClusterRoleBinding", "", "custom", "- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:serviceaccounts}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS108"}, unknown: []string{"EPS103"}, version: "1.24"},
		{name: "default service account granted a role",
			docs: map[string]string{
				"kubernetes_manifest.b": bindingDoc("RoleBinding", "apps", "edit", "- {kind: ServiceAccount, name: default, namespace: apps}\n"),
			},
			addr: "kubernetes_manifest.b", fail: []string{"EPS109"}, not: []string{"EPS108"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := at(judgeWith(t, Options{}, Facts{KubernetesVersion: tc.version}, tc.docs), tc.addr)
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
