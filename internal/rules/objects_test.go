package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// at returns the findings for one address.
func at(fs []finding.Finding, addr string) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Address == addr {
			out = append(out, f)
		}
	}
	return out
}

const (
	privilegedPSP = `apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: wide-open}
spec:
  privileged: true
  allowPrivilegeEscalation: true
  allowedCapabilities: ["*"]
  volumes: ["*"]
  hostNetwork: true
  hostPorts: [{min: 0, max: 65535}]
  runAsUser: {rule: RunAsAny}
  seLinux: {rule: RunAsAny}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
`
	restrictedPSP = `apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: restricted}
spec:
  privileged: false
  allowPrivilegeEscalation: false
  requiredDropCapabilities: [ALL]
  volumes: [configMap, emptyDir, projected, secret, downwardAPI, persistentVolumeClaim]
  runAsUser: {rule: MustRunAsNonRoot}
  seLinux: {rule: RunAsAny}
  supplementalGroups: {rule: MustRunAs, ranges: [{min: 1, max: 65535}]}
  fsGroup: {rule: MustRunAs, ranges: [{min: 1, max: 65535}]}
`
	useRole = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: psp-user}
rules:
- {apiGroups: [policy], resources: [podsecuritypolicies], resourceNames: [wide-open], verbs: [use]}
`
	restrictedUseRole = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: psp-restricted}
rules:
- {apiGroups: [policy], resources: [podsecuritypolicies], resourceNames: [restricted], verbs: [use]}
`
)

func bindingDoc(kind, ns, role, subjects string) string {
	meta := "metadata: {name: b}\n"
	if ns != "" {
		meta = "metadata: {name: b, namespace: " + ns + "}\n"
	}
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\n" + meta +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: " + role + "}\nsubjects:\n" + subjects
}

func TestPSPRules(t *testing.T) {
	fs := judge(t, Options{}, map[string]string{
		"kubernetes_manifest.open":       privilegedPSP,
		"kubernetes_manifest.restricted": restrictedPSP,
	})
	open, restricted := at(fs, "kubernetes_manifest.open"), at(fs, "kubernetes_manifest.restricted")
	if !has(open, finding.Fail, "EPS101") || !has(open, finding.Fail, "EPS102") {
		t.Errorf("privileged PSP: %s", ids(open))
	}
	if len(restricted) != 0 {
		t.Errorf("the guide's restricted PSP: %s", ids(restricted))
	}
	// allowPrivilegeEscalation left unset defaults to true in a PSP
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.p": `apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: p}
spec:
  runAsUser: {rule: MustRunAsNonRoot}
  seLinux: {rule: RunAsAny}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
  volumes: [hostPath]
  allowedHostPaths: [{pathPrefix: /var/log}]
`})
	if !has(fs, finding.Fail, "EPS102") || has(fs, finding.Fail, "EPS101") {
		t.Errorf("unset allowPrivilegeEscalation and writable hostPath: %s", ids(fs))
	}
}

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
		"kubernetes_manifest.ns": ns("  labels: {pod-security.kubernetes.io/enforce: restricted}\n"),
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
	nsRes := plantest.Manifest("kubernetes_manifest.ns", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n")
	labels := plantest.Resource{
		Address: "kubernetes_labels.psa", Type: "kubernetes_labels", Name: "psa",
		After: map[string]any{
			"api_version": "v1", "kind": "Namespace",
			"metadata": []any{map[string]any{"name": "team", "namespace": nil}},
			"labels":   map[string]any{"pod-security.kubernetes.io/enforce": "baseline"},
		},
	}
	p, err := plan.Parse(plantest.Plan(nsRes, labels))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := plan.NewReader().Read(p)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := New(Options{})
	if fs := e.Run(inv); has(fs, finding.Fail, "EPS107") {
		t.Errorf("the label comes from kubernetes_labels: %s", ids(fs))
	}
}

func TestFargateRule(t *testing.T) {
	profileRes := plantest.Resource{
		Address: "aws_eks_fargate_profile.apps", Type: "aws_eks_fargate_profile", Name: "apps",
		After: map[string]any{
			"cluster_name": "prod", "fargate_profile_name": "apps",
			"selector": []any{
				map[string]any{"namespace": "fargate-*", "labels": nil},
				map[string]any{"namespace": "batch", "labels": map[string]any{"compute": "fargate"}},
			},
		},
	}
	doc := func(kind, ns, labels string) string {
		return "apiVersion: apps/v1\nkind: " + kind + "\nmetadata: {name: w, namespace: " + ns + "}\nspec:\n  template:\n    metadata: {labels: " + labels + "}\n    spec:\n      hostNetwork: true\n      containers: [{name: app, image: nginx, ports: [{containerPort: 80, hostPort: 80}]}]\n"
	}
	run := func(docs ...plantest.Resource) []finding.Finding {
		p, err := plan.Parse(plantest.Plan(append(docs, profileRes)...))
		if err != nil {
			t.Fatal(err)
		}
		inv, err := plan.NewReader().Read(p)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := New(Options{})
		return e.Run(inv)
	}
	fs := run(
		plantest.Manifest("kubernetes_manifest.wildcard", doc("Deployment", "fargate-web", "{app: w}")),
		plantest.Manifest("kubernetes_manifest.labelled", doc("Deployment", "batch", "{compute: fargate}")),
		plantest.Manifest("kubernetes_manifest.unlabelled", doc("Deployment", "batch", "{app: w}")),
		plantest.Manifest("kubernetes_manifest.ec2", doc("Deployment", "apps", "{app: w}")),
		plantest.Manifest("kubernetes_manifest.ds", doc("DaemonSet", "fargate-x", "{app: w}")),
		plantest.Manifest("kubernetes_manifest.unknownns", doc("Deployment", "(unknown)", "{app: w}")),
	)
	for addr, want := range map[string]finding.Status{
		"kubernetes_manifest.wildcard":   finding.Fail,
		"kubernetes_manifest.labelled":   finding.Fail,
		"kubernetes_manifest.ds":         finding.Fail,
		"kubernetes_manifest.unknownns":  finding.Unknown,
		"kubernetes_manifest.unlabelled": "",
		"kubernetes_manifest.ec2":        "",
	} {
		got := at(fs, addr)
		switch {
		case want == "" && (has(got, finding.Fail, "EPS019") || has(got, finding.Unknown, "EPS019")):
			t.Errorf("%s: not on Fargate: %s", addr, ids(got))
		case want != "" && !has(got, want, "EPS019"):
			t.Errorf("%s: want EPS019 %s: %s", addr, want, ids(got))
		}
	}
}
