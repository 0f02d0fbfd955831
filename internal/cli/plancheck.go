package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/settings"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/source"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/version"
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// planCheckUsage is the help text before the flags: the report formats come from
// report.Formats.
func planCheckUsage(formats []report.Format) string {
	var b strings.Builder
	names := make([]string, len(formats))
	width := 0
	for i, f := range formats {
		names[i] = f.Name
		width = max(width, len(f.Name))
	}
	fmt.Fprintf(&b, `usage: terraform-provider-ekspodsec plan-check [flags] PLAN.json

Reads 'terraform show -json PLANFILE' output (PLAN.json, or - for stdin) and reports every
violation of the EKS pod-security guidance in the plan's Kubernetes resources.

Reports: --format %s, each with an optional --output FILE, in
pairs (--format sarif --output ps.sarif --format junit --output ps.xml); when every report
goes to a file, the %s report still goes to stdout.

formats:
`, strings.Join(names, "|"), report.DefaultFormat)
	for _, f := range formats {
		fmt.Fprintf(&b, "  %-*s  %s (%s)\n", width, f.Name, f.Description, f.Extension)
	}
	b.WriteString(`
Exit status: 0 nothing at or above --fail-on, 1 findings at or above it (with --diff or
--baseline: new or worse ones), 2 unusable input
or flags, 130/143 interrupted (SIGINT/SIGTERM).

flags:
`)
	return b.String()
}

// planCheckFlags is plan-check's command line: the flags as given, and what
// parsePlanCheckFlags derives from them.
type planCheckFlags struct {
	formats, outputs, hostPaths, caps listFlag
	failOnName                        string
	failOnUnknown, noColor            bool
	source, config                    string
	eksCluster, region, awsProfile    string
	kubernetesVersion                 string
	maxInput                          sizeFlag
	helmCache                         string
	helmOffline                       bool
	helmTimeout                       time.Duration
	diff                              bool
	baseline                          string

	plan      string           // the plan file, "-" for stdin
	reports   []output         // each --format with its --output
	failOn    finding.Severity // --fail-on
	failOnSet bool             // --fail-on was given: it overrides fail_on in the settings
	sourceSet bool             // --source was given: a .tf tree that cannot be read is an error
	// helmOfflineSet and helmTimeoutSet: the flag was given, it overrides the settings.
	helmOfflineSet, helmTimeoutSet bool
	// diffSet: --diff (or --diff=false) was given: it overrides diff in the settings.
	diffSet bool
}

// output is one report to write: its format, and the file it goes to.
type output struct {
	format report.Format
	path   string // "" = stdout
}

