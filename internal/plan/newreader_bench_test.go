package plan

import "testing"

// BenchmarkNewReader is the fixed cost of one plan-check run's reader: the schema table
// and, per resource type, the computed set (computed_gen.go).
func BenchmarkNewReader(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if NewReader() == nil {
			b.Fatal("nil")
		}
	}
}
