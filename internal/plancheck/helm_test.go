package plancheck

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

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
				if why, known := helmtest.CatalogueConflicts()[name+"|"+m]; known {
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
	if conflicts != len(helmtest.CatalogueConflicts()) {
		t.Errorf("%d of the %d known catalogue conflicts seen: update helmtest.CatalogueConflicts()", conflicts, len(helmtest.CatalogueConflicts()))
	}
	t.Logf("%d of %d helm expectations met; %d decided otherwise by the catalogue", passed, total, conflicts)
}

// TestHelmReports: the SARIF of every helm fixture plan validates against the SARIF 2.1.0
// schema, names the chart and template of each result (message and properties), and its
// fingerprints tell a release's objects apart; the text report puts each object of a
// release on a line of its own with its template.
func TestHelmReports(t *testing.T) {
	fx := helmtest.ServeFixtures(t, helmDir)
	exp, err := helmtest.LoadExpectations(filepath.Join(helmDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	schema := sarifSchema(t)
	for _, name := range helmtest.Names(exp) {
		rep := checkHelmPlan(t, fx, name, exp[name].Source, nil)
		var b bytes.Buffer
		if err := report.WriteSARIF(&b, rep); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", name, err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					Message      struct{ Text string }
					Properties   map[string]string `json:"properties"`
					Fingerprints map[string]string `json:"partialFingerprints"`
				}
			}
		}
		if err := json.Unmarshal(b.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for i, res := range log.Runs[0].Results {
			f := rep.Findings[i]
			if f.Template != "" && (res.Properties["template"] != f.Template || res.Properties["chart"] != f.Chart ||
				!strings.Contains(res.Message.Text, f.Template) || !strings.Contains(res.Message.Text, "of chart "+f.Chart)) {
				t.Errorf("%s: result %d: %q %v", name, i, res.Message.Text, res.Properties)
			}
			fp := res.Fingerprints["ekspodsecFinding/v1"]
			if seen[fp] {
				t.Errorf("%s: two results share the fingerprint of %s %s %s", name, f.Address, f.RuleID, f.Kind)
			}
			seen[fp] = true
		}
	}
	rep := checkHelmPlan(t, fx, "helm_oci.json", "cases/helm_oci", nil)
	var b bytes.Buffer
	if err := report.WriteText(&b, rep, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"helm_release.web  (chart web 0.1.0)\n  Job shop/shop-web-migrate  (templates/migrate-job.yaml, hook pre-install,pre-upgrade, PSS baseline)\n    HIGH ",
		"helm_release.agent  (chart node-agent 0.1.0)\n  DaemonSet kube-system/node-agent  (templates/daemonset.yaml, PSS privileged)\n",
		"        at testdata/helm/cases/helm_oci/main.tf:25 set[1].value\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, b.String())
		}
	}
}