// planCheckFlagSet declares plan-check's flags into fl.
func planCheckFlagSet(fl *planCheckFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("plan-check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fl.maxInput = sizeFlag(inputfile.DefaultMaxSize)
	fs.Var(&fl.formats, "format", "report format: "+strings.Join(report.Names(), ", ")+" (repeatable, paired with --output)")
	fs.Var(&fl.outputs, "output", "write the report of the matching --format to this file (repeatable)")
	fs.StringVar(&fl.failOnName, "fail-on", "high", "lowest severity that fails the run: "+strings.Join(finding.SeverityNames(), ", ")+" (overrides fail_on in "+settings.FileName+")")
	fs.BoolVar(&fl.failOnUnknown, "fail-on-unknown", false, "values unknown until apply fail the run like violations")
	fs.BoolVar(&fl.noColor, "no-color", false, "never colour the text report")
	fs.StringVar(&fl.source, "source", ".", "the Terraform root module, to point findings at file:line (\"\" to skip)")
	fs.StringVar(&fl.config, "config", "", "settings and waivers (default: "+settings.FileName+" in --source, when present)")
	fs.StringVar(&fl.eksCluster, "eks-cluster", "", "read the version and Fargate profiles of this live EKS cluster (aws-sdk-go-v2: standard credential chain, AWS_ENDPOINT_URL)")
	fs.StringVar(&fl.region, "region", "", "AWS region of --eks-cluster (default: AWS_REGION / the profile's region)")
	fs.StringVar(&fl.awsProfile, "aws-profile", "", "shared-config profile for --eks-cluster (default: AWS_PROFILE)")
	fs.Var(&fl.hostPaths, "allow-host-path", "hostPath prefix EPS007 accepts (repeatable)")
	fs.StringVar(&fl.kubernetesVersion, "kubernetes-version", "", "the Kubernetes version the plan deploys to (\"1.31\"), when the plan and --eks-cluster do not say: decides the rules of PodSecurityPolicy (gone in 1.25) (overrides kubernetes_version in "+settings.FileName+")")
	fs.Var(&fl.caps, "allow-capability", "capability containers may add without EPS012 (repeatable; default NET_BIND_SERVICE)")
	fs.StringVar(&fl.helmCache, "helm-cache", "", "directory of chart archives (NAME-VERSION.tgz) for helm_release charts, read before any network access and filled by it (default: Helm's repository cache; cache in "+settings.FileName+"'s helm block)")
	fs.BoolVar(&fl.helmOffline, "helm-offline", false, "never fetch helm_release charts over the network: a chart missing from the cache makes its release unknown")
	fs.DurationVar(&fl.helmTimeout, "helm-timeout", 0, "timeout of each chart repository or registry request, e.g. 30s (default 20s; 2 retries)")
	fs.BoolVar(&fl.diff, "diff", false, "also judge the objects as they exist now (the plan's prior values) and report each finding as new, worse, existing or fixed; only new and worse ones fail the run (overrides diff in "+settings.FileName+"; --diff=false turns it off)")
	fs.StringVar(&fl.baseline, "baseline", "", "compare with an earlier JSON report (--format json) instead: findings in it and not now are fixed, in both existing (worse if their severity rose), only now new; only new and worse ones fail the run")
	fs.Var(&fl.maxInput, "max-input-size", "largest plan, settings file, and .tf tree (all files together) read, e.g. 2GiB (default "+inputfile.FormatSize(inputfile.DefaultMaxSize)+")")
	return fs
}

// printPlanCheckHelp writes the help text and the flags.
func printPlanCheckHelp(w io.Writer) {
	fmt.Fprint(w, planCheckUsage(report.Formats()))
	fs := planCheckFlagSet(&planCheckFlags{})
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// parsePlanCheckFlags reads the command line: flags before or after the one plan file,
// each --format paired with its --output, --fail-on's severity. It returns flag.ErrHelp
// for -h.
func parsePlanCheckFlags(args []string) (*planCheckFlags, error) {
	fl := &planCheckFlags{}
	fs := planCheckFlagSet(fl)
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	if len(positional) != 1 {
		return nil, errors.New("want exactly one plan file (or - for stdin); run 'plan-check -h' for help")
	}
	fl.plan = positional[0]
	if fl.reports, err = pairOutputs(fl.formats, fl.outputs); err != nil {
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) {
		fl.failOnSet = fl.failOnSet || f.Name == "fail-on"
		fl.sourceSet = fl.sourceSet || f.Name == "source"
		fl.helmOfflineSet = fl.helmOfflineSet || f.Name == "helm-offline"
		fl.helmTimeoutSet = fl.helmTimeoutSet || f.Name == "helm-timeout"
		fl.diffSet = fl.diffSet || f.Name == "diff"
	})
	if fl.diff && fl.baseline != "" {
		return nil, errors.New("--diff and --baseline: give one (--diff compares with the objects as they exist now, --baseline with an earlier report)")
	}
	if fl.helmTimeoutSet && fl.helmTimeout <= 0 {
		return nil, errors.New("--helm-timeout: want a positive duration, e.g. 30s")
	}
	if fl.failOn, err = finding.ParseSeverity(fl.failOnName); err != nil {
		return nil, fmt.Errorf("--fail-on: %w", err)
	}
	return fl, nil
}

// maxSize is the --max-input-size in bytes.
func (fl *planCheckFlags) maxSize() int64 { return int64(fl.maxInput) }

// configPath is the settings file to read: --config, else .ekspodsec.hcl in --source
// when there is one; "" for none.
func (fl *planCheckFlags) configPath() string {
	if fl.config == "" && fl.source != "" {
		return settings.Find(fl.source)
	}
	return fl.config
}

// flagError is an error in the flags or their values. It is reported (exit 2 and its
// line) even when the run was interrupted meanwhile; any other error may be only the
// consequence of the interruption, and then the exit status says what happened.
type flagError struct{ err error }

func (e flagError) Error() string { return e.err.Error() }
func (e flagError) Unwrap() error { return e.err }

// errorExit is the exit status of a run that stopped on err.
func errorExit(ctx context.Context, stdio Stdio, err error) int {
	var fe flagError
	if !errors.As(err, &fe) {
		if code, ok := interrupted(ctx); ok {
			return code
		}
	}
	return usageError(stdio, err.Error())
}

func runPlanCheck(ctx context.Context, args []string, stdio Stdio) int {
	fl, err := parsePlanCheckFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		printPlanCheckHelp(stdio.Out)
		return ExitOK
	}
	if err != nil {
		return usageError(stdio, err.Error())
	}
	opts, notes, err := prepareCheck(ctx, fl)
	if err != nil {
		return errorExit(ctx, stdio, err)
	}
	rep, release, err := checkPlan(ctx, fl, stdio.In, opts)
	defer release()
	if err != nil {
		return errorExit(ctx, stdio, err)
	}
	rep.Notes = append(rep.Notes, notes...)
	if err := writeReports(ctx, rep, fl.reports, stdio, fl.noColor); err != nil {
		return errorExit(ctx, stdio, err)
	}
	return exitCode(rep)
}

