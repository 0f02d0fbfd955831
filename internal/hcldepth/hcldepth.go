// Package hcldepth refuses HCL that nests too deeply before hcl/v2 parses it.
//
// hcl/v2's parser is recursive descent: every bracket, brace, parenthesis, template
// interpolation, template directive, unary operator and conditional it meets costs
// stack frames, and the expressions it builds are evaluated recursively. A file nested
// some tens of thousands of levels (a few hundred kilobytes) exhausts the Go stack, a
// fatal error no recover can catch. Check counts that nesting on hcl/v2's own token
// stream (its scanner is a state machine, not recursive, so it is safe on any input, and
// it sees strings, heredocs, comments and interpolations exactly as the parser will),
// and stops at a limit far beyond any real configuration.
package hcldepth

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// MaxNesting is the deepest nesting Check accepts. Real Terraform nests well under 50
// (a kubernetes_manifest mirrors its Kubernetes object: about 15).
const MaxNesting = 256

// Error is the refusal of a file that nests too deeply.
type Error struct {
	Filename string
	Line     int
	Max      int
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d: nested more than %d levels deep (brackets, braces, parentheses, interpolations, operators): refused before parsing", e.Filename, e.Line, e.Max)
}

type level struct {
	open hclsyntax.TokenType
	// ops counts what makes the parser (or the evaluation of what it builds) recurse
	// without a bracket of its own: operators, conditionals, index brackets, template
	// directives. Separators that end an expression (a comma; a newline where newlines
	// separate items) reset it.
	ops int
	// directive is set on a %{ control sequence that opens an if or for directive.
	directive int
}

// Check returns an *Error when src, an HCL configuration file, nests more than max levels
// deep (max <= 0 means MaxNesting). The measure is, at each token, the number of open
// brackets, braces, parentheses, quotes, heredocs and template sequences plus the
// operators, conditionals, index brackets and template directives pending in each of
// them: an upper bound of the parser's recursion depth. Lexical errors are left to the
// parser.
func Check(src []byte, filename string, max int) error {
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	return CheckTokens(toks, filename, max)
}

// CheckTokens is Check on tokens already produced by hclsyntax.LexConfig.
func CheckTokens(toks hclsyntax.Tokens, filename string, max int) error {
	if max <= 0 {
		max = MaxNesting
	}
	stack := []level{{open: hclsyntax.TokenNil}} // the file's top level
	total := 0                                   // open levels (bar the top) plus every pending op
	top := func() *level { return &stack[len(stack)-1] }
	refuse := func(t hclsyntax.Token) error {
		return &Error{Filename: filename, Line: t.Range.Start.Line, Max: max}
	}
	bump := func(l *level, n int) {
		l.ops += n
		total += n
	}
	reset := func(l *level) {
		total -= l.ops
		l.ops = 0
	}
	for i, t := range toks {
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			if t.Type == hclsyntax.TokenOBrack {
				// An index (a[x][x]...) builds a nested expression per bracket
				// even though each closes: count it in the enclosing level.
				bump(top(), 1)
			}
			l := level{open: t.Type}
			if t.Type == hclsyntax.TokenTemplateControl {
				switch keyword(toks, i+1) {
				case "if", "for":
					l.directive = 1
				case "endif", "endfor":
					l.directive = -1
				}
			}
			stack = append(stack, l)
			total++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			l := top()
			if len(stack) == 1 || !closes(t.Type, l.open) {
				// A stray closer: the parser reports it and recovers without
				// returning from a level, so neither does the count.
				continue
			}
			total -= 1 + l.ops
			d := l.directive
			stack = stack[:len(stack)-1]
			// A directive nests what follows it, until its end keyword, in the
			// template that holds it.
			switch p := top(); {
			case d > 0:
				bump(p, 1)
			case d < 0 && p.ops > 0:
				bump(p, -1)
			}
		case hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar, hclsyntax.TokenSlash,
			hclsyntax.TokenPercent, hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenBang,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan,
			hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq,
			hclsyntax.TokenQuestion:
			bump(top(), 1)
		case hclsyntax.TokenComma:
			reset(top())
		case hclsyntax.TokenNewline:
			// Newlines end an item in a body or an object; inside parentheses,
			// brackets and interpolations the parser skips them.
			if l := top(); l.open == hclsyntax.TokenNil || l.open == hclsyntax.TokenOBrace {
				reset(l)
			}
		default:
			continue
		}
		if total > max {
			return refuse(t)
		}
	}
	return nil
}

// keyword returns the identifier that follows a template control opener (if, for,
// endif, ...), skipping comments.
func keyword(toks hclsyntax.Tokens, i int) string {
	for ; i < len(toks); i++ {
		switch toks[i].Type {
		case hclsyntax.TokenComment:
			continue
		case hclsyntax.TokenIdent:
			return string(toks[i].Bytes)
		}
		return ""
	}
	return ""
}

func closes(c, o hclsyntax.TokenType) bool {
	switch c {
	case hclsyntax.TokenCBrace:
		return o == hclsyntax.TokenOBrace
	case hclsyntax.TokenCBrack:
		return o == hclsyntax.TokenOBrack
	case hclsyntax.TokenCParen:
		return o == hclsyntax.TokenOParen
	case hclsyntax.TokenCQuote:
		return o == hclsyntax.TokenOQuote
	case hclsyntax.TokenCHeredoc:
		return o == hclsyntax.TokenOHeredoc
	case hclsyntax.TokenTemplateSeqEnd:
		return o == hclsyntax.TokenTemplateInterp || o == hclsyntax.TokenTemplateControl
	}
	return false
}

// ParseConfig checks src's nesting, then parses it with hclsyntax.ParseConfig. A panic
// inside hcl/v2 (a parser bug on hostile input) is returned as an error naming the file.
func ParseConfig(src []byte, filename string, start hcl.Pos) (file *hcl.File, diags hcl.Diagnostics, err error) {
	toks, _ := hclsyntax.LexConfig(src, filename, start)
	if err := CheckTokens(toks, filename, MaxNesting); err != nil {
		return nil, nil, err
	}
	toks = nil
	defer func() {
		if recover() != nil {
			file, diags, err = nil, nil, fmt.Errorf("%s: hcl/v2 failed on this file (a parser bug): please report it", filename)
		}
	}()
	file, diags = hclsyntax.ParseConfig(src, filename, start)
	return file, diags, nil
}
