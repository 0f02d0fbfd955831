package plancheck

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/helmtest"
)

// The redaction property, extended to helm_release: whatever input of a release is
// sensitive (a set_sensitive value, a set or set_list value or name marked sensitive, any
// leaf of a values document marked sensitive, the release name, namespace, chart,
// repository or version), its value appears in no byte of any report format
// or note, whether the chart renders it into objects, refuses it, or the plan's manifest
// holds it. Each input is replaced by a sentinel (see sentinel) and marked sensitive, one
// at a time and all of a release's inputs at once.

// releaseInput is one string input of a release: its path in `after` and, for a leaf of
// a values document, the path inside the document.
type releaseInput struct {
	at  leaf
	doc []any // nil for a plain string input
}

// releaseInputs lists the inputs of a helm_release's planned value.
func releaseInputs(after map[string]any) []releaseInput {
	var out []releaseInput
	// The release's identity and chart: a sentinel there makes the chart unfindable or
	// names every object; either way nothing of it may be printed.
	for _, attr := range []string{"name", "namespace", "chart", "repository", "version"} {
		if v, ok := after[attr].(string); ok && v != "" {
			out = append(out, releaseInput{at: leaf{attr}})
		}
	}
	for _, attr := range []string{"set", "set_sensitive"} {
		l, _ := after[attr].([]any)
		for i, e := range l {
			if m, ok := e.(map[string]any); ok {
				for _, k := range []string{"value", "name"} {
					if _, ok := m[k].(string); ok {
						out = append(out, releaseInput{at: leaf{attr, i, k}})
					}
				}
			}
		}
	}
	sl, _ := after["set_list"].([]any)
	for i, e := range sl {
		m, _ := e.(map[string]any)
		if _, ok := m["name"].(string); ok {
			out = append(out, releaseInput{at: leaf{"set_list", i, "name"}})
		}
		vs, _ := m["value"].([]any)
		for j, v := range vs {
			if _, ok := v.(string); ok {
				out = append(out, releaseInput{at: leaf{"set_list", i, "value", j}})
			}
		}
	}
	vals, _ := after["values"].([]any)
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		var doc any
		if yaml.Unmarshal([]byte(s), &doc) != nil {
			continue
		}
		var ls []leaf
		yamlLeaves(doc, nil, &ls)
		for _, l := range ls {
			out = append(out, releaseInput{at: leaf{"values", i}, doc: l})
		}
	}
	return out
}

// yamlLeaves lists the scalar leaves of a decoded YAML document.
func yamlLeaves(v any, at []any, out *[]leaf) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			yamlLeaves(t[k], append(append([]any{}, at...), k), out)
		}
	case []any:
		for i, c := range t {
			yamlLeaves(c, append(append([]any{}, at...), i), out)
		}
	case nil:
	default:
		*out = append(*out, append(leaf{}, at...))
	}
}

// plant puts value at the input in after and marks the input sensitive in the change.
func plant(ch map[string]any, in releaseInput, value string) {
	after := ch["after"].(map[string]any)
	if in.doc == nil {
		set(after, in.at, value)
	} else {
		var doc any
		_ = yaml.Unmarshal([]byte(get(after, in.at).(string)), &doc)
		set(doc, in.doc, value)
		b, _ := yaml.Marshal(doc)
		set(after, in.at, string(b))
	}
	ch["after_sensitive"] = markSensitive(ch["after_sensitive"], after, in.at)
}

// releaseChanges returns the helm_release changes of a decoded plan.
func releaseChanges(p map[string]any) []map[string]any {
	var out []map[string]any
	rcs, _ := p["resource_changes"].([]any)
	for _, rc := range rcs {
		m, _ := rc.(map[string]any)
		ch, _ := m["change"].(map[string]any)
		if _, ok := ch["after"].(map[string]any); ok && m["type"] == "helm_release" {
			out = append(out, ch)
		}
	}
	return out
}

func TestSensitiveReleaseInputNeverPrinted(t *testing.T) {
	fx := helmtest.ServeFixtures(t, helmDir)
	exp, err := helmtest.LoadExpectations(helmDir + "/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	// One input at a time without tracing origins (which only name input entries, and
	// cost a render per entry); every input at once with them.
	run := func(p map[string]any, name string, origins bool) string {
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Check(data, Options{PlanName: name, Gate: report.Gate{FailOn: finding.High}, ToolVersion: "test",
			Helm: HelmOptions{SearchDirs: []string{helmDir + "/plans"}, CacheDir: cache, NoOrigins: !origins}})
		if err != nil {
			return "error: " + err.Error()
		}
		return printAll(t, rep)
	}
	n, tried := 0, 0
	for _, name := range helmtest.Names(exp) {
		base := decodePlan(t, fx.Plan(t, name))
		for ci, ch := range releaseChanges(base) {
			inputs := releaseInputs(ch["after"].(map[string]any))
			var all []string
			whole := decodePlan(t, fx.Plan(t, name))
			for ii, in := range inputs {
				v, core := sentinel(n)
				n++
				plant(releaseChanges(whole)[ci], in, v)
				all = append(all, core)
				if testing.Short() && ii%5 != 0 {
					continue
				}
				p := decodePlan(t, fx.Plan(t, name))
				plant(releaseChanges(p)[ci], in, v)
				assertNotPrinted(t, run(p, name, false), fmt.Sprintf("%s: release %d: %v %v", name, ci, in.at, in.doc), []string{core})
				tried++
			}
			if len(all) > 0 {
				assertNotPrinted(t, run(whole, name, true), fmt.Sprintf("%s: release %d: every input", name, ci), all)
			}
		}
	}
	if !testing.Short() && tried < 120 {
		t.Fatalf("only %d release inputs tried", tried)
	}
	t.Logf("%d release inputs tried one at a time", tried)
}
