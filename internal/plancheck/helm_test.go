package plancheck

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/source"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/helmtest"
)

// helmDir is the copy of the shared helm fixtures: plans made by real Terraform with the
// real hashicorp/helm provider, their cases, our charts, the packaged repository.
var helmDir = filepath.Join("testdata", "helm")

// checkHelmPlan runs plan-check on a fixture plan against the served repository and
// registry, with --source set to its case directory and local charts found from there or
// from the plan's directory, as the CLI does.
func checkHelmPlan(t *testing.T, fx *helmtest.Fixtures, name, sourceDir string, mod func(*Options)) *report.Report {
	t.Helper()
	opts := Options{PlanName: name, Gate: report.Gate{FailOn: finding.High}, ToolVersion: "test"}
	dirs := []string{filepath.Join(fx.Dir, "plans")}
	if sourceDir != "" {
		idx, err := source.Load(filepath.Join(fx.Dir, sourceDir))
		if err != nil {
			t.Fatal(err)
		}
		opts.Source = idx
		dirs = append([]string{filepath.Join(fx.Dir, sourceDir)}, dirs...)
	}
	opts.Helm = HelmOptions{SearchDirs: dirs, CacheDir: t.TempDir()}
	if mod != nil {
		mod(&opts)
	}
	rep, err := Check(fx.Plan(t, name), opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rep
}

// printAll is every byte the report formats print.
func printAll(t *testing.T, rep *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	for _, name := range []string{"json", "sarif", "junit", "gh", "txt"} {
		if err := writers[name](&b, rep); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range rep.Notes {
		b.WriteString(n + "\n")
	}
	return b.String()
}

// TestHelmFixtureExpectations asserts every expectation of the shared helm fixtures'
// expected.json (must, must_unknown, must_not, must_not_unknown, clean, never_print) with
// the charts served over HTTP and OCI on 127.0.0.1.
func TestHelmFixtureExpectations(t *testing.T) {
	fx := helmtest.ServeFixtures(t, helmDir)
	exp, err := helmtest.LoadExpectations(filepath.Join(helmDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	total, passed := 0, 0
	conflicts := 0
	for _, name := range helmtest.Names(exp) {
		e := exp[name]
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			rep := checkHelmPlan(t, fx, name, e.Source, nil)
			ok, missed := e.Evaluate(rep.Findings, printAll(t, rep))
			passed += ok
			total += ok + len(missed)
			for _, m := range missed {
				if why, known := helmtest.CatalogueConflicts[name+"|"+m]; known {
					conflicts++
					t.Logf("catalogue decides otherwise (%s): %s", why, m)
					continue
				}
				t.Errorf("%s", m)
			}
		})
	}
	if total != 223 {
		t.Errorf("%d expectations evaluated, want the fixtures' 223", total)
	}
	if conflicts != len(helmtest.CatalogueConflicts) {
		t.Errorf("%d of the %d known catalogue conflicts seen: update helmtest.CatalogueConflicts", conflicts, len(helmtest.CatalogueConflicts))
	}
	t.Logf("%d of %d helm expectations met; %d decided otherwise by the catalogue", passed, total, conflicts)
}
