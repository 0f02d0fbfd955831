package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// deepValue is a JSON value nested n levels deep (objects and arrays alternating).
func deepValue(n int) any {
	var v any = true
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			v = []any{v}
		} else {
			v = map[string]any{"x": v}
		}
	}
	return v
}

// TestDepthBeyondMaxDepth: a value nested deeper than MaxDepth is an error naming the
// resource and the attribute, wherever it is (manifest, marks, typed values); a value at
// the limit is read.
func TestDepthBeyondMaxDepth(t *testing.T) {
	privileged := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: b, securityContext: {privileged: true}}]}\n"
	// change.after.manifest.metadata.annotations-like extra field: 5 levels above the value.
	manifestAt := func(n int, where string) plantest.Resource {
		r := plantest.Manifest("kubernetes_manifest.deep", privileged)
		switch where {
		case "manifest":
			r.After["manifest"].(map[string]any)["spec"].(map[string]any)["extra"] = deepValue(n)
		case "after_sensitive":
			r.AfterSensitive["manifest"] = map[string]any{"spec": map[string]any{"extra": deepValue(n)}}
		case "after_unknown":
			r.AfterUnknown["manifest"] = map[string]any{"spec": map[string]any{"extra": deepValue(n)}}
		}
		return r
	}
	for _, where := range []string{"manifest", "after_sensitive", "after_unknown"} {
		// resource change (1) > change (2) > after/marks (3) > manifest (4) > spec (5) > extra
		inv, err := readPlan(plantest.Plan(manifestAt(MaxDepth-5, where)))
		if where == "manifest" {
			if err != nil || len(inv.Objects) != 1 {
				t.Errorf("%s at the limit: %v", where, err)
			}
		}
		_, err = readPlan(plantest.Plan(manifestAt(MaxDepth-4, where)))
		want := "change." + where
		if where == "manifest" {
			want = "change.after.manifest"
		}
		if err == nil || !strings.Contains(err.Error(), "kubernetes_manifest.deep") || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), fmt.Sprintf("nested deeper than %d levels", MaxDepth)) {
			t.Errorf("%s beyond the limit: %v", where, err)
		}
	}
	// encoding/json's own limit (10,000) is no longer what decides: 20,000 levels are
	// refused the same way, and never silently dropped.
	_, err := readPlan(plantest.Plan(manifestAt(20000, "after_sensitive")))
	if err == nil || !strings.Contains(err.Error(), "change.after_sensitive") {
		t.Errorf("20,000 levels: %v", err)
	}
	// kubectl documents are bounded the same way.
	body := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}], x: " + strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1) + "}\n"
	_, err = readPlan(plantest.Plan(plantest.Resource{Address: "kubectl_manifest.deep", Type: "kubectl_manifest", Name: "deep", After: map[string]any{"yaml_body": body}}))
	if err == nil || !strings.Contains(err.Error(), "kubectl_manifest.deep") || !strings.Contains(err.Error(), "yaml_body document 1") {
		t.Errorf("deep kubectl document: %v", err)
	}
}

