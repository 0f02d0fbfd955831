// Package source maps Terraform addresses and attribute paths to file:line in the
// configuration, reading the root module and the local modules it calls with
// hashicorp/hcl/v2.
//
// Locate (and LocateWith) give the file:line of an attribute path, following nested
// blocks and the content of dynamic blocks; WrittenKeys gives the keys a map attribute
// is written with, which a plan loses when one of the map's values is unknown.
//
// The index is lazy and bounded: Load reads each .tf file once (regular files only,
// nesting checked before parsing) and keeps only where each resource block, module call
// and locals block is written, not the syntax trees; Locate and WrittenKeys parse a
// resource's block again, alone, when they need it, and a module's locals blocks once,
// keeping only the lengths of the literal collections (for dynamic blocks' for_each).
// Nothing in the configuration is evaluated. Module directories are visited once each
// by their real path, so symbolic links that lead back (a -> ., b -> .) cost nothing,
// and the total of modules, files and bytes is capped (Limits).
package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
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
	// overridden: resources also written in an override file (override.tf,
	// *_override.tf), whose attributes Terraform merges into the block; jsonOverride: the
	// module has a JSON override file, which the index does not read.
	overridden   map[string]bool
	jsonOverride bool
	// locals are where the module's locals blocks are written; lengths, once a dynamic
	// block's for_each needs it, the lengths of the locals that are literal collections
	// (see localLengths; guarded by Index.mu).
	locals  []blockRef
	lengths map[string]int
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
	m := &module{resources: map[string]blockRef{}, calls: map[string]string{}, overridden: map[string]bool{}}
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
		if ignoredFile(name) {
			continue
		}
		if strings.HasSuffix(name, ".tf.json") && overrideFile(strings.TrimSuffix(name, ".json")) {
			m.jsonOverride = true
		}
		if !strings.HasSuffix(name, ".tf") {
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

// overrideFile reports whether Terraform reads a .tf file as an override file.
func overrideFile(name string) bool {
	return name == "override.tf" || strings.HasSuffix(name, "_override.tf")
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
	override := overrideFile(filepath.Base(path))
	for _, e := range entries {
		switch {
		case e.call:
			m.calls[e.key] = e.source
		case e.locals:
			m.locals = append(m.locals, e.ref)
		default:
			m.resources[e.key] = e.ref
			if override {
				m.overridden[e.key] = true
			}
		}
	}
	return nil
}

// entry is a resource block, a module call or a locals block of a file.
type entry struct {
	key    string // "type.name" of a resource, the name of a module call
	call   bool
	locals bool
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
	collect := func(body *hclsyntax.Body) { entries = append(entries, collectEntries(body, path, dir)...) }
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

// collectEntries lists the resource blocks, module calls and locals blocks of a file's
// body.
func collectEntries(body *hclsyntax.Body, path, dir string) []entry {
	var entries []entry
	for _, b := range body.Blocks {
		rng := b.Range()
		ref := blockRef{file: path, start: rng.Start, end: rng.End}
		switch {
		case b.Type == "resource" && len(b.Labels) == 2:
			entries = append(entries, entry{key: b.Labels[0] + "." + b.Labels[1], ref: ref})
		case b.Type == "module" && len(b.Labels) == 1:
			entries = append(entries, entry{key: b.Labels[0], call: true, source: localSource(dir, b)})
		case b.Type == "locals" && len(b.Labels) == 0:
			entries = append(entries, entry{locals: true, ref: ref})
		}
	}
	return entries
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
	b := readBlock(ref, "resource", 2)
	if b == nil {
		return nil
	}
	idx.cached, idx.block = ref, b
	return b
}

// readBlock parses the block at ref alone; nil unless it is one block of type typ with
// that many labels (the file changed since Load).
func readBlock(ref blockRef, typ string, labels int) *hclsyntax.Block {
	src, err := inputfile.ReadAt(ref.file, int64(ref.start.Byte), int64(ref.end.Byte-ref.start.Byte))
	if err != nil {
		return nil
	}
	file, diags, err := hcldepth.ParseConfig(src, ref.file, ref.start)
	if err != nil || diags.HasErrors() {
		return nil
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok || len(body.Blocks) != 1 || body.Blocks[0].Type != typ || len(body.Blocks[0].Labels) != labels {
		return nil
	}
	return body.Blocks[0]
}

// localSource returns the directory of a module call whose source is a local path. The
// source is a literal string in Terraform; it is read, not evaluated.
func localSource(dir string, b *hclsyntax.Block) string {
	attr, ok := b.Body.Attributes["source"]
	if !ok {
		return ""
	}
	s, ok := constString(attr.Expr)
	if !ok {
		return ""
	}
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
// resource at address, or, where the path cannot be followed (computed expressions, an
// attribute or block not written), of the deepest block on the way, down to the resource
// block itself. It is LocateWith without the plan's lengths.
func (idx *Index) Locate(address, tfPath string) (Location, bool) {
	return idx.LocateWith(address, tfPath, nil)
}

// LocateWith is Locate knowing, through lengths, how many elements the plan has in the
// resource's lists of nested blocks.
//
// An element generated by a dynamic block is located in that block's content block, and
// the path is followed on inside it (nested blocks, nested dynamic blocks, attributes).
// Which written block generates the plan's element i is decided by the written order
// (Terraform expands static and dynamic blocks in place): a static block takes one
// index, a dynamic block whose for_each is written literally (a tuple or object
// constructor, toset/keys/values of one, or a local whose value is one) takes as many as
// its collection has, and one dynamic block of unknown length takes what the plan's
// length of the list leaves over. An element that falls to a dynamic block of unknown
// length is located at that dynamic block's own line (where its for_each is) when it may
// belong to a later block, or when it may not exist at all (the last candidate, without
// lengths: a finding may name where a setting would go in a block the collection did
// not generate) — never in a content block that may be the wrong one. An index past
// what is written, or past the plan's length, locates the enclosing block. A path that
// names a whole list of blocks (no index) locates its first block when that one is
// static, else the enclosing block.
//
// Indexes are matched in written order, which is the plan's order for lists of blocks
// (every pod-spec block of the kubernetes provider). A set of blocks is ordered by value
// in the plan: an index into a set written more than once names no particular block.
func (idx *Index) LocateWith(address, tfPath string, lengths Lengths) (Location, bool) {
	b, m, _ := idx.resourceBlock(address)
	if b == nil {
		return Location{}, false
	}
	toks, _ := tokens(tfPath)
	w := &walker{idx: idx, m: m, lengths: lengths}
	rng, _ := w.walk(b.Body, toks, "", b.DefRange())
	return Location{File: rng.Filename, Line: rng.Start.Line}, true
}

// WrittenKeys returns the keys of the map attribute at tfPath (a path in Terraform
// terms, as Locate takes: "spec[0].template[0].metadata[0].annotations"; nested blocks
// are lists, and an object expression is entered by key: "manifest.metadata.annotations")
// of the resource at address (module path and count/for_each keys as in Locate), as the
// configuration writes them. It is what a plan cannot say when a map is unknown because
// one of its values is: the typed kubernetes provider plans such a map as wholly
// unknown, and the plan's configuration section keeps the expression's references, not
// its keys. It is WrittenKeysWith without the plan's lengths.
//
// ok is true only when every key is certain from the source alone: the attribute is
// written as an object constructor whose keys are all literal (naked identifiers, quoted
// strings or heredocs without interpolation, number or bool literals), or as tomap(...)
// of one such constructor, or merge(...) of such constructors (and nulls), nested in any
// way. The keys are then sorted and distinct (nil never: {} gives an empty slice). Every
// key the map can have at apply is among them; a key whose value turns out null may still
// be dropped, so a caller must treat the values as unknown, not as present.
//
// ok is false when any key is computed (a reference, also in parentheses, a function
// call other than the above, merge of a computed map, a for expression, a key with
// interpolation or a template directive), when the attribute is not written at that
// path (or the path names a block, or cannot be read), when the path goes through a
// dynamic block whose element cannot be attributed to it (several dynamic blocks of
// unknown length, or static blocks after one: see LocateWith), when the resource is also
// written in an override file, and when the source does not have the resource (a module
// from a registry, a data source, a file changed since Load).
//
// WrittenKeys assumes that the elements the path names exist in the plan (the caller
// found the unknown map there), so the last dynamic block of a type takes every index
// after the blocks before it.
func (idx *Index) WrittenKeys(address, tfPath string) (keys []string, ok bool) {
	return idx.WrittenKeysWith(address, tfPath, nil)
}

// WrittenKeysWith is WrittenKeys knowing the plan's lengths of the resource's lists of
// nested blocks (see LocateWith), which can attribute an element to a dynamic block of
// unknown length that has static blocks after it.
func (idx *Index) WrittenKeysWith(address, tfPath string, lengths Lengths) (keys []string, ok bool) {
	b, m, overridden := idx.resourceBlock(address)
	if b == nil || overridden {
		return nil, false
	}
	toks, ok := tokens(tfPath)
	if !ok || len(toks) == 0 {
		return nil, false
	}
	w := &walker{idx: idx, m: m, lengths: lengths, exists: true}
	_, e := w.walk(b.Body, toks, "", b.DefRange())
	if e == nil {
		return nil, false
	}
	return literalKeys(e)
}

// resourceBlock parses the block of the resource at address and returns it with its
// module; nil when the source does not have it. overridden says an override file (or a
// JSON override file in its module) may change what the block writes.
func (idx *Index) resourceBlock(address string) (block *hclsyntax.Block, m *module, overridden bool) {
	if idx == nil {
		return nil, nil, false
	}
	modules, resource, ok := splitAddress(address)
	if !ok {
		return nil, nil, false
	}
	m = idx.modules[idx.root]
	for _, name := range modules {
		dir := m.calls[name]
		if dir == "" {
			return nil, nil, false
		}
		m = idx.modules[dir]
	}
	ref, ok := m.resources[resource]
	if !ok {
		return nil, nil, false
	}
	b := idx.parseBlock(ref)
	if b == nil {
		return nil, nil, false
	}
	return b, m, m.overridden[resource] || m.jsonOverride
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
			rest = rest[fieldpath.BracketEnd(rest, 0):]
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
