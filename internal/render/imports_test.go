package render

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestNoTerraformImports: render is below its faces (provider, CLI): it never imports
// Terraform's libraries, nor the packages that use it.
func TestNoTerraformImports(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(p, "hashicorp/terraform") || strings.HasSuffix(p, "/internal/provider") || strings.HasSuffix(p, "/internal/cli") {
				t.Errorf("%s imports %s", e.Name(), p)
			}
		}
	}
}