// TestPasses: the first pass keeps context objects only; workloads, typed or documents,
// come from Pending.Each, each once.
func TestPasses(t *testing.T) {
	kubectl := plantest.Resource{Address: "kubectl_manifest.mix", Type: "kubectl_manifest", Name: "mix", After: map[string]any{"yaml_body": `apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec: {template: {spec: {containers: [{name: a, image: b}]}}}
---
apiVersion: v1
kind: List
items:
- {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r, namespace: team}, rules: []}
- {apiVersion: v1, kind: Pod, metadata: {name: p, namespace: team}, spec: {containers: [{name: a, image: b}]}}
`}}
	rollout := plantest.Manifest("kubernetes_manifest.rollout", "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec: {template: {spec: {containers: [{name: a, image: b}]}}}\n")
	limits := plantest.Manifest("kubernetes_manifest.limits", "apiVersion: v1\nkind: LimitRange\nmetadata: {name: l, namespace: team}\nspec: {limits: []}\n")
	typed := typedPod(map[string]any{}, []any{map[string]any{}})
	p, err := Parse(plantest.Plan(kubectl, rollout, limits, typed))
	if err != nil {
		t.Fatal(err)
	}
	inv, pending, err := NewReader().ReadContext(p)
	if err != nil {
		t.Fatal(err)
	}
	name := func(o *Object) string { return o.Address + ":" + o.Kind + ":" + o.ListItem }
	var first, second []string
	for _, o := range inv.Objects {
		first = append(first, name(o))
	}
	if err := pending.Each(func(o *Object) error { second = append(second, name(o)); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(first, " "), "kubectl_manifest.mix:Namespace: kubectl_manifest.mix:Role:items[0] kubernetes_manifest.limits:LimitRange:"; got != want {
		t.Errorf("first pass: %s, want %s", got, want)
	}
	if got, want := strings.Join(second, " "), "kubectl_manifest.mix:Deployment: kubectl_manifest.mix:Pod:items[1] kubernetes_manifest.rollout:Rollout: kubernetes_pod_v1.p:Pod:"; got != want {
		t.Errorf("second pass: %s, want %s", got, want)
	}
	if inv.Resources != 4 || pending.Len() != 3 {
		t.Errorf("resources %d, pending %d", inv.Resources, pending.Len())
	}
}

func TestMayBeContext(t *testing.T) {
	for doc, want := range map[string]bool{
		"kind: Deployment\nmetadata: {name: web, namespace: team}\n": false,
		"kind: Pod\nspec: {serviceAccountName: x}\n":                 false,
		"kind: Namespace\n":                    true,
		"kind: ClusterRoleBinding\n":           true,
		"kind: \"N\\x61mespace\"\n":            true, // an escape can spell any kind
		"kind: !!binary TmFtZXNwYWNl\n":        true, // so can a tag
		"kind: PodList\nitems: []\n":           true,
		"kind: PodSecurityPolicy\n":            true,
		"kind: ResourceQuota\n":                true,
		"kind: Pod\nmetadata: {name: Roles}\n": true, // a false alarm costs one more parse
	} {
		if got := mayBeContext([]byte(doc)); got != want {
			t.Errorf("mayBeContext(%q) = %v", doc, got)
		}
	}
}

// TestPathSet: the linear path sets answer exactly what the obvious quadratic definitions
// answer, on random paths.
func TestPathSet(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	segs := []string{"spec", "containers", "[0]", "[1]", `["a.b"]`, `["x\\"]`, `["]"]`, "env", "metadata", "labels", `["k\\\\"]`}
	randPath := func() string {
		p := ""
		for n := rng.Intn(5); n > 0; n-- {
			s := segs[rng.Intn(len(segs))]
			if strings.HasPrefix(s, "[") || p == "" {
				p += s
			} else {
				p += "." + s
			}
		}
		return strings.TrimPrefix(p, ".")
	}
	below := func(p, ancestor string) bool { // p strictly below ancestor
		if ancestor == "" {
			return p != ""
		}
		for q, ok := fieldpath.Parent(p); ok; q, ok = fieldpath.Parent(q) {
			if q == ancestor {
				return true
			}
			if q == "" {
				break
			}
		}
		return false
	}
	for round := 0; round < 200; round++ {
		var s pathSet
		var marked []string
		for n := rng.Intn(12); n > 0; n-- {
			p := randPath()
			s.add(p)
			marked = append(marked, p)
		}
		for q := 0; q < 30; q++ {
			p := randPath()
			self, within := false, false
			for _, m := range marked {
				if m == p || below(p, m) {
					self = true
				}
				if below(m, p) {
					within = true
				}
			}
			within = within || self
			if got := s.selfOrAncestor(p); got != self {
				t.Fatalf("selfOrAncestor(%q) = %v over %q", p, got, marked)
			}
			if got := s.within(p); got != within {
				t.Fatalf("within(%q) = %v over %q", p, got, marked)
			}
		}
	}
}

func TestPathsWithQuotedKeys(t *testing.T) {
	// A map key ending in a backslash, or holding `"]`, must not derail the tokenizer.
	for _, key := range []string{`a\`, `"]`, `x"]["y`, `\\`, "", "ä.b"} {
		p := fieldpath.Join(fieldpath.Join("metadata.annotations", key), "z")
		if parent, _ := fieldpath.Parent(p); parent != fieldpath.Join("metadata.annotations", key) {
			t.Errorf("fieldpath.Parent(%s) = %s", p, parent)
		}
		toks := fieldpath.Parse(p)
		if len(toks) != 4 || toks[2].Name != key || toks[3].Name != "z" {
			t.Errorf("fieldpath.Parse(%s) = %+v", p, toks)
		}
	}
	f := newFields(nil, "manifest")
	f.markSensitive("metadata.labels")
	if got := f.RedactPath(`metadata.labels["token\"]"].x`); got != `metadata.labels["(sensitive value)"].x` {
		t.Errorf("RedactPath = %s", got)
	}
	if got := f.RedactPath(`metadata.annotations["a.b"]`); got != `metadata.annotations["a.b"]` {
		t.Errorf("RedactPath of a key outside = %s", got)
	}
}

// TestContextKindsHaveMetadata: every kind decodeTyped returns names itself (objectMeta).
func TestContextKindsHaveMetadata(t *testing.T) {
	for _, kind := range []string{"ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding", "Namespace", "LimitRange", "ResourceQuota", "ServiceAccount", "PodSecurityPolicy"} {
		if !contextKind(kind) {
			t.Errorf("%s is not a context kind", kind)
		}
		v, err := decodeTyped(kind, &source{data: []byte(`{"metadata":{"name":"n"}}`)})
		if err != nil {
			t.Fatal(err)
		}
		if m, ok := v.(objectMeta); !ok || m.GetName() != "n" {
			t.Errorf("%s: %T has no metadata", kind, v)
		}
	}
}

// TestGoccyFallback: numbers that goccy/go-json would wrap are decoded with encoding/json,
// so an int64 beyond range is an error, never a negative UID.
func TestGoccyFallback(t *testing.T) {
	for _, n := range []string{"9223372036854775808", "-9223372036854775809", "18446744073709551616"} {
		data := []byte(`{"spec":{"securityContext":{"runAsUser":` + n + `},"containers":[{"name":"a"}]}}`)
		var tp tape
		if err := tp.parse(data); err != nil {
			t.Fatal(err)
		}
		_, _, err := decodeWorkload("Pod", &source{data: data, t: &tp, n: 0, inexact: tp.inexact}, newFields(nil, "manifest"))
		var de *decodeError
		if !errors.As(err, &de) || de.path != "spec.securityContext.runAsUser" {
			t.Errorf("%s: %v", n, err)
		}
	}
	// A plain integer in range takes the fast path and is exact.
	data := []byte(`{"spec":{"securityContext":{"runAsUser":922337203685477580},"containers":[{"name":"a"}]}}`)
	var tp tape
	_ = tp.parse(data)
	w, _, err := decodeWorkload("Pod", &source{data: data, t: &tp, inexact: tp.inexact}, newFields(nil, "manifest"))
	if err != nil || tp.inexact || *w.Spec.SecurityContext.RunAsUser != 922337203685477580 {
		t.Errorf("in range: %v", err)
	}
}

// TestMarksWalkedInStep: marks of unsorted objects (a plan rewritten by a tool) find their
// values as well as sorted ones do.
func TestMarksWalkedInStep(t *testing.T) {
	for _, sorted := range []bool{true, false} {
		labels := map[string]any{}
		sens := map[string]any{}
		for i := 0; i < 50; i++ {
			k := fmt.Sprintf("k%02d", i)
			labels[k] = "v"
			if i%7 == 0 {
				sens[k] = true
			}
		}
		r := typedPod(map[string]any{}, []any{map[string]any{}})
		r.After["metadata"] = []any{map[string]any{"name": "p", "labels": labels}}
		r.AfterSensitive = map[string]any{"metadata": []any{map[string]any{"labels": sens}}}
		data := plantest.Plan(r)
		if !sorted {
			// Reverse the members of the labels and of their marks.
			var v map[string]any
			_ = json.Unmarshal(data, &v)
			data = []byte(reverseKeys(v))
		}
		inv, err := readPlan(data)
		if err != nil {
			t.Fatal(err)
		}
		f := inv.Objects[0].Fields
		for i := 0; i < 50; i++ {
			p := fmt.Sprintf("metadata.labels.k%02d", i)
			if f.Sensitive(p) != (i%7 == 0) {
				t.Errorf("sorted %v: %s sensitive %v", sorted, p, f.Sensitive(p))
			}
		}
	}
}

// reverseKeys renders v as JSON with every object's members in reverse order.
func reverseKeys(v any) string {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sortStrings(keys)
		var b strings.Builder
		b.WriteByte('{')
		for i := len(keys) - 1; i >= 0; i-- {
			k, _ := json.Marshal(keys[i])
			b.Write(k)
			b.WriteByte(':')
			b.WriteString(reverseKeys(t[keys[i]]))
			if i > 0 {
				b.WriteByte(',')
			}
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = reverseKeys(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
