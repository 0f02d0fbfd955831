package plancheck

import (
	"fmt"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// TestFindingChunks: the chunks give back every finding, in order, however many each
// object adds (none, a few, more than a chunk holds).
func TestFindingChunks(t *testing.T) {
	for _, per := range []int{0, 1, 3, 17, 1500} {
		var c findingChunks
		want := 0
		for obj := range 400 {
			fs := c.tail()
			for range per * (obj % 3) {
				fs = append(fs, finding.Finding{Message: fmt.Sprint(want)})
				want++
			}
			c.keep(fs)
		}
		all := c.all()
		if len(all) != want {
			t.Fatalf("%d per object: %d findings, want %d", per, len(all), want)
		}
		for i, f := range all {
			if f.Message != fmt.Sprint(i) {
				t.Fatalf("%d per object: finding %d is %s", per, i, f.Message)
			}
		}
	}
}
