package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

const planCheckUsage = `usage: terraform-provider-ekspodsec plan-check [flags] PLAN.json

Reads 'terraform show -json PLANFILE' output (PLAN.json, or - for stdin) and reports every
violation of the EKS pod-security guidance in the plan's Kubernetes resources.

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 unusable input or flags.

flags:
`

func runPlanCheck(_ context.Context, args []string, stdio Stdio) int {
	fs := flag.NewFlagSet("plan-check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "text", "report format: text or json")
	output := fs.String("output", "", "write the report to this file instead of stdout")
	failOn := fs.String("fail-on", "high", "lowest severity that fails the run: "+strings.Join(finding.SeverityNames(), ", "))
	failOnUnknown := fs.Bool("fail-on-unknown", false, "values unknown until apply fail the run like violations")
	noColor := fs.Bool("no-color", false, "never colour the text report")
	var hostPaths, caps listFlag
	fs.Var(&hostPaths, "allow-host-path", "hostPath prefix EPS007 accepts (repeatable)")
	fs.Var(&caps, "allow-capability", "capability containers may add without EPS012 (repeatable; default NET_BIND_SERVICE)")

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
	sev, err := finding.ParseSeverity(*failOn)
	if err != nil {
		return usageError(stdio, "--fail-on: "+err.Error())
	}
	if *format != "text" && *format != "json" {
		return usageError(stdio, fmt.Sprintf("--format %q: want text or json", *format))
	}
	opts := plancheck.Options{PlanName: positional[0], Gate: report.Gate{FailOn: sev, FailOnUnknown: *failOnUnknown}}
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

	data, err := readPlan(positional[0], stdio.In)
	if err != nil {
		return usageError(stdio, err.Error())
	}
	// Keep peak memory proportional to the plan: the bytes, the objects read from them
	// and the findings fit in about twice the plan's size, so ask the garbage collector
	// to stay under three times it (plus a floor for small plans).
	debug.SetMemoryLimit(int64(len(data))*9/4 + 32<<20)
	rep, err := plancheck.Check(data, opts)
	data = nil
	if err != nil {
		return usageError(stdio, fmt.Sprintf("%s: %v", displayName(positional[0]), err))
	}

	out, closeOut := stdio.Out, func() error { return nil }
	toTerminal := *output == "" && isTerminal(stdio.Out)
	if *output != "" {
		f, err := os.Create(*output)
		if err != nil {
			return usageError(stdio, fmt.Sprintf("--output: %v", err))
		}
		out, closeOut = f, f.Close
	}
	switch *format {
	case "json":
		err = report.WriteJSON(out, rep)
	default:
		err = report.WriteText(out, rep, report.TextOptions{Color: toTerminal && !*noColor && os.Getenv("NO_COLOR") == ""})
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return usageError(stdio, fmt.Sprintf("writing the report: %v", err))
	}
	if rep.Failed() {
		return ExitFindings
	}
	return ExitOK
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

func usageError(stdio Stdio, msg string) int {
	fmt.Fprintln(stdio.Err, "plan-check: "+msg)
	return ExitUsage
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// readPlan reads a plan file or stdin, with errors that name the file.
func readPlan(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("stdin: %w", err)
		}
		return data, nil
	}
	st, err := os.Stat(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory: give the JSON file written by 'terraform show -json tfplan > plan.json'", name)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
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