// prepareCheck builds the run's options from the flags, the settings file and the
// Terraform source, and the notes the run adds to the report. The outputs are checked
// against each other and against the inputs before anything is read.
func prepareCheck(ctx context.Context, fl *planCheckFlags) (plancheck.Options, []string, error) {
	cfg := fl.configPath()
	if err := distinctOutputs(fl.reports, fl.plan, cfg, fl.baseline); err != nil {
		return plancheck.Options{}, nil, flagError{err}
	}
	var st *settings.Settings
	if cfg != "" {
		var err error
		if st, err = settings.Load(cfg, fl.maxSize()); err != nil {
			return plancheck.Options{}, nil, err
		}
	}
	opts, err := planCheckOptions(fl, st)
	if err != nil {
		return plancheck.Options{}, nil, err
	}
	idx, note, err := loadSource(ctx, fl)
	if err != nil {
		return plancheck.Options{}, nil, err
	}
	opts.Source = idx
	if fl.baseline != "" {
		if opts.Baseline, err = readBaseline(fl.baseline, fl.maxSize()); err != nil {
			return plancheck.Options{}, nil, err
		}
		if opts.Diff && !fl.diffSet {
			opts.Diff = false // --baseline replaces diff = true of the settings
		}
	}
	var notes []string
	if note != "" {
		notes = append(notes, note)
	}
	return opts, notes, nil
}

