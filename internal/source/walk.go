package source

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Lengths tells how many elements the plan has in a list of nested blocks of the
// resource being located. listPath is the Terraform path of the list, in the plan's
// indexes ("spec[0].template[0].spec[0].container",
// "spec[0].template[0].spec[0].container[1].security_context"); known is false when the
// plan does not say (the list is unknown until apply, or the path is not in the plan).
// A nil Lengths knows nothing.
type Lengths func(listPath string) (n int, known bool)

// walker follows a Terraform path through a resource block of module m.
type walker struct {
	idx     *Index
	m       *module
	lengths Lengths
	// exists: the caller knows that every element the path names exists in the plan
	// (WrittenKeys asks about a value the plan has); otherwise an index may name an
	// element that does not exist (a finding naming where a setting would go).
	exists bool
}

// walk follows path tokens through nested blocks (static and dynamic), attributes and
// object expressions, from body; prefix is the Terraform path of body. It returns the
// range to report (that of the deepest element reached, best when none is) and, only
// when every token was followed exactly, the expression the path names (nil otherwise:
// a block, a path that stops early, an element that cannot be attributed to one written
// block).
func (w *walker) walk(body *hclsyntax.Body, toks []token, prefix string, best hcl.Range) (hcl.Range, hclsyntax.Expression) {
	if len(toks) == 0 {
		return best, nil
	}
	t := toks[0]
	if t.isIndex {
		return best, nil
	}
	if attr, ok := body.Attributes[t.name]; ok {
		return walkExpr(attr.Expr, toks[1:], attr.SrcRange)
	}
	listPath := t.name
	if prefix != "" {
		listPath = prefix + "." + t.name
	}
	rest := toks[1:]
	if len(rest) == 0 || !rest[0].isIndex {
		// The whole list of blocks (or, inside a path, an element without an index):
		// the first block when it is written before any dynamic block of its type, and
		// an expression inside it only when it is the one block of its type.
		cands := candidates(body, t.name)
		if len(cands) == 0 || cands[0].Type == "dynamic" {
			return best, nil
		}
		rng, e := w.walk(cands[0].Body, rest, listPath+"[0]", cands[0].DefRange())
		if len(cands) > 1 {
			e = nil
		}
		return rng, e
	}
	i := rest[0].index
	next, rng, found := w.pick(body, t.name, i, listPath)
	switch {
	case !found:
		return best, nil
	case next == nil:
		return rng, nil // not attributed: the dynamic block that may generate it
	}
	return w.walk(next, rest[1:], listPath+"["+strconv.Itoa(i)+"]", rng)
}

// candidates are the blocks of body that can produce elements of the block type typ:
// the static blocks of that type and the dynamic blocks labelled with it, in the order
// they are written (the order in which Terraform expands them).
func candidates(body *hclsyntax.Body, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, b := range body.Blocks {
		switch {
		case b.Type == "dynamic":
			if len(b.Labels) == 1 && b.Labels[0] == typ {
				out = append(out, b)
			}
		case b.Type == typ:
			out = append(out, b)
		}
	}
	return out
}

// pick finds the written block that produces element i of the list of blocks of type typ
// in body (listPath in the plan). Terraform expands static and dynamic blocks in the
// order they are written, so a static block takes one place and a dynamic block as many
// as its for_each collection has elements. That number is known when the collection is
// written literally (literalLen), and for one dynamic block whose collection is not
// literal it is what the plan's length of the list (Lengths) leaves over.
//
// It returns found=false when no written block produces element i (past what is written,
// or past the plan's length: the caller keeps the enclosing block). It returns next=nil
// and the range of the first dynamic block that may produce the element when the element
// is among the places of a dynamic block of unknown length that is not the last
// candidate (it may be a later block's), or that is the last but the element may not
// exist (the collection may be empty). Otherwise it returns the body to follow (the
// static block's, or the dynamic block's content) and its range.
func (w *walker) pick(body *hclsyntax.Body, typ string, i int, listPath string) (next *hclsyntax.Body, rng hcl.Range, found bool) {
	if i < 0 {
		return nil, hcl.Range{}, false
	}
	cands := candidates(body, typ)
	lens := make([]int, len(cands)) // -1: not known
	sum, unknown, last := 0, 0, -1
	for k, b := range cands {
		n, ok := 1, true
		if b.Type == "dynamic" {
			n, ok = w.dynamicLen(b)
		}
		if !ok {
			lens[k], unknown, last = -1, unknown+1, k
			continue
		}
		lens[k] = n
		sum += n
	}
	exists := w.exists
	if w.lengths != nil {
		if n, ok := w.lengths(listPath); ok {
			if i >= n {
				return nil, hcl.Range{}, false
			}
			exists = true
			if unknown == 1 && n >= sum {
				lens[last], unknown = n-sum, 0
			}
		}
	}
	offset := 0
	for k, b := range cands {
		n := lens[k]
		if n < 0 && (k < len(cands)-1 || !exists) {
			return nil, b.DefRange(), true
		}
		if n >= 0 && i >= offset+n {
			offset += n
			continue
		}
		if b.Type != "dynamic" {
			return b.Body, b.DefRange(), true
		}
		content := contentBlock(b)
		if content == nil {
			return nil, b.DefRange(), true
		}
		return content.Body, content.DefRange(), true
	}
	return nil, hcl.Range{}, false
}

