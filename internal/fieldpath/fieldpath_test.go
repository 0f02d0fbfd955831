package fieldpath

import (
	"reflect"
	"testing"
)

func TestJoinParseRoundTrip(t *testing.T) {
	keys := []string{"app", "app.kubernetes.io/name", `a"b`, `ends\`, "new\nline", "", "[0]", `\"]`, "x]y", "0lead"}
	for _, k := range keys {
		p := Index(Join(Join("metadata", "labels"), k), 3)
		got := Parse(p)
		want := []Segment{{Name: "metadata"}, {Name: "labels"}, {Name: k, Quoted: !IsIdent(k)}, {Index: 3, IsIndex: true}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: Parse(%q) = %+v", k, p, got)
		}
		if String(got) != p {
			t.Errorf("%q: String(Parse(%q)) = %q", k, p, String(got))
		}
		parent, ok := Parent(p)
		if !ok || parent != Join(Join("metadata", "labels"), k) {
			t.Errorf("%q: Parent(%q) = %q", k, p, parent)
		}
		if pp, _ := Parent(parent); pp != "metadata.labels" {
			t.Errorf("%q: Parent(%q) = %q", k, parent, pp)
		}
	}
}

func TestIsBelow(t *testing.T) {
	for _, c := range []struct {
		p, a string
		want bool
	}{
		{"spec.containers[0]", "spec.containers", true},
		{"spec.containersX", "spec.containers", false},
		{"spec", "", true},
		{"", "", false},
		{"spec.containers", "spec.containers", false},
	} {
		if got := IsBelow(c.p, c.a); got != c.want {
			t.Errorf("IsBelow(%q, %q) = %v", c.p, c.a, got)
		}
	}
}

func TestParseNeverPanics(t *testing.T) {
	for _, p := range []string{`[`, `["`, `["a`, `["a"`, `a[b`, `a[-1]`, `[""]`, `.`, `a..b`, `["\"]`} {
		_ = String(Parse(p))
		_, _ = Parent(p)
		_ = Leaf(p)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`metadata.labels["a.b"][0]`)
	f.Add(`["\"]`)
	f.Fuzz(func(t *testing.T, key string) {
		p := Join("x", key)
		segs := Parse(p)
		if len(segs) != 2 || segs[1].Name != key {
			t.Fatalf("Join/Parse lost key %q: %+v", key, segs)
		}
		if parent, _ := Parent(p); parent != "x" {
			t.Fatalf("Parent(%q) = %q", p, parent)
		}
		_ = Leaf(key)
		_, _ = Parent(key)
		_ = String(Parse(key))
	})
}

func TestRedactKeys(t *testing.T) {
	sens := func(p string) bool { return p == "metadata.labels" || p == "spec.template.metadata.annotations" }
	for in, want := range map[string]string{
		`metadata.labels["token"]`:                              `metadata.labels["X"]`,
		`metadata.labels.tier`:                                  `metadata.labels["X"]`,
		`metadata.name`:                                         `metadata.name`,
		`spec.template.metadata.annotations["a/b"]`:             `spec.template.metadata.annotations["X"]`,
		`spec.template.metadata.labels.app`:                     `spec.template.metadata.labels.app`,
		`spec.template.spec.containers[0].resources.limits.cpu`: `spec.template.spec.containers[0].resources.limits.cpu`,
	} {
		if got := RedactKeys(in, sens, "X"); got != want {
			t.Errorf("RedactKeys(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParentQuotedKeys: a quoted key is one segment wherever it stands, whatever it holds.
func TestParentQuotedKeys(t *testing.T) {
	for p, want := range map[string]string{
		`metadata.annotations["a.b"].c`:      `metadata.annotations["a.b"]`,
		`metadata.annotations["a.b"]`:        `metadata.annotations`,
		`x["]"]`:                             `x`,
		`x["]"].y[2]`:                        `x["]"].y`,
		`x["\\"]`:                            `x`,
		`x["a\"].b"]`:                        `x`,
		`x["a\"].b"].c`:                      `x["a\"].b"]`,
		`spec.containers[0].securityContext`: `spec.containers[0]`,
		`a`:                                  ``,
		`x[`:                                 `x`,
	} {
		if got, ok := Parent(p); !ok || got != want {
			t.Errorf("Parent(%s) = %q, want %q", p, got, want)
		}
	}
}