// planCheckOptions merges the flags with the settings file (nil for none): --fail-on
// overrides fail_on; the hostPath prefixes and capabilities allowed are the settings'
// and then the flags'; rule overrides and waivers come from the settings.
func planCheckOptions(fl *planCheckFlags, st *settings.Settings) (plancheck.Options, error) {
	// Compact: findings held in the report's compact table, so memory does not grow with
	// them (the reports are the same).
	opts := plancheck.Options{PlanName: fl.plan, Gate: report.Gate{FailOn: fl.failOn, FailOnUnknown: fl.failOnUnknown}, ToolVersion: version.Version,
		Compact: true}
	if st != nil {
		opts.Settings = st
		if st.FailOn != nil && !fl.failOnSet {
			opts.Gate.FailOn = *st.FailOn
		}
		opts.Rules.AllowedHostPaths = append(opts.Rules.AllowedHostPaths, st.AllowedHostPaths...)
		opts.Rules.AllowedCapabilities = append(opts.Rules.AllowedCapabilities, st.AllowedCapabilities...)
		opts.Rules.Overrides = st.Overrides
		opts.KubernetesVersion = st.KubernetesVersion
		if st.Diff != nil {
			opts.Diff = *st.Diff
		}
	}
	if fl.diffSet {
		opts.Diff = fl.diff
	}
	if fl.kubernetesVersion != "" {
		v, err := k8sversion.Parse(fl.kubernetesVersion)
		if err != nil {
			return plancheck.Options{}, flagError{fmt.Errorf("--kubernetes-version: %w", err)}
		}
		opts.KubernetesVersion = v.String()
	}
	if err := helmOptions(fl, st, &opts.Helm); err != nil {
		return plancheck.Options{}, err
	}
	for _, p := range fl.hostPaths {
		clean, err := profile.CleanHostPath(p)
		if err != nil {
			return plancheck.Options{}, flagError{fmt.Errorf("--allow-host-path: %w", err)}
		}
		opts.Rules.AllowedHostPaths = append(opts.Rules.AllowedHostPaths, profile.HostPath{PathPrefix: clean, ReadOnly: true})
	}
	for _, c := range fl.caps {
		n, err := profile.NormalizeCapability(c)
		if err != nil {
			return plancheck.Options{}, flagError{fmt.Errorf("--allow-capability: %w", err)}
		}
		opts.Rules.AllowedCapabilities = append(opts.Rules.AllowedCapabilities, n)
	}
	return opts, nil
}

// readBaseline reads the report of --baseline, with errors that name the file.
func readBaseline(path string, max int64) (*plancheck.Baseline, error) {
	data, err := inputfile.Read(path, max)
	var notRegular *inputfile.NotRegularError
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, flagError{fmt.Errorf("--baseline %s: no such file", path)}
	case errors.As(err, &notRegular):
		return nil, flagError{fmt.Errorf("--baseline %s: give the JSON report of an earlier run (--format json)", err)}
	case err != nil:
		return nil, fmt.Errorf("--baseline %s: %w", path, err)
	}
	b, err := plancheck.ReadBaseline(data, path)
	if err != nil {
		return nil, fmt.Errorf("--baseline %s: %w", path, err)
	}
	return b, nil
}

// helmOptions says where helm_release charts come from: local charts are looked for
// relative to --source, then the working directory, then the plan file's directory; the
// cache, offline mode and timeout come from the flags, else the settings' helm block.
func helmOptions(fl *planCheckFlags, st *settings.Settings, h *plancheck.HelmOptions) error {
	var dirs []string
	seen := map[string]bool{}
	add := func(d string) {
		abs, err := filepath.Abs(d)
		if err != nil || seen[abs] {
			return
		}
		seen[abs] = true
		dirs = append(dirs, abs)
	}
	if fl.source != "" {
		add(fl.source)
	}
	add(".")
	if fl.plan != "-" {
		add(filepath.Dir(fl.plan))
	}
	h.SearchDirs = dirs
	if st != nil {
		h.CacheDir = st.Helm.CacheDir
		if st.Helm.Offline != nil {
			h.Offline = *st.Helm.Offline
		}
		h.Timeout = st.Helm.Timeout
	}
	if fl.helmCache != "" {
		abs, err := filepath.Abs(fl.helmCache)
		if err != nil {
			return flagError{fmt.Errorf("--helm-cache: %w", err)}
		}
		h.CacheDir = abs
	}
	if fl.helmOfflineSet {
		h.Offline = fl.helmOffline
	}
	if fl.helmTimeoutSet {
		h.Timeout = fl.helmTimeout
	}
	if h.CacheDir != "" {
		if st, err := os.Stat(h.CacheDir); err == nil && !st.IsDir() {
			return flagError{fmt.Errorf("--helm-cache %s: not a directory", h.CacheDir)}
		}
	}
	return nil
}

