package source

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// literalKeys returns the sorted, distinct keys of a map expression whose keys are all
// written literally (see WrittenKeys); ok is false when any key is not.
func literalKeys(e hclsyntax.Expression) ([]string, bool) {
	set := map[string]bool{}
	if !collectKeys(e, set) {
		return nil, false
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, true
}

// collectKeys adds the keys of e to set: e is an object constructor with literal keys,
// tomap of one such expression, or merge of such expressions and null literals (merge
// skips null arguments). Anything else (a reference, another function, a for
// expression, a conditional, an argument expanded with ...) is not known from the source.
func collectKeys(e hclsyntax.Expression, set map[string]bool) bool {
	switch x := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return collectKeys(x.Expression, set)
	case *hclsyntax.ObjectConsExpr:
		for _, item := range x.Items {
			k, ok := literalKey(item.KeyExpr)
			if !ok {
				return false
			}
			set[k] = true
		}
		return true
	case *hclsyntax.FunctionCallExpr:
		if x.ExpandFinal {
			return false
		}
		switch strings.TrimPrefix(x.Name, "core::") {
		case "tomap":
			return len(x.Args) == 1 && collectKeys(x.Args[0], set)
		case "merge":
			for _, a := range x.Args {
				if isNullLiteral(a) {
					continue
				}
				if !collectKeys(a, set) {
					return false
				}
			}
			return true
		}
	}
	return false
}

func isNullLiteral(e hclsyntax.Expression) bool {
	for {
		p, ok := e.(*hclsyntax.ParenthesesExpr)
		if !ok {
			break
		}
		e = p.Expression
	}
	lit, ok := e.(*hclsyntax.LiteralValueExpr)
	return ok && lit.Val.IsNull()
}
