package plan

// Defaulted implements object.Marks: for a value the user did not write that the provider
// sends anyway (the schema table's providerDefault attributes), who sends it and why; ""
// for values the configuration writes, or whose configuration cannot be matched (dynamic
// blocks), which count as written.
func (f *Fields) Defaulted(p string) string {
	if f == nil {
		return ""
	}
	return f.defaulted[p]
}

func (f *Fields) markDefaulted(p, why string) {
	if f.defaulted == nil {
		f.defaulted = map[string]string{}
	}
	f.defaulted[p] = why
}