// loadSource indexes the .tf files of --source, to point findings at file:line. With
// --source given, a tree that cannot be indexed is an error; the default (the current
// directory) is a convenience: then it costs the locations, not the check, and the note
// says why.
func loadSource(ctx context.Context, fl *planCheckFlags) (*source.Index, string, error) {
	if fl.source == "" {
		return nil, "", nil
	}
	if st, err := os.Stat(fl.source); err != nil || !st.IsDir() {
		return nil, "", flagError{fmt.Errorf("--source %s: not a directory", fl.source)}
	}
	idx, err := source.LoadContext(ctx, fl.source, source.Limits{MaxBytes: fl.maxSize()})
	switch {
	case ctx.Err() != nil:
		return nil, "", context.Cause(ctx)
	case err != nil && fl.sourceSet:
		return nil, "", flagError{fmt.Errorf("--source: %w", err)}
	case err != nil:
		return nil, "no file:line locations: the .tf files of the current directory cannot be indexed (" + err.Error() + "); pass --source DIR", nil
	}
	return idx, "", nil
}

// checkPlan reads the plan, adds the live EKS facts (--eks-cluster) and judges it. The
// plan's bytes are not kept past the check. release ends the run's memory limit (kept
// while the reports are written); it is never nil.
func checkPlan(ctx context.Context, fl *planCheckFlags, stdin io.Reader, opts plancheck.Options) (rep *report.Report, release func(), err error) {
	release = func() {}
	data, err := readPlan(ctx, fl.plan, stdin, fl.maxSize())
	if err != nil {
		return nil, release, err
	}
	if opts.Live, err = liveFacts(ctx, fl); err != nil {
		return nil, release, err
	}
	// Keep peak memory near twice the plan's size, with a limit that rises with the live
	// heap rather than thrash (memlimit.go).
	release = startSoftLimit(planMemoryLimit(len(data)))
	rep, err = plancheck.CheckContext(ctx, data, opts)
	if err != nil {
		return nil, release, fmt.Errorf("%s: %w", displayName(fl.plan), err)
	}
	return rep, release, nil
}

// liveFacts reads the cluster of --eks-cluster from the EKS API; nil without the flag.
func liveFacts(ctx context.Context, fl *planCheckFlags) (*plancheck.LiveFacts, error) {
	if fl.eksCluster == "" {
		if fl.region != "" || fl.awsProfile != "" {
			return nil, flagError{errors.New("--region and --aws-profile go with --eks-cluster")}
		}
		return nil, nil
	}
	c, profiles, err := eks.FromAPI(ctx, eks.LiveOptions{Cluster: fl.eksCluster, Region: fl.region, Profile: fl.awsProfile})
	if err != nil {
		return nil, fmt.Errorf("--eks-cluster: %w (or run without --eks-cluster: the plan's own EKS facts are still read)", err)
	}
	return &plancheck.LiveFacts{Cluster: c, Profiles: profiles}, nil
}

// exitCode is the exit status of a run that wrote its reports.
func exitCode(rep *report.Report) int {
	if rep.Failed() {
		return ExitFindings
	}
	return ExitOK
}

// pairOutputs pairs each --format with the --output at the same position; formats without
// an output go to stdout (at most one may). No --format is the default format on stdout.
func pairOutputs(formats, outputs []string) ([]output, error) {
	if len(formats) == 0 {
		formats = []string{report.DefaultFormat}
	}
	if len(outputs) > len(formats) {
		return nil, fmt.Errorf("%d --output for %d --format: give a --format for each --output", len(outputs), len(formats))
	}
	var outs []output
	stdout := 0
	for i, name := range formats {
		f, ok := report.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("--format %q: want one of %s", name, strings.Join(report.Names(), ", "))
		}
		o := output{format: f}
		if i < len(outputs) {
			o.path = outputs[i]
		} else {
			stdout++
		}
		outs = append(outs, o)
	}
	if stdout > 1 {
		return nil, fmt.Errorf("%d reports would go to stdout: give each --format but one an --output", stdout)
	}
	return outs, nil
}

