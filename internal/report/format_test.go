package report

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFormats: every format has a unique name, a one-line description, its own file
// extension and a writer, the default first; Lookup and Names agree with the list; and
// each call builds a new list, so no caller can change what the next one sees.
func TestFormats(t *testing.T) {
	fs := Formats()
	if len(fs) == 0 || fs[0].Name != DefaultFormat {
		t.Fatalf("the first format is not %q: %v", DefaultFormat, Names())
	}
	names, exts := map[string]bool{}, map[string]bool{}
	for i, f := range fs {
		switch {
		case f.Name == "" || strings.ToLower(f.Name) != f.Name || strings.ContainsAny(f.Name, " ,|"):
			t.Errorf("format %d: name %q", i, f.Name)
		case names[f.Name]:
			t.Errorf("format %q twice", f.Name)
		case f.Description == "" || strings.Contains(f.Description, "\n") || len(f.Description) > 90:
			t.Errorf("%s: description %q is not one short line", f.Name, f.Description)
		case !strings.HasPrefix(f.Extension, ".") || len(f.Extension) < 2 || exts[f.Extension]:
			t.Errorf("%s: extension %q (not a dotted extension, or another format's)", f.Name, f.Extension)
		case f.Write == nil:
			t.Errorf("%s: no writer", f.Name)
		}
		names[f.Name], exts[f.Extension] = true, true
		got, ok := Lookup(f.Name)
		if !ok || got.Name != f.Name || got.Extension != f.Extension {
			t.Errorf("Lookup(%q) = %+v, %v", f.Name, got, ok)
		}
		if Names()[i] != f.Name {
			t.Errorf("Names()[%d] = %q, want %q", i, Names()[i], f.Name)
		}
	}
	for _, name := range []string{"", "TEXT", "xml", "text "} {
		if _, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) finds a format", name)
		}
	}
	fs[0].Name, fs[1] = "changed", Format{}
	if Formats()[0].Name != DefaultFormat || Formats()[1].Name == "" {
		t.Error("a caller changed the registry")
	}
}

// TestFormatWriters: every format writes a small run and an empty one, the same bytes
// each time (reports are deterministic).
func TestFormatWriters(t *testing.T) {
	for _, f := range Formats() {
		for name, r := range map[string]func() *Report{"sample": sampleReport, "empty": func() *Report { return &Report{} }} {
			first := write(t, f.Name, r(), Options{})
			if again := write(t, f.Name, r(), Options{}); again != first {
				t.Errorf("%s: two writes of the %s run differ", f.Name, name)
			}
			if name == "sample" && first == "" {
				t.Errorf("%s: nothing written for the %s run", f.Name, name)
			}
		}
	}
}

// TestFormatsListEveryFormatFile: every constructor of a format (a function of no
// arguments returning a Format, one per writer's file) is in Formats, so a new format's
// file cannot be forgotten in the list.
func TestFormatsListEveryFormatFile(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("format.go")
	if err != nil {
		t.Fatal(err)
	}
	var list string
	if i := strings.Index(string(src), "func Formats() []Format {"); i >= 0 {
		list = string(src[i:])
		list = list[:strings.Index(list, "\n}\n")]
	}
	constructors := 0
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Type.Params.NumFields() != 0 || fn.Type.Results.NumFields() != 1 {
				continue
			}
			if id, ok := fn.Type.Results.List[0].Type.(*ast.Ident); !ok || id.Name != "Format" {
				continue
			}
			constructors++
			if !strings.Contains(list, fn.Name.Name+"()") {
				t.Errorf("%s: %s is not in Formats", name, fn.Name.Name)
			}
		}
	}
	if constructors != len(Formats()) {
		t.Errorf("%d format constructors, %d formats", constructors, len(Formats()))
	}
}

// TestFormatsDocumented: docs/plan-check.md describes every format, and the README's
// plan-check section names them all.
func TestFormatsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "plan-check.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := string(doc)
	if i := strings.Index(section, "\n## Report formats\n"); i >= 0 {
		section = section[i+1:]
		if j := strings.Index(section[3:], "\n## "); j >= 0 {
			section = section[:j+3]
		}
	} else {
		t.Fatal(`docs/plan-check.md has no "## Report formats" section`)
	}
	for _, name := range Names() {
		if !strings.Contains(section, "\n- `"+name+"`: ") {
			t.Errorf("docs/plan-check.md's report formats do not describe %q", name)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "--format " + strings.Join(Names(), "|"); !strings.Contains(string(readme), want) {
		t.Errorf("README.md does not say %q", want)
	}
}
