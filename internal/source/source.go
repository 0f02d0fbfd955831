// Package source maps Terraform addresses and attribute paths to file:line in the
// configuration, parsing the root module and the local modules it calls with
// hashicorp/hcl/v2.
package source

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Location is a place in the Terraform configuration.
type Location struct {
	File string
	Line int
}

// Index knows where each resource of a configuration is written.
type Index struct {
	root    string
	modules map[string]*module // by directory
}

type module struct {
	dir       string
	resources map[string]*hclsyntax.Block // "type.name"
	calls     map[string]string           // module call name → directory ("" when not on disk)
}

// Load parses the Terraform root module in dir and, recursively, the local modules it
// calls (sources starting with ./ or ../). Modules from a registry or git are not on disk
// and keep the address only. Files that do not parse are an error naming file:line.
func Load(dir string) (*Index, error) {
	idx := &Index{root: filepath.Clean(dir), modules: map[string]*module{}}
	if _, err := idx.load(idx.root, 0); err != nil {
		return nil, err
	}
	return idx, nil
}

func (idx *Index) load(dir string, depth int) (*module, error) {
	if m, ok := idx.modules[dir]; ok {
		return m, nil
	}
	m := &module{dir: dir, resources: map[string]*hclsyntax.Block{}, calls: map[string]string{}}
	idx.modules[dir] = m
	if depth > 32 {
		return m, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	parser := hclparse.NewParser()
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f, err)
		}
		file, diags := parser.ParseHCL(src, f)
		if diags.HasErrors() {
			return nil, diagError(diags)
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, b := range body.Blocks {
			switch {
			case b.Type == "resource" && len(b.Labels) == 2:
				m.resources[b.Labels[0]+"."+b.Labels[1]] = b
			case b.Type == "module" && len(b.Labels) == 1:
				m.calls[b.Labels[0]] = localSource(dir, b)
			}
		}
	}
	for name, sub := range m.calls {
		if sub == "" {
			continue
		}
		if st, err := os.Stat(sub); err != nil || !st.IsDir() {
			m.calls[name] = ""
			continue
		}
		if _, err := idx.load(sub, depth+1); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// localSource returns the directory of a module call whose source is a local path.
func localSource(dir string, b *hclsyntax.Block) string {
	attr, ok := b.Body.Attributes["source"]
	if !ok {
		return ""
	}
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() || !v.Type().Equals(v.Type()) || !v.IsKnown() || v.IsNull() {
		return ""
	}
	if v.Type().FriendlyName() != "string" {
		return ""
	}
	s := v.AsString()
	if strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
		return filepath.Clean(filepath.Join(dir, s))
	}
	return ""
}

func diagError(diags hcl.Diagnostics) error {
	var parts []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		loc := ""
		if d.Subject != nil {
			loc = fmt.Sprintf("%s:%d: ", d.Subject.Filename, d.Subject.Start.Line)
		}
		parts = append(parts, loc+d.Summary)
	}
	return fmt.Errorf("%s", strings.Join(parts, "; "))
}

// Locate finds the line of the attribute at tfPath (e.g.
// "spec[0].template[0].spec[0].container[0].security_context[0].privileged", or
// "manifest.spec.containers[0].securityContext" inside an object expression) of the
// resource at address, or, where the path cannot be followed (dynamic blocks, computed
// expressions), of the deepest block on the way, down to the resource block itself.
func (idx *Index) Locate(address, tfPath string) (Location, bool) {
	if idx == nil {
		return Location{}, false
	}
	modules, resource, ok := splitAddress(address)
	if !ok {
		return Location{}, false
	}
	m := idx.modules[idx.root]
	for _, name := range modules {
		dir := m.calls[name]
		if dir == "" {
			return Location{}, false
		}
		m = idx.modules[dir]
	}
	b, ok := m.resources[resource]
	if !ok {
		return Location{}, false
	}
	rng := walk(b.Body, tokens(tfPath), b.DefRange())
	return Location{File: rng.Filename, Line: rng.Start.Line}, true
}