// withLogReport adds the default report on stdout when every report goes to a file:
// the people watching the job still see the findings.
func withLogReport(outs []output) []output {
	for _, o := range outs {
		if o.path == "" {
			return outs
		}
	}
	f, _ := report.Lookup(report.DefaultFormat)
	return append(outs[:len(outs):len(outs)], output{format: f})
}

// writeReports writes every report, stopping when the run is interrupted.
func writeReports(ctx context.Context, rep *report.Report, outs []output, stdio Stdio, noColor bool) error {
	for _, o := range withLogReport(outs) {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if err := writeReport(rep, o, stdio, noColor); err != nil {
			return err
		}
	}
	return nil
}

// writeReport writes one report to its file or to stdout, in colour only on a terminal
// without --no-color or NO_COLOR.
func writeReport(rep *report.Report, o output, stdio Stdio, noColor bool) error {
	w, closeW := stdio.Out, func() error { return nil }
	if o.path != "" {
		f, err := os.Create(o.path)
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		w, closeW = f, f.Close
	}
	color := o.path == "" && isTerminal(stdio.Out) && !noColor && os.Getenv("NO_COLOR") == ""
	err := o.format.Write(w, rep, report.Options{Color: color})
	if cerr := closeW(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the %s report: %w", o.format.Name, err)
	}
	return nil
}

// parseInterspersed parses flags that may come before or after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// usageError writes the one line of an exit 2, its control characters escaped: it
// may quote file names, addresses and keys from the input.
func usageError(stdio Stdio, msg string) int {
	fmt.Fprintln(stdio.Err, "plan-check: "+safetext.Escape(msg))
	return ExitUsage
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// readPlan reads a plan file (a regular file: a named pipe or a device is refused
// before it is opened) or stdin, at most max bytes, with errors that name the file.
func readPlan(ctx context.Context, name string, stdin io.Reader, max int64) ([]byte, error) {
	if name == "-" {
		data, err := inputfile.ReadStream(ctx, &objectOnly{r: stdin}, "stdin", max)
		if err != nil {
			var tl *inputfile.TooLargeError
			if errors.As(err, &tl) {
				return nil, err
			}
			return nil, fmt.Errorf("stdin: %w", err)
		}
		return data, nil
	}
	data, err := inputfile.Read(name, max)
	var notRegular *inputfile.NotRegularError
	var tooLarge *inputfile.TooLargeError
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%s: no such file", name)
	case errors.As(err, &notRegular) && notRegular.Mode.IsDir():
		return nil, fmt.Errorf("%s is a directory: give the JSON file written by 'terraform show -json tfplan > plan.json'", name)
	case errors.As(err, &notRegular):
		return nil, fmt.Errorf("%s: give the JSON file written by 'terraform show -json tfplan > plan.json', or - to read stdin", err)
	case errors.As(err, &tooLarge):
		return nil, err
	}
	return nil, fmt.Errorf("%s: %w", name, err)
}

// objectOnly passes a stream through until it is clear that it cannot be a plan: once
// its first byte other than white space is not '{', it ends there, and the plan reader
// reports what it got. A stream of NUL bytes (stdin from /dev/zero) is then refused at
// once rather than after --max-input-size of them.
type objectOnly struct {
	r       io.Reader
	decided bool
	stop    bool
}

func (o *objectOnly) Read(p []byte) (int, error) {
	if o.stop {
		return 0, io.EOF
	}
	n, err := o.r.Read(p)
	for i := 0; i < n && !o.decided; i++ {
		switch p[i] {
		case ' ', '\t', '\r', '\n':
		case '{':
			o.decided = true
		default:
			o.decided, o.stop = true, true
		}
	}
	return n, err
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
