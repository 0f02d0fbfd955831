package helm

import (
	"reflect"
	"strings"
	"testing"
)

func computeValues(t *testing.T, r Release) map[string]any {
	t.Helper()
	in, err := prepareInputs(&r)
	if err != nil {
		t.Fatalf("prepareInputs: %v", err)
	}
	v, err := in.values(variant{choices: make([]choice, len(in.slots))})
	if err != nil {
		t.Fatalf("values: %v", err)
	}
	return v
}

func TestValuesMergeOrderAndSetForms(t *testing.T) {
	r := Release{
		Name: Known("x"), Namespace: Known("y"),
		Values: []Value{
			Known("a:\n  b: 1\n  list: [1, 2]\nhostNetwork: true\nkeep: yes-kept\n"),
			Known(""), // skipped, as the provider does
			Known("a:\n  c: 2\n  list: [3]\nhostNetwork: false\n"),
		},
		Set: []Set{
			{Name: "num", Value: Known("42")},
			{Name: "flag", Value: Known("true")},
			{Name: "str", Value: Known("true"), Type: "string"},
			{Name: "zero", Value: Known("007")},
			{Name: `annotations.container\.apparmor\.security\.beta\.kubernetes\.io/agent`, Value: Known("unconfined")},
			{Name: "arr[1]", Value: Known("second")},
			{Name: "a.b", Value: Known("null")},
			{Name: "lit.x", Value: Known("{k: [1, 2]}"), Type: "literal"},
		},
		SetList:      []SetList{{Name: "caps", Known: true, Values: []Value{Known("NET_ADMIN"), Known("SYS_TIME")}}},
		SetSensitive: []Set{{Name: "num", Value: Secret("43")}},
	}
	got := computeValues(t, r)
	want := map[string]any{
		"a":           map[string]any{"b": nil, "c": float64(2), "list": []any{float64(3)}},
		"hostNetwork": false,
		"keep":        "yes-kept",
		"num":         int64(43), // set_sensitive comes last
		"flag":        true,
		"str":         "true",
		"zero":        "007",
		"annotations": map[string]any{"container.apparmor.security.beta.kubernetes.io/agent": "unconfined"},
		"arr":         []any{nil, "second"},
		"lit.x":       map[string]any{"k": []any{float64(1), float64(2)}},
		"caps":        []any{"NET_ADMIN", "SYS_TIME"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values:\n got %#v\nwant %#v", got, want)
	}
}

func TestValuesSetListJoinsAndDropsNulls(t *testing.T) {
	// An element with a comma splits, as the provider joins elements with commas.
	got := computeValues(t, Release{Name: Known("x"), Namespace: Known("y"),
		SetList: []SetList{{Name: "l", Known: true, Values: []Value{Known("a,b"), Known("c")}}}})
	if want := []any{"a", "b", "c"}; !reflect.DeepEqual(got["l"], want) {
		t.Errorf("l = %#v, want %#v", got["l"], want)
	}
}

func TestValuesErrorsNeverQuoteSensitiveValues(t *testing.T) {
	cases := []Release{
		{SetSensitive: []Set{{Name: "token", Value: Secret("pw-S3cr3t,leak")}}},
		{Set: []Set{{Name: "token", Value: Secret("pw-S3cr3t,leak")}}},
		{SetList: []SetList{{Name: "l[", Known: true, Values: []Value{Secret("pw-S3cr3t,leak")}}}},
		{Values: []Value{Secret("token: [pw-S3cr3t,leak")}},
	}
	for i, r := range cases {
		r.Name, r.Namespace = Known("x"), Known("y")
		in, err := prepareInputs(&r)
		if err == nil {
			_, err = in.values(variant{choices: make([]choice, len(in.slots))})
		}
		if err == nil {
			t.Fatalf("case %d: no error", i)
		}
		if ReasonOf(err) != ReasonInvalidValues {
			t.Errorf("case %d: reason %q, want %q (%v)", i, ReasonOf(err), ReasonInvalidValues, err)
		}
		if strings.Contains(err.Error(), "S3cr3t") || strings.Contains(err.Error(), "leak") {
			t.Errorf("case %d: the error quotes the secret: %v", i, err)
		}
	}
}

func TestValuesHostileSetNeverPanics(t *testing.T) {
	for _, name := range []string{"a[99999999999]", "a[-1]", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee.ff", "[", "a[0", "=", ""} {
		r := Release{Name: Known("x"), Namespace: Known("y"), Set: []Set{{Name: name, Value: Known("1")}}}
		in, err := prepareInputs(&r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := in.values(variant{}); err == nil && name != "" {
			t.Logf("set %q accepted", name)
		}
	}
}

func TestAlterTextChangesEveryCharacterClass(t *testing.T) {
	for in, want := range map[string]string{"true": "false", "False": "true", "41": "42", "s3cr3t-Z9z": "t4ds4u-A0a", "---": "---x", "007": "118"} {
		if got := alterText(in); got != want {
			t.Errorf("alterText(%q) = %q, want %q", in, got, want)
		}
	}
}
