package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
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

const planCheckUsage = `usage: terraform-provider-ekspodsec plan-check [flags] PLAN.json

Reads 'terraform show -json PLANFILE' output (PLAN.json, or - for stdin) and reports every
violation of the EKS pod-security guidance in the plan's Kubernetes resources.

Reports: --format text|json|sarif|junit|github, each with an optional --output FILE, in
pairs (--format sarif --output ps.sarif --format junit --output ps.xml); when every report
goes to a file, the text report still goes to stdout.

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 unusable input
or flags, 130/143 interrupted (SIGINT/SIGTERM).

flags:
`

// formats are the report writers by name.
var formatNames = []string{"text", "json", "sarif", "junit", "github"}

type output struct {
	format string
	path   string // "" = stdout
}

func runPlanCheck(ctx context.Context, args []string, stdio Stdio) int {
	fs := flag.NewFlagSet("plan-check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var formats, outputs, hostPaths, caps listFlag
	fs.Var(&formats, "format", "report format: "+strings.Join(formatNames, ", ")+" (repeatable, paired with --output)")
	fs.Var(&outputs, "output", "write the report of the matching --format to this file (repeatable)")
	failOn := fs.String("fail-on", "high", "lowest severity that fails the run: "+strings.Join(finding.SeverityNames(), ", ")+" (overrides fail_on in "+settings.FileName+")")
	failOnUnknown := fs.Bool("fail-on-unknown", false, "values unknown until apply fail the run like violations")
	noColor := fs.Bool("no-color", false, "never colour the text report")
	sourceDir := fs.String("source", ".", "the Terraform root module, to point findings at file:line (\"\" to skip)")
	configPath := fs.String("config", "", "settings and waivers (default: "+settings.FileName+" in --source, when present)")
	eksCluster := fs.String("eks-cluster", "", "read the version and Fargate profiles of this live EKS cluster (aws-sdk-go-v2: standard credential chain, AWS_ENDPOINT_URL)")
	region := fs.String("region", "", "AWS region of --eks-cluster (default: AWS_REGION / the profile's region)")
	awsProfile := fs.String("aws-profile", "", "shared-config profile for --eks-cluster (default: AWS_PROFILE)")
	fs.Var(&hostPaths, "allow-host-path", "hostPath prefix EPS007 accepts (repeatable)")
	fs.Var(&caps, "allow-capability", "capability containers may add without EPS012 (repeatable; default NET_BIND_SERVICE)")
	maxInput := sizeFlag(inputfile.DefaultMaxSize)
	fs.Var(&maxInput, "max-input-size", "largest plan, settings file, and .tf tree (all files together) read, e.g. 2GiB (default "+inputfile.FormatSize(inputfile.DefaultMaxSize)+")")

	positional, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdio.Out, planCheckUsage)
		fs.SetOutput(stdio.Out)
		fs.PrintDefaults()
		return ExitOK
	}
	if err != nil {
		return usageError(stdio, err.Error())
	}
	if len(positional) != 1 {
		return usageError(stdio, "want exactly one plan file (or - for stdin); run 'plan-check -h' for help")
	}
	outs, err := pairOutputs(formats, outputs)
	if err != nil {
		return usageError(stdio, err.Error())
	}
	// fail reports an error, unless the run was interrupted: then the error is only the
	// interruption's consequence, and the exit status says what happened.
	fail := func(msg string) int {
		if code, ok := interrupted(ctx); ok {
			return code
		}
		return usageError(stdio, msg)
	}
	maxSize := int64(maxInput)
	failOnSet := false
	fs.Visit(func(f *flag.Flag) { failOnSet = failOnSet || f.Name == "fail-on" })
	sev, err := finding.ParseSeverity(*failOn)
	if err != nil {
		return usageError(stdio, "--fail-on: "+err.Error())
	}

	opts := plancheck.Options{PlanName: positional[0], Gate: report.Gate{FailOn: sev, FailOnUnknown: *failOnUnknown}, ToolVersion: version.Version}
	cfg := *configPath
	if cfg == "" && *sourceDir != "" {
		cfg = settings.Find(*sourceDir)
	}
	if err := distinctOutputs(outs, positional[0], cfg); err != nil {
		return usageError(stdio, err.Error())
	}
	if cfg != "" {
		st, err := settings.Load(cfg, maxSize)
		if err != nil {
			return fail(err.Error())
		}
		opts.Settings = st
		if st.FailOn != nil && !failOnSet {
			opts.Gate.FailOn = *st.FailOn
		}
		opts.Rules.AllowedHostPaths = append(opts.Rules.AllowedHostPaths, st.AllowedHostPaths...)
		opts.Rules.AllowedCapabilities = append(opts.Rules.AllowedCapabilities, st.AllowedCapabilities...)
		opts.Rules.Overrides = st.Overrides
	}
	for _, p := range hostPaths {
		clean, err := profile.CleanHostPath(p)
		if err != nil {
			return usageError(stdio, "--allow-host-path: "+err.Error())
		}
		opts.Rules.AllowedHostPaths = append(opts.Rules.AllowedHostPaths, profile.HostPath{PathPrefix: clean, ReadOnly: true})
	}
	for _, c := range caps {
		n, err := profile.NormalizeCapability(c)
		if err != nil {
			return usageError(stdio, "--allow-capability: "+err.Error())
		}
		opts.Rules.AllowedCapabilities = append(opts.Rules.AllowedCapabilities, n)
	}
	sourceSet := false
	fs.Visit(func(f *flag.Flag) { sourceSet = sourceSet || f.Name == "source" })
	var sourceNote string
	if *sourceDir != "" {
		if st, err := os.Stat(*sourceDir); err != nil || !st.IsDir() {
			return usageError(stdio, fmt.Sprintf("--source %s: not a directory", *sourceDir))
		}
		idx, err := source.LoadContext(ctx, *sourceDir, source.Limits{MaxBytes: maxSize})
		if code, ok := interrupted(ctx); ok {
			return code
		}
		switch {
		case err != nil && sourceSet:
			return usageError(stdio, "--source: "+err.Error())
		case err != nil:
			// The default (the current directory) is a convenience: a .tf file here that
			// does not parse costs the file:line locations, not the check.
			sourceNote = "no file:line locations: the .tf files of the current directory cannot be indexed (" + err.Error() + "); pass --source DIR"
		default:
			opts.Source = idx
		}
	}

	data, err := readPlan(ctx, positional[0], stdio.In, maxSize)
	if err != nil {
		return fail(err.Error())
	}
	if *eksCluster != "" {
		c, profiles, err := eks.FromAPI(ctx, eks.LiveOptions{Cluster: *eksCluster, Region: *region, Profile: *awsProfile})
		if err != nil {
			return fail("--eks-cluster: " + err.Error() + " (or run without --eks-cluster: the plan's own EKS facts are still read)")
		}
		opts.Live = &plancheck.LiveFacts{Cluster: c, Profiles: profiles}
	} else if *region != "" || *awsProfile != "" {
		return usageError(stdio, "--region and --aws-profile go with --eks-cluster")
	}
	// Keep peak memory proportional to the plan: the bytes, the objects read from them
	// and the findings fit in about twice the plan's size, so ask the garbage collector
	// to stay under three times it (plus a floor for small plans).
	debug.SetMemoryLimit(int64(len(data))*9/4 + 32<<20)
	rep, err := plancheck.CheckContext(ctx, data, opts)
	data = nil
	if err != nil {
		return fail(fmt.Sprintf("%s: %v", displayName(positional[0]), err))
	}
	if sourceNote != "" {
		rep.Notes = append(rep.Notes, sourceNote)
	}

	toStdout := false
	for _, o := range outs {
		toStdout = toStdout || o.path == ""
	}
	if !toStdout {
		// Every report goes to a file: the people watching the job still see the findings.
		outs = append(outs, output{format: "text"})
	}
	for _, o := range outs {
		if code, ok := interrupted(ctx); ok {
			return code
		}
		if err := writeReport(rep, o, stdio, *noColor); err != nil {
			return fail(err.Error())
		}
	}
	if rep.Failed() {
		return ExitFindings
	}
	return ExitOK
}

