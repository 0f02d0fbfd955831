package rules

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/objtest"
)

// The rules are pure functions over typed objects: these helpers build the objects from
// YAML (objtest markers "(unknown)" and "(sensitive)" apply), judge them together (every
// object gives context to every other) and return what a report would carry.

// judgeObjects judges objects with the engine built from opts and returns one finding per
// verdict (rule, status, severity, container, path, message; Address is the object's
// Origin).
func judgeObjects(t *testing.T, opts Options, facts Facts, objs ...*object.Object) []finding.Finding {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := e.Context(objs, facts)
	var out []finding.Finding
	for _, o := range objs {
		for _, v := range e.Judge(ctx, o) {
			out = append(out, finding.Finding{
				RuleID: v.Rule.ID, Severity: v.Severity(), Status: v.Status, Address: o.Origin,
				Container: v.Container, K8sPath: v.Path, Message: v.Message, PSSLevel: v.PSSLevel,
			})
		}
	}
	finding.Sort(out)
	return out
}

// judge judges YAML documents by origin ("kubernetes_manifest.x" → YAML).
func judge(t *testing.T, opts Options, docs map[string]string) []finding.Finding {
	t.Helper()
	return judgeWith(t, opts, Facts{}, docs)
}

func judgeWith(t *testing.T, opts Options, facts Facts, docs map[string]string) []finding.Finding {
	t.Helper()
	origins := make([]string, 0, len(docs))
	for a := range docs {
		origins = append(origins, a)
	}
	sort.Strings(origins)
	var objs []*object.Object
	for _, a := range origins {
		if o := objtest.FromYAML(t, a, docs[a]); o != nil {
			objs = append(objs, o)
		}
	}
	return judgeObjects(t, opts, facts, objs...)
}

// fargateFacts is one Fargate profile whose selectors take the given namespaces.
func fargateFacts(sel ...eks.Selector) Facts {
	return Facts{FargateProfiles: []eks.FargateProfile{{Name: "fp", Source: "aws_eks_fargate_profile.fp", Selectors: sel}}}
}

// has reports whether findings include rule (optionally "RULE@container") with status.
func has(fs []finding.Finding, status finding.Status, rule string) bool {
	id, container, _ := strings.Cut(rule, "@")
	for _, f := range fs {
		if f.RuleID == id && f.Status == status && (container == "" || f.Container == container) {
			return true
		}
	}
	return false
}

func ids(fs []finding.Finding) string {
	var s []string
	for _, f := range fs {
		c := ""
		if f.Container != "" {
			c = "@" + f.Container
		}
		s = append(s, fmt.Sprintf("%s%s(%s)", f.RuleID, c, f.Status))
	}
	return strings.Join(s, " ")
}

// pod renders a Pod manifest whose spec is the given YAML (indented two spaces per level
// under spec).
func pod(spec string) string {
	return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n" + spec
}

// hardened is a container that passes every container rule.
const hardened = `
  automountServiceAccountToken: false
  enableServiceLinks: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: app
    image: nginx:1.25
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: 200m, memory: 128Mi}
`

type ruleCase struct {
	name        string
	doc         string
	opts        Options
	fail        []string // must be reported as fail
	unknown     []string // must be reported as unknown
	notFail     []string // must not be reported as fail
	notAnything []string // must not be reported at all
}

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := judge(t, tc.opts, map[string]string{"kubernetes_manifest.x": tc.doc})
			for _, r := range tc.fail {
				if !has(fs, finding.Fail, r) {
					t.Errorf("want fail %s; got %s", r, ids(fs))
				}
			}
			for _, r := range tc.unknown {
				if !has(fs, finding.Unknown, r) {
					t.Errorf("want unknown %s; got %s", r, ids(fs))
				}
			}
			for _, r := range tc.notFail {
				if has(fs, finding.Fail, r) {
					t.Errorf("want no fail %s; got %s", r, ids(fs))
				}
			}
			for _, r := range tc.notAnything {
				if has(fs, finding.Fail, r) || has(fs, finding.Unknown, r) {
					t.Errorf("want nothing for %s; got %s", r, ids(fs))
				}
			}
		})
	}
}

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

// containsAny reports whether s contains any of subs.
func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
