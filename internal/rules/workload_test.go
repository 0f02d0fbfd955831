package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestHardenedPodIsClean(t *testing.T) {
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(hardened)})
	if len(fs) != 0 {
		t.Fatalf("hardened pod: %s", ids(fs))
	}
}

func TestContainerRules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "unknown container list never passes",
			doc: pod(`
  containers: "(unknown)"
`), unknown: []string{"EPS001", "EPS002", "EPS003", "EPS013", "EPS014"}},
	})
}

func TestHostPathRules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "volumes unknown",
			doc: pod(`
  containers: [{name: app, image: nginx}]
  volumes: "(unknown)"
`), unknown: []string{"EPS005", "EPS008"}},
	})
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers: [{name: app, image: nginx}]
  volumes:
  - {name: ok, emptyDir: {}}
  - {name: csi, csi: {driver: secrets-store.csi.k8s.io}}
  - {name: p, projected: {sources: []}}
`)})
	if has(fs, finding.Fail, "EPS018") {
		t.Errorf("restricted volume types flagged: %s", ids(fs))
	}
}

func TestWorkloadKinds(t *testing.T) {
	tmpl := `
    spec:
      containers: [{name: app, image: nginx, securityContext: {privileged: true}}]
`
	for kind, doc := range map[string]string{
		"Deployment":            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"DaemonSet":             "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"StatefulSet":           "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"ReplicaSet":            "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"ReplicationController": "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"Job":                   "apiVersion: batch/v1\nkind: Job\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"CronJob":               "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: d}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: app, image: nginx, securityContext: {privileged: true}}]\n",
	} {
		fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": doc})
		if !has(fs, finding.Fail, "EPS001@app") {
			t.Errorf("%s: EPS001 not reported: %s", kind, ids(fs))
			continue
		}
		for _, f := range fs {
			if f.RuleID == "EPS001" && (!strings.HasPrefix(f.K8sPath, "spec.") || !strings.HasSuffix(f.K8sPath, "containers[0].securityContext.privileged")) {
				t.Errorf("%s: path %q", kind, f.K8sPath)
			}
			if f.PSSLevel != "privileged" {
				t.Errorf("%s: pss level %q", kind, f.PSSLevel)
			}
		}
	}
}

func TestPSSLevel(t *testing.T) {
	level := func(doc string) string {
		fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": doc})
		if len(fs) == 0 {
			t.Fatal("no findings to read the level from")
		}
		return fs[0].PSSLevel
	}
	// the hardened pod mounts a token (EPS020, low) so it has a finding to carry the level
	restricted := strings.Replace(pod(hardened), "automountServiceAccountToken: false", "automountServiceAccountToken: true", 1)
	if got := level(restricted); got != "restricted" {
		t.Errorf("hardened pod: %q", got)
	}
	if got := level(pod("  containers: [{name: app, image: nginx}]\n")); got != "baseline" {
		t.Errorf("plain pod: %q", got)
	}
	if got := level(pod("  hostNetwork: true\n  containers: [{name: app, image: nginx}]\n")); got != "privileged" {
		t.Errorf("host network pod: %q", got)
	}
	unknownPriv := strings.Replace(restricted, "allowPrivilegeEscalation: false", `allowPrivilegeEscalation: false
      privileged: "(unknown)"`, 1)
	if got := level(unknownPriv); got != "unknown" {
		t.Errorf("pod with unknown privileged: %q", got)
	}
}

// TestCustomWorkloadKind: a custom kind with a Deployment-like pod template (an Argo
// Rollout) is judged like a Deployment.
func TestCustomWorkloadKind(t *testing.T) {
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.rollout": `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: apps}
spec:
  strategy: {canary: {}}
  template:
    spec:
      containers: [{name: app, image: nginx, securityContext: {privileged: true}}]
`, "kubernetes_manifest.pdb": `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: apps}
spec: {maxUnavailable: 1}
`})
	if !has(fs, finding.Fail, "EPS001@app") {
		t.Errorf("the Rollout's privileged container is not reported: %s", ids(fs))
	}
	if len(at(fs, "kubernetes_manifest.pdb")) != 0 {
		t.Errorf("a kind without a pod template is not a workload: %s", ids(at(fs, "kubernetes_manifest.pdb")))
	}
}
