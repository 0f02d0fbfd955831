// Package source maps Terraform addresses and attribute paths to file:line in the
// configuration, reading the root module and the local modules it calls with
// hashicorp/hcl/v2.
//
// The index is lazy and bounded: Load reads each .tf file once (regular files only,
// nesting checked before parsing) and keeps only where each resource block and module
// call is written, not the syntax trees; Locate parses a resource's block again, alone,
// when a finding needs its line. Module directories are visited once each by their real
// path, so symbolic links that lead back (a -> ., b -> .) cost nothing, and the total of
// modules, files and bytes is capped (Limits).
package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/hcldepth"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
)

// Location is a place in the Terraform configuration.
type Location struct {
	File string
	Line int
}

// Defaults of Limits.
const (
	DefaultMaxFiles   = 10000
	DefaultMaxModules = 1000
	// maxModuleDepth is how deep module calls are followed (the modules beyond keep
	// their addresses only).
	maxModuleDepth = 32
)

// Limits bound what Load reads; zero fields take the defaults.
type Limits struct {
	// MaxBytes caps the bytes of all .tf files together (default
	// inputfile.DefaultMaxSize, --max-input-size).
	MaxBytes int64
	// MaxFiles caps the number of .tf files (default DefaultMaxFiles).
	MaxFiles int
	// MaxModules caps the number of distinct module directories (default
	// DefaultMaxModules).
	MaxModules int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = inputfile.DefaultMaxSize
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	if l.MaxModules <= 0 {
		l.MaxModules = DefaultMaxModules
	}
	return l
}

// Index knows where each resource of a configuration is written. Its methods may be
// called from several goroutines.
type Index struct {
	root    string             // real path of the root module's directory
	modules map[string]*module // by real path

	mu     sync.Mutex
	cached blockRef // the block parsed last, for the findings of one resource in a row
	block  *hclsyntax.Block
}

type module struct {
	resources map[string]blockRef // "type.name"
	calls     map[string]string   // module call name → real path of its directory ("" when not on disk)
	truncated bool                // met deeper than maxModuleDepth: not read
}

// blockRef is where a resource block is written: its file (as reached from the root,
// for messages) and the range from its type keyword to its closing brace.
type blockRef struct {
	file       string
	start, end hcl.Pos
}

// Load reads the Terraform root module in dir and, recursively, the local modules it
// calls (sources starting with ./ or ../), with the default Limits. Modules from a
// registry or git are not on disk and keep the address only. Files that do not parse
// are an error naming file:line.
func Load(dir string) (*Index, error) {
	return LoadContext(context.Background(), dir, Limits{})
}

// LoadContext is Load with a context (checked before each file and module) and limits.
func LoadContext(ctx context.Context, dir string, lim Limits) (*Index, error) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	l := &loader{ctx: ctx, lim: lim.withDefaults(), top: filepath.Clean(dir),
		idx: &Index{root: root, modules: map[string]*module{}}}
	if err := l.load(l.top, root, 0); err != nil {
		return nil, err
	}
	return l.idx, nil
}

type loader struct {
	ctx          context.Context
	lim          Limits
	top          string
	idx          *Index
	files, bytes int64
}

// load reads the module in dir (as reached from the root) whose real path is real.
func (l *loader) load(dir, real string, depth int) error {
	if m, ok := l.idx.modules[real]; ok && !(m.truncated && depth <= maxModuleDepth) {
		return nil // read already (a module first met too deep is read when met higher)
	} else if !ok && len(l.idx.modules) >= l.lim.MaxModules {
		return fmt.Errorf("%s: more than %d local module directories: not a Terraform configuration plan-check can index", l.top, l.lim.MaxModules)
	}
	if err := l.ctx.Err(); err != nil {
		return err
	}
	m := &module{resources: map[string]blockRef{}, calls: map[string]string{}}
	l.idx.modules[real] = m
	if depth > maxModuleDepth {
		m.truncated = true
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".tf") || ignoredFile(name) {
			continue
		}
		if err := l.readFile(m, dir, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(m.calls))
	for name := range m.calls {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		sub := m.calls[name]
		m.calls[name] = ""
		if sub == "" {
			continue
		}
		if st, err := os.Stat(sub); err != nil || !st.IsDir() {
			continue
		}
		subReal, err := filepath.EvalSymlinks(sub)
		if err != nil {
			continue
		}
		if err := l.load(sub, subReal, depth+1); err != nil {
			return err
		}
		m.calls[name] = subReal
	}
	return nil
}

// ignoredFile reports whether Terraform ignores a file name: hidden files and editor
// backups and locks (.#main.tf, #main.tf#, main.tf~).
func ignoredFile(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~")
}

