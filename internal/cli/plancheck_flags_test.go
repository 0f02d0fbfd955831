package cli

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/settings"
)

// reportsOf is "format>path" for each output ("" path: stdout).
func reportsOf(outs []output) []string {
	var s []string
	for _, o := range outs {
		s = append(s, o.format.Name+">"+o.path)
	}
	return s
}

func TestParsePlanCheckFlags(t *testing.T) {
	fl, err := parsePlanCheckFlags([]string{"plan.json"})
	if err != nil {
		t.Fatal(err)
	}
	if fl.plan != "plan.json" || fl.failOn != finding.High || fl.failOnSet || fl.sourceSet || fl.source != "." ||
		fl.maxSize() != inputfile.DefaultMaxSize || fl.noColor || fl.failOnUnknown {
		t.Errorf("defaults: %+v", fl)
	}
	if got := reportsOf(fl.reports); !reflect.DeepEqual(got, []string{"text>"}) {
		t.Errorf("default reports %v", got)
	}

	// flags after the plan, each --format paired with the --output at its position
	fl, err = parsePlanCheckFlags([]string{"--format", "sarif", "--output", "a.sarif", "-", "--format", "json",
		"--fail-on", "low", "--source", "", "--max-input-size", "1MiB", "--allow-host-path", "/var/log", "--allow-host-path", "/opt"})
	if err != nil {
		t.Fatal(err)
	}
	if got := reportsOf(fl.reports); !reflect.DeepEqual(got, []string{"sarif>a.sarif", "json>"}) {
		t.Errorf("reports %v", got)
	}
	if fl.plan != "-" || fl.failOn != finding.Low || !fl.failOnSet || !fl.sourceSet || fl.source != "" || fl.maxSize() != 1<<20 ||
		!reflect.DeepEqual([]string(fl.hostPaths), []string{"/var/log", "/opt"}) {
		t.Errorf("parsed: %+v", fl)
	}
	// --fail-on given with its default value still overrides the settings
	if fl, err := parsePlanCheckFlags([]string{"--fail-on", "high", "p"}); err != nil || !fl.failOnSet {
		t.Errorf("--fail-on high: %v, set %v", err, fl != nil && fl.failOnSet)
	}

	if _, err := parsePlanCheckFlags([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "want exactly one plan file (or - for stdin); run 'plan-check -h' for help"},
		{[]string{"a", "b"}, "want exactly one plan file"},
		{[]string{"--format", "xml", "p"}, `--format "xml": want one of text, json, sarif, junit, github`},
		{[]string{"--output", "a", "--output", "b", "--format", "json", "p"}, "2 --output for 1 --format: give a --format for each --output"},
		{[]string{"--format", "json", "--format", "text", "p"}, "2 reports would go to stdout: give each --format but one an --output"},
		{[]string{"--fail-on", "severe", "p"}, `--fail-on: unknown severity "severe": want one of info, low, medium, high, critical`},
		{[]string{"--max-input-size", "lots", "p"}, `invalid value "lots" for flag -max-input-size`},
		{[]string{"--no-such-flag", "p"}, "flag provided but not defined: -no-such-flag"},
	} {
		if _, err := parsePlanCheckFlags(tc.args); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestPlanCheckOptions: flags override the settings file where both speak (--fail-on
// over fail_on), and add to it where both list (hostPath prefixes, capabilities).
func TestPlanCheckOptions(t *testing.T) {
	st, err := settings.Parse([]byte(`
fail_on              = "medium"
allowed_host_paths   = ["/var/log"]
allowed_capabilities = ["SYS_TIME"]
rule "EPS020" {
  severity = "info"
}
`), settings.FileName)
	if err != nil {
		t.Fatal(err)
	}
	parse := func(args ...string) *planCheckFlags {
		t.Helper()
		fl, err := parsePlanCheckFlags(append(args, "plan.json"))
		if err != nil {
			t.Fatal(err)
		}
		return fl
	}

	opts, err := planCheckOptions(parse("--fail-on-unknown"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if opts.PlanName != "plan.json" || opts.Gate != (report.Gate{FailOn: finding.High, FailOnUnknown: true}) || opts.Settings != nil ||
		len(opts.Rules.AllowedHostPaths) != 0 || len(opts.Rules.AllowedCapabilities) != 0 {
		t.Errorf("without settings: %+v", opts)
	}

	opts, err = planCheckOptions(parse(), st)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Gate.FailOn != finding.Medium || opts.Settings != st || !reflect.DeepEqual(opts.Rules.Overrides, st.Overrides) || len(st.Overrides) != 1 {
		t.Errorf("the settings' fail_on and rules: %+v", opts)
	}

	opts, err = planCheckOptions(parse("--fail-on", "critical", "--allow-host-path", "/opt/data/", "--allow-capability", "cap_net_admin"), st)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Gate.FailOn != finding.Critical {
		t.Errorf("--fail-on does not override fail_on: %v", opts.Gate.FailOn)
	}
	wantPaths := append(append([]profile.HostPath(nil), st.AllowedHostPaths...), profile.HostPath{PathPrefix: "/opt/data", ReadOnly: true})
	if !reflect.DeepEqual(opts.Rules.AllowedHostPaths, wantPaths) {
		t.Errorf("host paths %+v, want %+v", opts.Rules.AllowedHostPaths, wantPaths)
	}
	if !reflect.DeepEqual(opts.Rules.AllowedCapabilities, []string{"SYS_TIME", "NET_ADMIN"}) {
		t.Errorf("capabilities %v", opts.Rules.AllowedCapabilities)
	}
	if len(st.AllowedHostPaths) != 1 || len(st.AllowedCapabilities) != 1 {
		t.Error("the flags changed the settings")
	}

	for args, want := range map[string]string{
		"--allow-host-path=var/log":       "--allow-host-path: host path \"var/log\" is not absolute",
		"--allow-capability=NOT_A_CAP":    "--allow-capability: unknown capability \"NOT_A_CAP\"",
		"--allow-host-path=/var/../etc/x": "--allow-host-path: host path \"/var/../etc/x\" contains \"..\"",
	} {
		_, err := planCheckOptions(parse(args), st)
		var fe flagError
		if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.As(err, &fe) {
			t.Errorf("%s: %v, want a flag error %q", args, err, want)
		}
	}
}

func TestConfigPath(t *testing.T) {
	dir := t.TempDir()
	empty := t.TempDir()
	cfg := filepath.Join(dir, settings.FileName)
	if err := os.WriteFile(cfg, []byte(`fail_on = "low"`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		config, source, want string
	}{
		{"", dir, cfg},
		{"", empty, ""},
		{"", "", ""},
		{"other.hcl", dir, "other.hcl"},
		{"other.hcl", "", "other.hcl"},
	} {
		fl := &planCheckFlags{config: tc.config, source: tc.source}
		if got := fl.configPath(); got != tc.want {
			t.Errorf("--config %q --source %q: %q, want %q", tc.config, tc.source, got, tc.want)
		}
	}
}

// TestLoadSource: no --source is no index; a --source that is not a directory or whose
// .tf files cannot be read is a flag error; the default directory that cannot be read
// is a note; an interrupted load is the interruption.
func TestLoadSource(t *testing.T) {
	ctx := context.Background()
	good := t.TempDir()
	if err := os.WriteFile(filepath.Join(good, "main.tf"), []byte("resource \"kubernetes_pod_v1\" \"a\" {\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "main.tf"), []byte("resource \"x\" {"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(good, "main.tf")

	if idx, note, err := loadSource(ctx, &planCheckFlags{source: ""}); idx != nil || note != "" || err != nil {
		t.Errorf("no source: %v %q %v", idx, note, err)
	}
	if idx, note, err := loadSource(ctx, &planCheckFlags{source: good}); idx == nil || note != "" || err != nil {
		t.Errorf("good source: %v %q %v", idx, note, err)
	}
	var fe flagError
	if _, _, err := loadSource(ctx, &planCheckFlags{source: file, sourceSet: true}); !errors.As(err, &fe) || err.Error() != "--source "+file+": not a directory" {
		t.Errorf("a file as --source: %v", err)
	}
	if _, _, err := loadSource(ctx, &planCheckFlags{source: bad, sourceSet: true}); !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "--source: ") {
		t.Errorf("an unreadable --source: %v", err)
	}
	idx, note, err := loadSource(ctx, &planCheckFlags{source: bad})
	if idx != nil || err != nil || !strings.HasPrefix(note, "no file:line locations: the .tf files of the current directory cannot be indexed (") ||
		!strings.HasSuffix(note, "); pass --source DIR") {
		t.Errorf("an unreadable default directory: %v %q %v", idx, note, err)
	}

	cctx, cancel := context.WithCancelCause(ctx)
	cancel(Interrupt{Signal: syscall.SIGTERM})
	_, _, err = loadSource(cctx, &planCheckFlags{source: bad, sourceSet: true})
	var in Interrupt
	if !errors.As(err, &in) || errors.As(err, &fe) {
		t.Errorf("an interrupted load: %v", err)
	}
}

// TestErrorExit: a flag error is exit 2 and its line, interrupted or not; any other
// error of an interrupted run is the signal's exit status and no line.
func TestErrorExit(t *testing.T) {
	cctx, cancel := context.WithCancelCause(context.Background())
	cancel(Interrupt{Signal: syscall.SIGINT})
	for _, tc := range []struct {
		ctx      context.Context
		err      error
		code     int
		wantLine string
	}{
		{context.Background(), errors.New("plan.json: no such file"), ExitUsage, "plan-check: plan.json: no such file\n"},
		{context.Background(), flagError{errors.New("--source x: not a directory")}, ExitUsage, "plan-check: --source x: not a directory\n"},
		{cctx, errors.New("read: interrupted"), 130, ""},
		{cctx, flagError{errors.New("--region and --aws-profile go with --eks-cluster")}, ExitUsage, "plan-check: --region and --aws-profile go with --eks-cluster\n"},
		{context.Background(), errors.New("bad \x1b[31m name"), ExitUsage, "plan-check: bad \\x1b[31m name\n"},
	} {
		var errb strings.Builder
		if code := errorExit(tc.ctx, Stdio{Err: &errb}, tc.err); code != tc.code || errb.String() != tc.wantLine {
			t.Errorf("%v: exit %d stderr %q, want %d %q", tc.err, code, errb.String(), tc.code, tc.wantLine)
		}
	}
}

// TestWithLogReport: when every report goes to a file, the default report goes to stdout
// too; the caller's list is left as it was.
func TestWithLogReport(t *testing.T) {
	outs, err := pairOutputs([]string{"sarif", "junit"}, []string{"a.sarif", "a.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if got := reportsOf(withLogReport(outs)); !reflect.DeepEqual(got, []string{"sarif>a.sarif", "junit>a.xml", "text>"}) {
		t.Errorf("all to files: %v", got)
	}
	if len(outs) != 2 {
		t.Errorf("the list changed: %v", reportsOf(outs))
	}
	outs, _ = pairOutputs([]string{"sarif", "github"}, []string{"a.sarif"})
	if got := reportsOf(withLogReport(outs)); !reflect.DeepEqual(got, []string{"sarif>a.sarif", "github>"}) {
		t.Errorf("one to stdout: %v", got)
	}
}

// TestPlanCheckHelp: -h is exit 0 on stdout, with every report format of the registry
// (name, description, extension) and every flag.
func TestPlanCheckHelp(t *testing.T) {
	code, out, errs := run(t, "", "plan-check", "-h")
	if code != ExitOK || errs != "" {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
	if !strings.Contains(out, "--format "+strings.Join(report.Names(), "|")+",") {
		t.Errorf("help lacks the format list:\n%s", out)
	}
	for _, f := range report.Formats() {
		if !strings.Contains(out, "  "+f.Name+" ") || !strings.Contains(out, f.Description+" ("+f.Extension+")\n") {
			t.Errorf("help lacks format %s:\n%s", f.Name, out)
		}
	}
	for _, name := range []string{"format", "output", "fail-on", "fail-on-unknown", "no-color", "source", "config", "eks-cluster", "region",
		"aws-profile", "allow-host-path", "allow-capability", "max-input-size"} {
		if !strings.Contains(out, "\n  -"+name+" ") && !strings.Contains(out, "\n  -"+name+"\n") {
			t.Errorf("help lacks -%s", name)
		}
	}
	if !strings.Contains(out, "report format: "+strings.Join(report.Names(), ", ")+" (repeatable") {
		t.Error("the --format flag does not list the formats")
	}
}

// TestPlanCheckEveryFormat: each format of the registry is accepted and writes its
// report to its file.
func TestPlanCheckEveryFormat(t *testing.T) {
	dir := t.TempDir()
	args := []string{"plan-check", "--source", ""}
	for _, f := range report.Formats() {
		args = append(args, "--format", f.Name, "--output", filepath.Join(dir, "r"+f.Extension))
	}
	code, out, errs := run(t, "", append(args, filepath.Join(fixtures, "pod_v1_violating.json"))...)
	if code != ExitFindings || errs != "" || !strings.Contains(out, "FAIL:") {
		t.Fatalf("exit %d stderr %q stdout %q", code, errs, out)
	}
	for _, f := range report.Formats() {
		b, err := os.ReadFile(filepath.Join(dir, "r"+f.Extension))
		if err != nil || !strings.Contains(string(b), "EPS008") {
			t.Errorf("%s: %v, %d bytes without EPS008", f.Name, err, len(b))
		}
	}
}
