package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/settings"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/helmtest"
)

// helmFixtures is the copy of the shared helm fixtures (plans made by real Terraform with
// the real hashicorp/helm provider, their cases, charts and packaged repository).
var helmFixtures = filepath.Join("..", "plancheck", "testdata", "helm")

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestHelmOptions: local charts are looked for in --source, the working directory and
// the plan's directory (each once); the cache, offline mode and timeout come from the
// flags, else from the settings' helm block.
func TestHelmOptions(t *testing.T) {
	src := t.TempDir()
	parse := func(args ...string) *planCheckFlags {
		t.Helper()
		fl, err := parsePlanCheckFlags(args)
		if err != nil {
			t.Fatal(err)
		}
		return fl
	}
	var h plancheck.HelmOptions
	if err := helmOptions(parse("--source", src, filepath.Join("plans", "p.json")), nil, &h); err != nil {
		t.Fatal(err)
	}
	if want := []string{src, abs(t, "."), abs(t, "plans")}; !reflect.DeepEqual(h.SearchDirs, want) {
		t.Errorf("search dirs %v, want %v", h.SearchDirs, want)
	}
	if h.CacheDir != "" || h.Offline || h.Timeout != 0 {
		t.Errorf("defaults: %+v", h)
	}
	h = plancheck.HelmOptions{}
	if err := helmOptions(parse("-"), nil, &h); err != nil || !reflect.DeepEqual(h.SearchDirs, []string{abs(t, ".")}) {
		t.Errorf("stdin, default --source: %v %v", h.SearchDirs, err)
	}

	cfgDir := t.TempDir()
	st, err := settings.Parse([]byte("helm {\n  cache   = \"charts-cache\"\n  offline = true\n  timeout = \"45s\"\n}\n"), filepath.Join(cfgDir, settings.FileName))
	if err != nil {
		t.Fatal(err)
	}
	h = plancheck.HelmOptions{}
	if err := helmOptions(parse("p.json"), st, &h); err != nil {
		t.Fatal(err)
	}
	if h.CacheDir != filepath.Join(cfgDir, "charts-cache") || !h.Offline || h.Timeout != 45*time.Second {
		t.Errorf("settings: %+v", h)
	}
	cache := t.TempDir()
	h = plancheck.HelmOptions{}
	if err := helmOptions(parse("--helm-cache", cache, "--helm-offline=false", "--helm-timeout", "3s", "p.json"), st, &h); err != nil {
		t.Fatal(err)
	}
	if h.CacheDir != cache || h.Offline || h.Timeout != 3*time.Second {
		t.Errorf("flags over settings: %+v", h)
	}
	file := writeFile(t, "not-a-dir", "x")
	err = helmOptions(parse("--helm-cache", file, "p.json"), nil, &h)
	var fe flagError
	if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("--helm-cache FILE: %v", err)
	}
	for _, args := range [][]string{{"--helm-timeout", "0s", "p.json"}, {"--helm-timeout", "soon", "p.json"}} {
		if code, _, errs := run(t, "", append([]string{"plan-check"}, args...)...); code != ExitUsage || !strings.Contains(errs, "helm-timeout") {
			t.Errorf("%v: exit %d %q", args, code, errs)
		}
	}
	for _, bad := range []string{"helm {\n  timeout = \"-1s\"\n}\n", "helm {\n  cache = \"\"\n}\n", "helm {}\nhelm {}\n", "helm {\n  nope = 1\n}\n"} {
		if _, err := settings.Parse([]byte(bad), settings.FileName); err == nil || !strings.Contains(err.Error(), settings.FileName) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestHelmOfflineExitCode: --helm-offline without the charts in the cache makes each
// remote release unknown with the reason, and the exit status is what it would be
// otherwise (unknowns fail the run only with --fail-on-unknown).
func TestHelmOfflineExitCode(t *testing.T) {
	plan := filepath.Join(helmFixtures, "plans", "helm_repository.json")
	args := []string{"plan-check", "--source", "", "--format", "json", "--helm-offline", "--helm-cache", t.TempDir(), plan}
	code, stdout, errs := run(t, "", args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Findings []finding.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	unknown := 0
	for _, f := range rep.Findings {
		if f.RuleID == "EPS021" && f.Status == finding.Unknown && strings.Contains(f.Message, "(offline)") && strings.Contains(f.Remediation, "--helm-cache") {
			unknown++
		}
	}
	if unknown != 3 {
		t.Errorf("%d releases unknown for being offline, want 3:\n%s", unknown, stdout)
	}
	if code, _, _ := run(t, "", append([]string{"plan-check", "--fail-on-unknown"}, args[1:]...)...); code != ExitFindings {
		t.Errorf("--fail-on-unknown: exit %d", code)
	}
}

// TestHelmFixturesBinary checks every expectation of the shared helm fixtures with the
// built binary (EKSPODSEC_BINARY, e.g. .ci/run's bin/terraform-provider-ekspodsec, else
// the one TestMain builds) run as a user runs it: --source the case directory, the plan
// file in a directory beside the charts, the repository and registry served on
// 127.0.0.1 in place of the addresses the plans name, every report format written and
// searched for the values never to print.
func TestHelmFixturesBinary(t *testing.T) {
	bin := binary
	if b := os.Getenv("EKSPODSEC_BINARY"); b != "" {
		bin = abs(t, filepath.Join("..", "..", b))
		if filepath.IsAbs(b) {
			bin = b
		}
	}
	fx := helmtest.ServeFixtures(t, helmFixtures)
	exp, err := helmtest.LoadExpectations(filepath.Join(helmFixtures, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.Symlink(abs(t, filepath.Join(helmFixtures, "charts")), filepath.Join(work, "charts")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(work, "plans"), 0o755); err != nil {
		t.Fatal(err)
	}
	total, passed, conflicts := 0, 0, 0
	for _, name := range helmtest.Names(exp) {
		e := exp[name]
		planPath := filepath.Join(work, "plans", name)
		if err := os.WriteFile(planPath, fx.Plan(t, name), 0o600); err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		cmd := []string{"plan-check", "--source", abs(t, filepath.Join(helmFixtures, e.Source)), "--helm-cache", t.TempDir(),
			"--format", "sarif", "--format", "junit", "--format", "github", "--format", "text", "--format", "json",
			"--output", filepath.Join(out, "r.sarif"), "--output", filepath.Join(out, "r.xml"),
			"--output", filepath.Join(out, "r.gh"), "--output", filepath.Join(out, "r.txt"), planPath}
		code, stdout, stderr := runWith(t, bin, cmd...)
		if code != ExitOK && code != ExitFindings {
			t.Errorf("%s: exit %d: %s", name, code, stderr)
			continue
		}
		var rep struct {
			Findings []finding.Finding `json:"findings"`
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		printed := stdout + stderr
		for _, f := range []string{"r.sarif", "r.xml", "r.gh", "r.txt"} {
			b, err := os.ReadFile(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			printed += string(b)
		}
		ok, missed := e.Evaluate(rep.Findings, printed)
		passed += ok
		total += ok + len(missed)
		for _, m := range missed {
			if _, known := helmtest.CatalogueConflicts()[name+"|"+m]; known {
				conflicts++
				continue
			}
			t.Errorf("%s: %s", name, m)
		}
	}
	if total != 223 || conflicts != len(helmtest.CatalogueConflicts()) {
		t.Errorf("%d expectations evaluated (want 223), %d known catalogue conflicts seen (want %d)", total, conflicts, len(helmtest.CatalogueConflicts()))
	}
	t.Logf("%s: %d of %d helm expectations met; %d decided otherwise by the catalogue", bin, passed, total, conflicts)
}

// runWith runs a binary to its end.
func runWith(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	saved := binary
	binary = bin
	defer func() { binary = saved }()
	return runBinary(t, nil, "", args...)
}
