package advise

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/objtest"
)

// planInput reads a fixture plan of testdata/plans.
func planInput(t *testing.T, name string) *Input {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "plans", name))
	if err != nil {
		t.Fatal(err)
	}
	in, err := FromPlan(context.Background(), data, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return in
}

// yamlInput builds an input from YAML documents (objtest markers allowed).
func yamlInput(t *testing.T, docs ...string) *Input {
	t.Helper()
	in := &Input{Source: "test"}
	for i, d := range docs {
		o := objtest.FromYAML(t, "doc"+itoa(i), d)
		if o == nil {
			continue
		}
		if o.Namespace == "" && object.Namespaced(o.Kind) {
			o.Namespace = "default"
		}
		in.Objects = append(in.Objects, o)
	}
	return in
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func mustAdvise(t *testing.T, in *Input, opts Options) *Advice {
	t.Helper()
	a, err := Advise(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func namespaceOf(t *testing.T, a *Advice, name string) *Namespace {
	t.Helper()
	for _, n := range a.Namespaces {
		if n.Name == name {
			return n
		}
	}
	t.Fatalf("no advice for namespace %s (have %v)", name, namespaceNames(a))
	return nil
}

func namespaceNames(a *Advice) []string {
	var out []string
	for _, n := range a.Namespaces {
		out = append(out, n.Name)
	}
	return out
}

// admit simulates the API server on a namespace's advice: Pod Security Admission at
// the advised enforce level, then every advised policy whose match conditions select the
// object (with the API server's CEL). It returns what refuses the object: "PSA" and the
// rule IDs of the failing validations, sorted; none when it is admitted.
func admit(t *testing.T, a *Advice, n *Namespace, obj map[string]any) []string {
	t.Helper()
	var refused []string
	if n.Labels != nil && obj["kind"] == "Pod" {
		ev, err := newEvaluator(n.Labels.Version)
		if err != nil {
			t.Fatal(err)
		}
		var pod corev1.Pod
		b, _ := json.Marshal(obj)
		if err := json.Unmarshal(b, &pod); err != nil {
			t.Fatal(err)
		}
		if ev.forbidden(api.Level(n.Labels.Enforce), &pod.ObjectMeta, &pod.Spec, false) != nil {
			refused = append(refused, "PSA")
		}
	}
	for _, g := range append(append([]*Group(nil), n.ServiceAccounts...), n.Rest) {
		if g == nil || g.Policy == nil {
			continue
		}
		pol, _, err := g.Policy.Objects()
		if err != nil {
			t.Fatal(err)
		}
		c, err := compilePolicy(pol)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := c.evaluate(context.Background(), obj, n.Name)
		if err != nil {
			t.Fatal(err)
		}
		if !ev.matched {
			continue
		}
		for i := range ev.failed {
			refused = append(refused, ruleOf(pol.Spec.Validations[i].Message))
		}
	}
	sort.Strings(refused)
	return refused
}

// podObject is a Pod in a namespace from a YAML spec.
func podObject(t *testing.T, namespace, spec string) map[string]any {
	t.Helper()
	var s map[string]any
	if err := yaml.Unmarshal([]byte(spec), &s); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "probe", "namespace": namespace}, "spec": s}
}

// workloadPods are the Pods the API server would receive for every workload of the
// namespace, each as the service account it is advised to run as.
func workloadPods(t *testing.T, n *Namespace) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, w := range n.Workloads {
		ms, err := manifests(w)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			out[w.ID()+" as "+m["kind"].(string)] = m
		}
	}
	return out
}

// hasLine reports whether text has a line containing every part.
func hasLine(text string, parts ...string) bool {
	for _, l := range strings.Split(text, "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return true
		}
	}
	return false
}