// readFile indexes one .tf file: its resource blocks and module calls.
func (l *loader) readFile(m *module, dir, path string) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	if l.files++; l.files > int64(l.lim.MaxFiles) {
		return fmt.Errorf("%s: more than %d .tf files: not a Terraform configuration plan-check can index", l.top, l.lim.MaxFiles)
	}
	src, err := inputfile.Read(path, l.lim.MaxBytes-l.bytes)
	var notRegular *inputfile.NotRegularError
	var tooLarge *inputfile.TooLargeError
	switch {
	case errors.As(err, &notRegular) && notRegular.Mode.IsDir():
		return nil // a directory named x.tf: Terraform skips it too
	case errors.As(err, &notRegular):
		return err
	case errors.As(err, &tooLarge):
		return &inputfile.TooLargeError{Name: "the .tf files of " + l.top, Max: l.lim.MaxBytes}
	case err != nil:
		return fmt.Errorf("reading %s: %w", path, err)
	}
	l.bytes += int64(len(src))
	entries, err := indexFile(src, path, dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.call {
			m.calls[e.key] = e.source
		} else {
			m.resources[e.key] = e.ref
		}
	}
	return nil
}

// entry is a resource block or a module call of a file.
type entry struct {
	key    string // "type.name" of a resource, the name of a module call
	call   bool
	ref    blockRef
	source string // a module call's local directory
}

// indexFile finds the resource blocks and module calls of a .tf file. It parses the
// file a piece at a time, so that only one piece's syntax tree is alive: the pieces end
// at the lines that are a lone "}" (where terraform fmt closes each top-level block),
// and each is parsed with its position in the file. When a piece does not parse alone
// (a lone "}" inside a heredoc, unformatted code), the file is parsed whole, which also
// gives the exact error.
func indexFile(src []byte, path, dir string) ([]entry, error) {
	var entries []entry
	collect := func(body *hclsyntax.Body) {
		for _, b := range body.Blocks {
			switch {
			case b.Type == "resource" && len(b.Labels) == 2:
				rng := b.Range()
				entries = append(entries, entry{key: b.Labels[0] + "." + b.Labels[1], ref: blockRef{file: path, start: rng.Start, end: rng.End}})
			case b.Type == "module" && len(b.Labels) == 1:
				entries = append(entries, entry{key: b.Labels[0], call: true, source: localSource(dir, b)})
			}
		}
	}
	start, line := 0, 1
	for start < len(src) {
		end, lines := nextPiece(src, start)
		file, diags, err := hcldepth.ParseConfig(src[start:end], path, hcl.Pos{Line: line, Column: 1, Byte: start})
		body, ok := hclBody(file)
		if err != nil || diags.HasErrors() || !ok {
			entries = nil
			if err := indexWhole(src, path, collect); err != nil {
				return nil, err
			}
			return entries, nil
		}
		collect(body)
		start, line = end, line+lines
	}
	return entries, nil
}

// nextPiece returns the end of the piece of src that starts at start (just after the
// next line that is a lone "}", or the end of src) and the number of lines in it.
func nextPiece(src []byte, start int) (end, lines int) {
	for i := start; i < len(src); {
		j := len(src)
		if k := bytes.IndexByte(src[i:], '\n'); k >= 0 {
			j = i + k + 1
		}
		lines++
		if line := bytes.TrimRight(src[i:j], " \t\r\n"); len(line) == 1 && line[0] == '}' {
			return j, lines
		}
		i = j
	}
	return len(src), lines
}

func indexWhole(src []byte, path string, collect func(*hclsyntax.Body)) error {
	file, diags, err := hcldepth.ParseConfig(src, path, hcl.InitialPos)
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diagError(diags)
	}
	if body, ok := hclBody(file); ok {
		collect(body)
	}
	return nil
}

func hclBody(f *hcl.File) (*hclsyntax.Body, bool) {
	if f == nil {
		return nil, false
	}
	b, ok := f.Body.(*hclsyntax.Body)
	return b, ok
}

// block parses the resource block at ref again, alone; nil when the file changed since
// Load and the block is no longer there.
func (idx *Index) parseBlock(ref blockRef) *hclsyntax.Block {
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if idx.block != nil && idx.cached == ref {
		return idx.block
	}
	src, err := inputfile.ReadAt(ref.file, int64(ref.start.Byte), int64(ref.end.Byte-ref.start.Byte))
	if err != nil {
		return nil
	}
	file, diags, err := hcldepth.ParseConfig(src, ref.file, ref.start)
	if err != nil || diags.HasErrors() {
		return nil
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok || len(body.Blocks) != 1 || body.Blocks[0].Type != "resource" || len(body.Blocks[0].Labels) != 2 {
		return nil
	}
	idx.cached, idx.block = ref, body.Blocks[0]
	return idx.block
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
	ref, ok := m.resources[resource]
	if !ok {
		return Location{}, false
	}
	b := idx.parseBlock(ref)
	if b == nil {
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