// contentBlock is the content block of a dynamic block (nil when it has none or several:
// not valid Terraform).
func contentBlock(dyn *hclsyntax.Block) *hclsyntax.Block {
	var content *hclsyntax.Block
	for _, b := range dyn.Body.Blocks {
		if b.Type == "content" {
			if content != nil || len(b.Labels) != 0 {
				return nil
			}
			content = b
		}
	}
	return content
}

// dynamicLen is the number of blocks a dynamic block generates, when its for_each says it
// without evaluation (literalLen).
func (w *walker) dynamicLen(dyn *hclsyntax.Block) (int, bool) {
	attr, ok := dyn.Body.Attributes["for_each"]
	if !ok {
		return 0, false
	}
	return literalLen(attr.Expr, func(name string) (int, bool) { return w.idx.localLen(w.m, name) })
}

// literalLen is the number of elements of a collection written literally: a tuple
// constructor (whatever its elements), an object constructor whose keys are all literal
// (distinct keys), toset of a tuple of literal strings (distinct strings), keys or values
// of an object constructor, or a reference local.NAME to a local whose value is one of
// these (local looks it up; nil for none).
func literalLen(e hclsyntax.Expression, local func(name string) (int, bool)) (int, bool) {
	switch x := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return literalLen(x.Expression, local)
	case *hclsyntax.TupleConsExpr:
		return len(x.Exprs), true
	case *hclsyntax.ObjectConsExpr:
		keys := map[string]bool{}
		for _, item := range x.Items {
			k, ok := literalKey(item.KeyExpr)
			if !ok {
				return 0, false
			}
			keys[k] = true
		}
		return len(keys), true
	case *hclsyntax.FunctionCallExpr:
		if x.ExpandFinal || len(x.Args) != 1 {
			return 0, false
		}
		arg := x.Args[0]
		for {
			p, ok := arg.(*hclsyntax.ParenthesesExpr)
			if !ok {
				break
			}
			arg = p.Expression
		}
		switch strings.TrimPrefix(x.Name, "core::") {
		case "toset":
			tup, ok := arg.(*hclsyntax.TupleConsExpr)
			if !ok {
				return 0, false
			}
			distinct := map[string]bool{}
			for _, el := range tup.Exprs {
				s, ok := constString(el)
				if !ok {
					return 0, false
				}
				distinct[s] = true
			}
			return len(distinct), true
		case "keys", "values":
			if _, ok := arg.(*hclsyntax.ObjectConsExpr); ok {
				return literalLen(arg, nil)
			}
		}
	case *hclsyntax.ScopeTraversalExpr:
		if local == nil || len(x.Traversal) != 2 || x.Traversal.RootName() != "local" {
			return 0, false
		}
		if attr, ok := x.Traversal[1].(hcl.TraverseAttr); ok {
			return local(attr.Name)
		}
	}
	return 0, false
}

// maxLocalChain bounds how many locals a length follows (local.a = local.b = ...).
const maxLocalChain = 8

// localLen is the length of the collection local.name of module m when it is written
// literally (literalLen). The first call for a module parses its locals blocks once and
// keeps only these lengths.
func (idx *Index) localLen(m *module, name string) (int, bool) {
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if m.lengths == nil {
		m.lengths = localLengths(m.locals)
	}
	n, ok := m.lengths[name]
	return n, ok
}

