package plan

// Defaulted implements object.Marks: who sets the value at p when the user did not write
// it. The reader does not record provider defaults yet, so every value counts as written.
func (f *Fields) Defaulted(p string) string { return "" }
