package source

// ValueLengths is the Lengths of a resource's planned value as encoding/json decodes it
// (change.after of a resource_changes entry: map[string]any and []any): the length of
// the list at a path. Where after has no list (an unknown value is absent from after,
// and after_unknown says so), the length is not known.
func ValueLengths(after any) Lengths {
	return func(listPath string) (int, bool) {
		toks, ok := tokens(listPath)
		if !ok {
			return 0, false
		}
		v := after
		for _, t := range toks {
			switch x := v.(type) {
			case map[string]any:
				if t.isIndex {
					return 0, false
				}
				v = x[t.name]
			case []any:
				if !t.isIndex || t.index < 0 || t.index >= len(x) {
					return 0, false
				}
				v = x[t.index]
			default:
				return 0, false
			}
		}
		list, ok := v.([]any)
		return len(list), ok
	}
}