// pairOutputs pairs each --format with the --output at the same position; formats without
// an output go to stdout (at most one may).
func pairOutputs(formats, outputs []string) ([]output, error) {
	if len(formats) == 0 {
		formats = []string{"text"}
	}
	if len(outputs) > len(formats) {
		return nil, fmt.Errorf("%d --output for %d --format: give a --format for each --output", len(outputs), len(formats))
	}
	var outs []output
	stdout := 0
	for i, f := range formats {
		if !slices.Contains(formatNames, f) {
			return nil, fmt.Errorf("--format %q: want one of %s", f, strings.Join(formatNames, ", "))
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

func writeReport(rep *report.Report, o output, stdio Stdio, noColor bool) error {
	w, closeW := stdio.Out, func() error { return nil }
	if o.path != "" {
		f, err := os.Create(o.path)
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		w, closeW = f, f.Close
	}
	var err error
	switch o.format {
	case "json":
		err = report.WriteJSON(w, rep)
	case "sarif":
		err = report.WriteSARIF(w, rep)
	case "junit":
		err = report.WriteJUnit(w, rep)
	case "github":
		err = report.WriteGitHub(w, rep)
	default:
		color := o.path == "" && isTerminal(stdio.Out) && !noColor && os.Getenv("NO_COLOR") == ""
		err = report.WriteText(w, rep, report.TextOptions{Color: color})
	}
	if cerr := closeW(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the %s report: %w", o.format, err)
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
