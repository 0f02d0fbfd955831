package source

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// FuzzLoadLocate: arbitrary .tf content (and an arbitrary address and path to locate)
// never panics the index; a file Load accepts locates deterministically, and its written
// keys are deterministic, sorted and distinct, and only found where Locate finds the
// resource.
func FuzzLoadLocate(f *testing.F) {
	seeds := []struct{ src, addr, path string }{
		{pod, "kubernetes_pod_v1.x", "spec[0].container[0].security_context[0].privileged"},
		{"module \"a\" {\n  source = \"./\"\n}\n" + pod, "module.a.module.a.kubernetes_pod_v1.x[0]", "spec"},
		{`resource "kubernetes_manifest" "m" { manifest = { spec = { containers = [{ name = "a" }] } } }`, "kubernetes_manifest.m", `manifest.spec.containers[0].name`},
		{"resource \"a\" \"b\" {\n  dynamic \"c\" {\n    for_each = x\n  }\n  c {}\n}\n", `a.b["k\"]`, `c[1]["\"]`},
		{"x = [[[[", "a.b", "x"},
		{"resource \"a\" \"b\" { x = \"${\"${a}\"}\" }", "module.[.a.b", "x[\\"},
		{"resource \"a\" \"b\" {\n  m = merge({ a = 1, \"b\" = 2 }, null, tomap({ (\"c\") = x }))\n}\n", "a.b", "m"},
		{"resource \"a\" \"b\" {\n  c {}\n  dynamic \"c\" {\n    for_each = { k = 1 }\n    content {\n      m = { 1 = 2, true = 3 }\n    }\n  }\n  dynamic \"c\" {\n    for_each = v\n    content {}\n  }\n}\n", "a.b", "c[1].m"},
		{"resource \"a\" \"b\" {\n  dynamic \"c\" {\n    content {\n      dynamic \"d\" {\n        for_each = [1, 2]\n      }\n    }\n  }\n}\n", "a.b", "c[-1].d[1].e"},
		{"resource \"a\" \"b\" { m = { for k in x : k => 1 } }", "a.b", "m"},
		{"locals {\n  l = local.m\n  m = toset([\"a\", \"a\"])\n}\nresource \"a\" \"b\" {\n  dynamic \"c\" {\n    for_each = local.l\n    content {}\n  }\n  c {}\n}\n", "a.b", "c[1]"},
	}
	for _, s := range seeds {
		f.Add(s.src, s.addr, s.path)
	}
	dir := f.TempDir()
	main := filepath.Join(dir, "main.tf")
	f.Fuzz(func(t *testing.T, src, addr, path string) {
		if err := os.WriteFile(main, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		pieces, perr := indexFile([]byte(src), "f.tf", ".")
		whole, werr := wholeIndex(t, []byte(src))
		if (perr == nil) != (werr == nil) || fmt.Sprint(pieces) != fmt.Sprint(whole) {
			t.Fatalf("indexing by pieces (%v, %+v) differs from the whole file (%v, %+v)", perr, pieces, werr, whole)
		}
		idx, err := Load(dir)
		if err != nil {
			if idx != nil {
				t.Fatal("an index and an error")
			}
			return
		}
		loc, ok := idx.Locate(addr, path)
		again, ok2 := idx.Locate(addr, path)
		if loc != again || ok != ok2 {
			t.Fatalf("Locate is not deterministic: %+v %v, then %+v %v", loc, ok, again, ok2)
		}
		if ok && (loc.File != main || loc.Line < 1 || loc.Line > strings.Count(src, "\n")+1) {
			t.Fatalf("Locate(%q, %q) = %+v", addr, path, loc)
		}
		// a plan that says every list at an even-length path has 2 elements
		lengths := func(p string) (int, bool) { return 2, len(p)%2 == 0 }
		if loc, ok := idx.LocateWith(addr, path, lengths); ok && (loc.File != main || loc.Line < 1) {
			t.Fatalf("LocateWith(%q, %q) = %+v", addr, path, loc)
		}
		if _, ok := idx.WrittenKeysWith(addr, path, lengths); ok && !idx.mustLocate(addr) {
			t.Fatalf("WrittenKeysWith(%q, %q) without the resource", addr, path)
		}
		keys, kok := idx.WrittenKeys(addr, path)
		again2, kok2 := idx.WrittenKeys(addr, path)
		if kok != kok2 || fmt.Sprint(keys) != fmt.Sprint(again2) {
			t.Fatalf("WrittenKeys is not deterministic: %q %v, then %q %v", keys, kok, again2, kok2)
		}
		if kok && (!ok || keys == nil || !sort.StringsAreSorted(keys)) {
			t.Fatalf("WrittenKeys(%q, %q) = %q (Locate %v)", addr, path, keys, ok)
		}
		for i := 1; kok && i < len(keys); i++ {
			if keys[i] == keys[i-1] {
				t.Fatalf("WrittenKeys(%q, %q) = %q: repeated key", addr, path, keys)
			}
		}
		for key := range idx.modules[idx.root].resources {
			typ, name, _ := strings.Cut(key, ".")
			if _, _, plain := splitAddress(key); !plain || !hclsyntax.ValidIdentifier(typ) || !hclsyntax.ValidIdentifier(name) {
				continue // labels with dots or brackets, or no identifier (Terraform refuses them): no address names them
			}
			if _, ok := idx.Locate(key, path); !ok {
				t.Fatalf("indexed resource %s not located", key)
			}
		}
	})
}

func (idx *Index) mustLocate(addr string) bool {
	_, ok := idx.Locate(addr, "")
	return ok
}