// walk follows path tokens through nested blocks, attributes and object expressions.
func walk(body *hclsyntax.Body, toks []token, best hcl.Range) hcl.Range {
	if len(toks) == 0 {
		return best
	}
	t := toks[0]
	if t.isIndex {
		return best
	}
	if attr, ok := body.Attributes[t.name]; ok {
		return walkExpr(attr.Expr, toks[1:], attr.SrcRange)
	}
	var same []*hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == t.name {
			same = append(same, b)
		}
	}
	if len(same) == 0 {
		return best
	}
	i, rest := 0, toks[1:]
	if len(rest) > 0 && rest[0].isIndex {
		i, rest = rest[0].index, rest[1:]
	}
	// Blocks of this type written before the first dynamic block of the same type keep
	// their index in the plan; after it, the dynamic block's count is unknown here.
	exact := 0
	for _, b := range body.Blocks {
		if b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == t.name {
			break
		}
		if b.Type == t.name {
			exact++
		}
	}
	if i >= exact {
		return best
	}
	return walk(same[i].Body, rest, same[i].DefRange())
}

// walkExpr follows tokens into object and tuple constructors (kubernetes_manifest).
func walkExpr(e hclsyntax.Expression, toks []token, best hcl.Range) hcl.Range {
	if len(toks) == 0 {
		return best
	}
	t := toks[0]
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		if t.isIndex {
			return best
		}
		for _, item := range x.Items {
			if keyName(item.KeyExpr) == t.name {
				return walkExpr(item.ValueExpr, toks[1:], hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range()))
			}
		}
	case *hclsyntax.TupleConsExpr:
		if t.isIndex && t.index < len(x.Exprs) {
			return walkExpr(x.Exprs[t.index], toks[1:], x.Exprs[t.index].Range())
		}
	}
	return best
}

func keyName(e hclsyntax.Expression) string {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		e = k.Wrapped
	}
	switch x := e.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		if len(x.Traversal) == 1 {
			return x.Traversal.RootName()
		}
	case *hclsyntax.TemplateExpr:
		if v, diags := x.Value(nil); !diags.HasErrors() && v.IsKnown() && !v.IsNull() {
			return v.AsString()
		}
	case *hclsyntax.LiteralValueExpr:
		if v := x.Val; v.IsKnown() && !v.IsNull() && v.Type().FriendlyName() == "string" {
			return v.AsString()
		}
	}
	return ""
}

type token struct {
	name    string
	index   int
	isIndex bool
}

// tokens splits "a[0].b.c[\"k\"]" into names and indexes (quoted keys become names).
func tokens(p string) []token {
	var out []token
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			i++
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return out
			}
			inner := p[i+1 : i+j]
			if n, err := strconv.Atoi(inner); err == nil {
				out = append(out, token{index: n, isIndex: true})
			} else if s, err := strconv.Unquote(inner); err == nil {
				out = append(out, token{name: s})
			}
			i += j + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			out = append(out, token{name: p[i:j]})
			i = j
		}
	}
	return out
}

// splitAddress splits "module.a[0].module.b.kubernetes_pod_v1.x[\"k\"]" into module call
// names [a b] and the resource "kubernetes_pod_v1.x". Data sources are not located.
func splitAddress(addr string) ([]string, string, bool) {
	var modules []string
	rest := addr
	for strings.HasPrefix(rest, "module.") {
		rest = rest[len("module."):]
		j := 0
		for j < len(rest) && rest[j] != '.' && rest[j] != '[' {
			j++
		}
		modules = append(modules, rest[:j])
		rest = rest[j:]
		if strings.HasPrefix(rest, "[") {
			rest = rest[skipKey(rest):]
		}
		rest = strings.TrimPrefix(rest, ".")
	}
	if strings.HasPrefix(rest, "data.") {
		return nil, "", false
	}
	if i := strings.IndexByte(rest, '['); i >= 0 {
		rest = rest[:i]
	}
	if strings.Count(rest, ".") != 1 {
		return nil, "", false
	}
	return modules, rest, true
}

// skipKey returns the length of an instance key "[0]" or "[\"a.b\"]" at the start of s.
func skipKey(s string) int {
	inQuote := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case ']':
			if !inQuote {
				return i + 1
			}
		}
	}
	return len(s)
}
