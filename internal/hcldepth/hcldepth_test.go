package hcldepth

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

const deep = 20000 // far past MaxNesting; the CLI corpus has the 60,000 of the issue

func nest(open, inner, close string, n int) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
}

// TestRefusesDeepNesting: every construct the parser recurses on is counted, 60,000
// levels of it are refused with file:line, and none reaches the parser.
func TestRefusesDeepNesting(t *testing.T) {
	cases := map[string]string{
		"tuples":         "x = " + nest("[", "1", "]", deep),
		"objects":        "x = " + nest("{a = ", "1", "}", deep),
		"parentheses":    "x = " + nest("(", "1", ")", deep),
		"function calls": "x = " + nest("f(", "1", ")", deep),
		"blocks":         nest("a {\n", "", "}\n", deep),
		"interpolations": "x = " + nest(`"${`, "1", `}"`, deep),
		"heredocs":       "x = " + nest("<<EOT\n${", "1", "}\nEOT\n", deep),
		"directives":     "x = \"" + nest("%{if true}", "x", "%{endif}", deep) + "\"",
		"for directives": "x = \"" + nest("%{for a in b}", "x", "%{endfor}", deep) + "\"",
		"not":            "x = " + strings.Repeat("!", deep) + "true",
		"negation":       "x = " + strings.Repeat("- ", deep) + "1",
		"conditionals":   "x = " + strings.Repeat("a ? b : ", deep) + "c",
		"binary chain":   "x = 1" + strings.Repeat(" + 1", deep),
		"index chain":    "x = a" + strings.Repeat("[b]", deep),
		"splats":         "x = a" + strings.Repeat(".*.b", deep),
		"mixed":          "x = " + nest(`[{a = ("${!`, "1", `}")}]`, deep),
		"unclosed":       "x = " + strings.Repeat("[", deep),
		"stray closers":  "x = " + strings.Repeat("]", deep) + strings.Repeat("[", deep),
		"in a comment?":  "# ]]]]]\nx = " + strings.Repeat("(", deep),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			err := Check([]byte(src), "deep.tf", 0)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not refused: %v", err)
			}
			if e.Filename != "deep.tf" || e.Line < 1 || !strings.Contains(err.Error(), "deep.tf:") {
				t.Errorf("error does not name file:line: %v", err)
			}
			if _, _, err := ParseConfig([]byte(src), "deep.tf", hcl.InitialPos); err == nil {
				t.Error("ParseConfig parsed it")
			}
		})
	}
}

// TestLineOfRefusal: the line is where the limit is crossed.
func TestLineOfRefusal(t *testing.T) {
	src := "a = 1\nb = 2\nc = " + strings.Repeat("[\n", 300) + "1" + strings.Repeat("]", 300) + "\n"
	var e *Error
	if err := Check([]byte(src), "f.tf", 256); !errors.As(err, &e) {
		t.Fatal(err)
	}
	// the 256th bracket is still accepted (the bracket counts once, the index bump
	// once more in the enclosing level): the line of the first one past the limit.
	if e.Line < 3 || e.Line > 3+256 {
		t.Errorf("line %d", e.Line)
	}
}

// TestAcceptsWhatIsNotNesting: brackets in strings, heredocs and comments, long flat
// lists, many attributes and many operators across lines are not nesting.
func TestAcceptsWhatIsNotNesting(t *testing.T) {
	cases := map[string]string{
		"brackets in a string":  `x = "` + strings.Repeat("{[(", deep) + `"`,
		"escaped quotes":        `x = "` + strings.Repeat(`\"{[(`, 1000) + `"`,
		"escaped interpolation": `x = "` + strings.Repeat("$${", deep) + `"`,
		"escaped directive":     `x = "` + strings.Repeat("%%{if a}", 1000) + `"`,
		"heredoc":               "x = <<EOT\n" + strings.Repeat("{[(\n", 1000) + "EOT\n",
		"indented heredoc":      "x = <<-EOT\n" + strings.Repeat("  ]]]]{{{{\n", 1000) + "  EOT\n",
		"line comment":          strings.Repeat("# {{{{[[[[((((\n", 1000) + "x = 1\n",
		"slash comment":         strings.Repeat("// {{{{[[[[\n", 1000) + "x = 1\n",
		"block comment":         "/* " + strings.Repeat("{[(", deep) + " */\nx = 1\n",
		"long list":             "x = [" + strings.Repeat("-1, ", deep) + "]",
		"many attributes":       strings.Repeat("x = !a && b || -c\n", 10000),
		"many objects":          "x = {\n" + strings.Repeat("  a = { b = [1, 2, 3] }\n", 10000) + "}\n",
		"interpolations":        `x = "` + strings.Repeat("${a.b[0]}-", 10000) + `"`,
		"sequential ifs":        `x = "` + strings.Repeat("%{if a}x%{endif}", 10000) + `"`,
		"realistic": `resource "kubernetes_manifest" "pod" {
  manifest = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata   = { name = "web", labels = { app = var.enabled ? "web" : "off" } }
    spec = {
      containers = [{
        name  = "app"
        image = "${var.registry}/app:${var.tag}"
        args  = [for a in var.args : upper(a) if a != ""]
        securityContext = { capabilities = { drop = ["ALL"] }, runAsUser = -1 + 1001 }
      }]
    }
  }
}
`,
	}
	for name, src := range cases {
		if err := Check([]byte(src), "ok.tf", 0); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// depth is the depth of an hclsyntax AST.
type depth struct{ cur, max int }

func (d *depth) Enter(hclsyntax.Node) hcl.Diagnostics {
	d.cur++
	d.max = max(d.max, d.cur)
	return nil
}
func (d *depth) Exit(hclsyntax.Node) hcl.Diagnostics { d.cur--; return nil }

// FuzzCheck: Check never panics, and whatever it accepts parses into an AST no deeper
// than a small multiple of the limit: the count never misses nesting the parser sees.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`x = [1, {a = "${b}"}]`, "a {\n b {\n }\n}\n", `x = "%{if a}${b}%{else}c%{endif}"`,
		"x = <<EOT\n${a}\nEOT\n", "x = !a ? -b : c[d].*.e", "# c\n/* d */\nx = f(g(1))",
		`x = "\"{"`, "x = (]", "x = \"${\"${\"${a}\"}\"}\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		const limit = 32
		if err := Check([]byte(src), "fuzz.tf", limit); err != nil {
			return
		}
		file, _ := hclsyntax.ParseConfig([]byte(src), "fuzz.tf", hcl.InitialPos)
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			return
		}
		d := &depth{}
		hclsyntax.Walk(body, d)
		if d.max > 4*limit+8 {
			t.Fatalf("accepted at limit %d but the AST is %d deep: %q", limit, d.max, src)
		}
	})
}
