package helm

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// release is a local-chart release of testdata/charts/NAME with known name and namespace.
func release(chart string) Release {
	return Release{Address: "helm_release.test", Name: Known("rel"), Namespace: Known("apps"), Chart: chart}
}

func offline(t testing.TB) Options {
	return Options{SearchDirs: []string{"testdata/charts"}, CacheDir: t.TempDir(), Offline: true}
}

func mustRender(t testing.TB, r Release, o Options) *Rendered {
	t.Helper()
	out, err := Render(context.Background(), r, o)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return out
}

func find(t testing.TB, out *Rendered, kind, name string) *Document {
	t.Helper()
	for i := range out.Documents {
		d := &out.Documents[i]
		if d.Kind() == kind && (name == "" || d.Name() == name) {
			return d
		}
	}
	var have []string
	for _, d := range out.Documents {
		have = append(have, d.Kind()+"/"+d.Name())
	}
	t.Fatalf("no %s %q among %v", kind, name, have)
	return nil
}

func has(out *Rendered, kind, name string) bool {
	for _, d := range out.Documents {
		if d.Kind() == kind && d.Name() == name {
			return true
		}
	}
	return false
}

// get reads the value at a path written like Document.Unknown's.
func get(v any, p string) (any, bool) {
	for _, seg := range splitPath(p) {
		switch t := v.(type) {
		case map[string]any:
			c, ok := t[seg]
			if !ok {
				return nil, false
			}
			v = c
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(t) {
				return nil, false
			}
			v = t[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func splitPath(p string) []string {
	var out []string
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			i++
		case '[':
			j := i + 1
			if j < len(p) && p[j] == '"' {
				k := j + 1
				for k < len(p) && !(p[k] == '"' && p[k-1] != '\\') {
					k++
				}
				s, _ := strconv.Unquote(p[j : k+1])
				out = append(out, s)
				i = k + 2
				continue
			}
			k := strings.IndexByte(p[i:], ']')
			out = append(out, p[i+1:i+k])
			i += k + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			out = append(out, p[i:j])
			i = j
		}
	}
	return out
}

func wantValue(t testing.TB, d *Document, p string, want any) {
	t.Helper()
	got, ok := get(d.Object, p)
	if !ok {
		t.Errorf("%s %s: %s is absent, want %v (unknown: %v)", d.Kind(), d.Name(), p, want, d.Unknown)
		return
	}
	if gs, ws := strconv.Quote(toString(got)), strconv.Quote(toString(want)); gs != ws {
		t.Errorf("%s %s: %s = %s, want %s", d.Kind(), d.Name(), p, gs, ws)
	}
}

func wantAbsent(t testing.TB, d *Document, p string) {
	t.Helper()
	if v, ok := get(d.Object, p); ok {
		t.Errorf("%s %s: %s = %v, want it absent", d.Kind(), d.Name(), p, v)
	}
}

func toString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	case int:
		return strconv.Itoa(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case nil:
		return "null"
	}
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(stringify(v), "\n", " "), "  ", " "))
}

func stringify(v any) string {
	switch t := v.(type) {
	case []any:
		parts := make([]string, len(t))
		for i, c := range t {
			parts[i] = toString(c)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + toString(t[k])
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return ""
}

// unknownAt reports whether p is unknown: listed, or below a listed path.
func unknownAt(d *Document, p string) bool {
	for _, u := range d.Unknown {
		if u == "" || u == p || strings.HasPrefix(p, u+".") || strings.HasPrefix(p, u+"[") {
			return true
		}
	}
	return false
}

func sensitiveAt(d *Document, p string) bool {
	for _, u := range d.Sensitive {
		if u == "" || u == p || strings.HasPrefix(p, u+".") || strings.HasPrefix(p, u+"[") {
			return true
		}
	}
	return false
}