// localLengths reads the locals blocks at refs and returns the lengths of the locals
// whose values are literal collections, following references to other locals
// maxLocalChain deep.
func localLengths(refs []blockRef) map[string]int {
	exprs := map[string]hclsyntax.Expression{}
	twice := map[string]bool{}
	for _, ref := range refs {
		b := readBlock(ref, "locals", 0)
		if b == nil {
			continue
		}
		for name, attr := range b.Body.Attributes {
			if _, ok := exprs[name]; ok {
				twice[name] = true // an error in Terraform
			}
			exprs[name] = attr.Expr
		}
	}
	out := map[string]int{}
	var lookup func(name string, depth int) (int, bool)
	lookup = func(name string, depth int) (int, bool) {
		e, ok := exprs[name]
		if !ok || twice[name] || depth > maxLocalChain {
			return 0, false
		}
		return literalLen(e, func(next string) (int, bool) { return lookup(next, depth+1) })
	}
	for name := range exprs {
		if n, ok := lookup(name, 0); ok {
			out[name] = n
		}
	}
	return out
}

// walkExpr follows tokens into object and tuple constructors (kubernetes_manifest). It
// returns the expression the path names when every token was followed.
func walkExpr(e hclsyntax.Expression, toks []token, best hcl.Range) (hcl.Range, hclsyntax.Expression) {
	if len(toks) == 0 {
		return best, e
	}
	t := toks[0]
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		if t.isIndex {
			return best, nil
		}
		// The last item with the key is the one Terraform keeps.
		for j := len(x.Items) - 1; j >= 0; j-- {
			item := x.Items[j]
			if k, ok := literalKey(item.KeyExpr); ok && k == t.name {
				return walkExpr(item.ValueExpr, toks[1:], hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range()))
			}
		}
	case *hclsyntax.TupleConsExpr:
		if t.isIndex && t.index >= 0 && t.index < len(x.Exprs) {
			return walkExpr(x.Exprs[t.index], toks[1:], x.Exprs[t.index].Range())
		}
	}
	return best, nil
}

// literalKey is the key an object constructor's key expression gives when it is written
// literally: a naked identifier (also true, false, null), a quoted string or heredoc
// without interpolation or directives, or a number or bool literal, possibly in
// parentheses. Nothing is evaluated, so a hostile template cannot cost time.
func literalKey(e hclsyntax.Expression) (string, bool) {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if !k.ForceNonLiteral {
			if tr, ok := k.Wrapped.(*hclsyntax.ScopeTraversalExpr); ok && len(tr.Traversal) > 1 {
				return "", false // a.b: an error in Terraform
			}
			if kw := hcl.ExprAsKeyword(k.Wrapped); kw != "" {
				return kw, true
			}
		}
		e = k.Wrapped
	}
	return constString(e)
}

// constString is the string value of a literal: a template of literal parts only, or a
// string, number or bool literal (converted as Terraform converts keys).
func constString(e hclsyntax.Expression) (string, bool) {
	switch x := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return constString(x.Expression)
	case *hclsyntax.TemplateExpr:
		var s strings.Builder
		for _, p := range x.Parts {
			lit, ok := p.(*hclsyntax.LiteralValueExpr)
			if !ok || !lit.Val.IsKnown() || lit.Val.IsNull() || lit.Val.Type().FriendlyName() != "string" {
				return "", false
			}
			s.WriteString(lit.Val.AsString())
		}
		return s.String(), true
	case *hclsyntax.LiteralValueExpr:
		v := x.Val
		if !v.IsKnown() || v.IsNull() {
			return "", false
		}
		// as cty converts a key to string (go-cty is not a direct dependency)
		switch v.Type().FriendlyName() {
		case "string":
			return v.AsString(), true
		case "number":
			return v.AsBigFloat().Text('f', -1), true
		case "bool":
			return strconv.FormatBool(v.True()), true
		}
	}
	return "", false
}

type token struct {
	name    string
	index   int
	isIndex bool
}

// tokens splits "a[0].b.c[\"k\"]" into names and indexes (quoted keys become names).
// ok is false when a part of the path could not be read (it is left out).
func tokens(p string) (out []token, ok bool) {
	ok = true
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			if i == 0 || i == len(p)-1 || p[i-1] == '.' {
				ok = false
			}
			i++
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return out, false
			}
			inner := p[i+1 : i+j]
			if n, err := strconv.Atoi(inner); err == nil {
				out = append(out, token{index: n, isIndex: true}) // negative: matches nothing
				ok = ok && n >= 0
			} else if s, err := strconv.Unquote(inner); err == nil {
				out = append(out, token{name: s})
			} else {
				ok = false
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
	return out, ok
}
