package source

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// walk follows path tokens through nested blocks (static and dynamic), attributes and
// object expressions, from body. It returns the range to report (that of the deepest
// element reached, best when none is) and, only when every token was followed exactly,
// the expression the path names (nil otherwise: a block, a path that stops early, an
// element that cannot be attributed to one written block).
func walk(body *hclsyntax.Body, toks []token, best hcl.Range) (hcl.Range, hclsyntax.Expression) {
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
	rest := toks[1:]
	if len(rest) == 0 || !rest[0].isIndex {
		// The whole list of blocks (or, inside a path, an element without an index):
		// the first block when it is written before any dynamic block of its type.
		cands := candidates(body, t.name)
		if len(cands) == 0 || cands[0].Type == "dynamic" {
			return best, nil
		}
		return walk(cands[0].Body, rest, cands[0].DefRange())
	}
	next, rng, found := pickBlock(body, t.name, rest[0].index)
	switch {
	case !found:
		return best, nil
	case next == nil:
		return rng, nil // cannot be attributed: the first candidate's dynamic block
	}
	return walk(next, rest[1:], rng)
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

// pickBlock finds the written block that produces element i of the blocks of type typ in
// body. Terraform expands static and dynamic blocks in the order they are written, so
// the static blocks before the first dynamic block keep their index, and a dynamic block
// whose for_each is a literal collection (its length known from the source) takes that
// many places. A dynamic block whose length is not known takes every later index when
// it is the last candidate; otherwise the element cannot be attributed.
//
// It returns found=false when no written block produces element i (an index past what is
// written: the caller keeps the enclosing block), next=nil with the range of the first
// candidate dynamic block when the element is among that block's or a later one's, and
// otherwise the body to follow (the static block's, or the content block's) and its
// range.
func pickBlock(body *hclsyntax.Body, typ string, i int) (next *hclsyntax.Body, rng hcl.Range, found bool) {
	if i < 0 {
		return nil, hcl.Range{}, false
	}
	cands := candidates(body, typ)
	offset := 0
	for k, b := range cands {
		if b.Type != "dynamic" {
			if i == offset {
				return b.Body, b.DefRange(), true
			}
			offset++
			continue
		}
		n, known := dynamicLen(b)
		switch {
		case known && i >= offset+n:
			offset += n
			continue
		case !known && k < len(cands)-1:
			return nil, b.DefRange(), true
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

// dynamicLen is the number of blocks a dynamic block generates, when its for_each is a
// literal collection: a tuple constructor (whatever its elements), or an object
// constructor whose keys are all literal.
func dynamicLen(dyn *hclsyntax.Block) (int, bool) {
	attr, ok := dyn.Body.Attributes["for_each"]
	if !ok {
		return 0, false
	}
	return literalLen(attr.Expr)
}

func literalLen(e hclsyntax.Expression) (int, bool) {
	switch x := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return literalLen(x.Expression)
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
	}
	return 0, false
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
