package plancheck

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/settings"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/source"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// TestCompactReports: a Compact run (findings in report.Table, as the CLI runs) writes
// every format byte for byte as a run with Findings does, on every plan of testdata (with
// its case as the source where there is one), with and without waivers (active, expired,
// several on one finding, one matching nothing), and on generated plans of every kind.
func TestCompactReports(t *testing.T) {
	st, err := settings.Parse([]byte(`
waiver {
  rule    = "EPS001"
  address = "kubernetes_*"
  reason  = "reviewed"
  expires = "2027-06-30"
}
waiver {
  rule    = "EPS020"
  address = "*"
  reason  = "old"
  expires = "2026-01-01"
}
waiver {
  rule    = "EPS020"
  address = "*"
  reason  = "second"
  expires = "2027-01-01"
}
waiver {
  rule    = "EPS009"
  address = "nothing.here"
  reason  = "matches nothing"
  expires = "2027-01-01"
}
`), ".ekspodsec.hcl")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "plans", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no plans: %v", err)
	}
	type run struct {
		name string
		data []byte
		dir  string
	}
	var runs []run
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		runs = append(runs, run{name, data, filepath.Join("testdata", "cases", name)})
	}
	runs = append(runs, run{"realistic-mix", plantest.Realistic(plantest.RealisticOptions{N: 60, Violating: 0.5, Modules: 0.2, ModuleSize: 3}), ""})
	compared := 0
	for _, r := range runs {
		for _, s := range []*settings.Settings{nil, st} {
			opts := Options{PlanName: r.name + ".json", Gate: report.Gate{FailOn: finding.High}, ToolVersion: "test",
				Settings: s, Now: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}
			if r.dir != "" && dirExists(r.dir) {
				idx, err := source.Load(r.dir)
				if err != nil {
					t.Fatal(err)
				}
				opts.Source = idx
			}
			slice, err := Check(r.data, opts)
			if err != nil {
				continue // a plan the tests keep for its error
			}
			opts.Compact = true
			compact, err := Check(r.data, opts)
			if err != nil {
				t.Fatalf("%s: compact: %v", r.name, err)
			}
			if compact.Table == nil || compact.Findings != nil {
				t.Fatalf("%s: the compact run has no table", r.name)
			}
			if slice.Failed() != compact.Failed() || slice.NumFindings() != compact.NumFindings() {
				t.Errorf("%s: failed %v/%v, %d/%d findings", r.name, slice.Failed(), compact.Failed(), slice.NumFindings(), compact.NumFindings())
			}
			for _, f := range report.Formats() {
				var a, b bytes.Buffer
				if err := f.Write(&a, slice, report.Options{}); err != nil {
					t.Fatal(err)
				}
				if err := f.Write(&b, compact, report.Options{}); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Errorf("%s (settings %v): the %s report of a compact run differs", r.name, s != nil, f.Name)
				}
				compared++
			}
		}
	}
	if compared < 200 {
		t.Errorf("only %d reports compared", compared)
	}
}
