package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/advise"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
)

// adviseFormats are advise's output formats, by --format name.
func adviseFormats() map[string]func(io.Writer, *advise.Advice) error {
	return map[string]func(io.Writer, *advise.Advice) error{
		"hcl":  advise.WriteHCL,
		"yaml": advise.WriteYAML,
		"json": advise.WriteJSON,
	}
}

const adviseUsage = `usage: terraform-provider-ekspodsec advise [flags] PLAN.json | - | MANIFEST... 
       terraform-provider-ekspodsec advise [flags] --kubeconfig FILE [--context NAME]

Advises the least-privilege pod security for the workloads you already run: per namespace
the strictest Pod Security Standards level they all pass, and per service account that
needs more the exact exceptions (host paths, capabilities, host ports, host namespaces,
privileged), written as this provider's data sources.

Input (one of):
  PLAN.json | -       'terraform show -json' output (a file, or stdin)
  MANIFEST...         Kubernetes YAML or JSON files or directories (multi-document, List kinds)
  --kubeconfig FILE   a live cluster, read-only (--kubeconfig "" follows KUBECONFIG and ~/.kube/config)

Output: --format hcl (default: a Terraform file), yaml (the manifests it applies) or json (the
analysis), to stdout or --output FILE; --report prints the table a reviewer reads (to stdout:
alone, or next to --output FILE).

Exit status: 0 advised, 2 unusable input, flags or cluster (one line on stderr), 130/143
interrupted.

flags:
`

// adviseFlags is advise's command line.
type adviseFlags struct {
	format, output, kubernetesVersion string
	kubeconfig, context               string
	namespaces                        listFlag
	report, warnLevel                 bool
	maxInput                          sizeFlag

	inputs []string
	live   bool
}

func adviseFlagSet(fl *adviseFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("advise", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fl.maxInput = sizeFlag(inputfile.DefaultMaxSize)
	fs.StringVar(&fl.format, "format", "hcl", "output format: hcl (Terraform, this provider's data sources), yaml (the manifests), json (the analysis)")
	fs.StringVar(&fl.output, "output", "", "write the --format output to this file (default stdout)")
	fs.BoolVar(&fl.report, "report", false, "print the reviewer's table on stdout (alone, unless --output takes the format)")
	fs.BoolVar(&fl.warnLevel, "warn-level", false, "set Pod Security Admission's warn and audit one level stricter than enforce")
	fs.StringVar(&fl.kubernetesVersion, "kubernetes-version", "", "the cluster's Kubernetes version, e.g. 1.31 (default: the plan's aws_eks_cluster or the live cluster's; else latest)")
	fs.Var(&fl.namespaces, "namespace", "advise only this namespace (repeatable; with a cluster, read only it)")
	fs.StringVar(&fl.kubeconfig, "kubeconfig", "", "read a live cluster with this kubeconfig (\"\": client-go's loading rules)")
	fs.StringVar(&fl.context, "context", "", "the kubeconfig context of the live cluster (default: its current context)")
	fs.Var(&fl.maxInput, "max-input-size", "largest input read, all files together, e.g. 2GiB")
	return fs
}

func parseAdviseFlags(args []string) (*adviseFlags, error) {
	fl := &adviseFlags{}
	fs := adviseFlagSet(fl)
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) { fl.live = fl.live || f.Name == "kubeconfig" || f.Name == "context" })
	fl.inputs = positional
	switch {
	case fl.live && len(positional) > 0:
		return nil, errors.New("give a plan, manifests or --kubeconfig, not several: run 'advise -h' for help")
	case !fl.live && len(positional) == 0:
		return nil, errors.New("nothing to advise on: give a plan (PLAN.json or - for stdin), manifest files or directories, or --kubeconfig FILE")
	}
	for _, p := range positional {
		if p == "-" && len(positional) > 1 {
			return nil, errors.New("- (stdin) is one input on its own: give it alone")
		}
	}
	if _, ok := adviseFormats()[fl.format]; !ok {
		return nil, fmt.Errorf("--format %q: want hcl, yaml or json", fl.format)
	}
	if fl.kubernetesVersion != "" {
		if _, err := k8sversion.Parse(fl.kubernetesVersion); err != nil {
			return nil, fmt.Errorf("--kubernetes-version: %w", err)
		}
	}
	for _, ns := range fl.namespaces {
		if ns == "" || strings.ContainsAny(ns, "/ ") || !safetext.IsSafe(ns) {
			return nil, fmt.Errorf("--namespace %q is not a namespace name", ns)
		}
	}
	if fl.output != "" {
		for _, in := range positional {
			if in != "-" && identify(fl.output).same(identify(in)) {
				return nil, fmt.Errorf("--output %s is the input %s: the advice would overwrite it", fl.output, in)
			}
		}
	}
	return fl, nil
}

func runAdvise(ctx context.Context, args []string, stdio Stdio) int {
	fl, err := parseAdviseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdio.Out, adviseUsage)
		fs := adviseFlagSet(&adviseFlags{})
		fs.SetOutput(stdio.Out)
		fs.PrintDefaults()
		return ExitOK
	}
	if err != nil {
		return adviseError(stdio, err.Error())
	}
	in, err := readAdviseInput(ctx, fl, stdio.In)
	if err != nil {
		if code, ok := interrupted(ctx); ok {
			return code
		}
		return adviseError(stdio, err.Error())
	}
	a, err := advise.Advise(ctx, in, advise.Options{KubernetesVersion: fl.kubernetesVersion, WarnLevel: fl.warnLevel, Namespaces: fl.namespaces})
	if err != nil {
		if code, ok := interrupted(ctx); ok {
			return code
		}
		return adviseError(stdio, err.Error())
	}
	if err := writeAdvice(a, fl, stdio); err != nil {
		return adviseError(stdio, err.Error())
	}
	return ExitOK
}

// writeAdvice writes the format to --output or stdout, and the report to stdout.
func writeAdvice(a *advise.Advice, fl *adviseFlags, stdio Stdio) error {
	if fl.output != "" || !fl.report {
		w, closeW := stdio.Out, func() error { return nil }
		if fl.output != "" {
			f, err := os.Create(fl.output)
			if err != nil {
				return fmt.Errorf("--output: %w", err)
			}
			w, closeW = f, f.Close
		}
		err := adviseFormats()[fl.format](w, a)
		if cerr := closeW(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing the %s advice: %w", fl.format, err)
		}
	}
	if fl.report {
		if err := advise.WriteReport(stdio.Out, a); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	return nil
}

// readAdviseInput reads the plan, the manifests or the cluster.
func readAdviseInput(ctx context.Context, fl *adviseFlags, stdin io.Reader) (*advise.Input, error) {
	max := int64(fl.maxInput)
	if fl.live {
		return advise.FromCluster(ctx, advise.LiveOptions{Kubeconfig: fl.kubeconfig, Context: fl.context, Namespaces: fl.namespaces})
	}
	if len(fl.inputs) == 1 {
		p := fl.inputs[0]
		var data []byte
		var err error
		name := p
		if p == "-" {
			name = "stdin"
			data, err = inputfile.ReadStream(ctx, stdin, "stdin", max)
		} else if st, serr := os.Stat(p); serr == nil && !st.IsDir() {
			data, err = readManifestFile(p, max)
		} else {
			return advise.FromManifests(ctx, fl.inputs, max, readManifestFile)
		}
		if err != nil {
			return nil, err
		}
		if advise.IsPlan(data) {
			in, err := advise.FromPlan(ctx, data, name)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			return in, nil
		}
		objs, err := advise.DecodeManifests(data, name)
		if err != nil {
			return nil, err
		}
		return &advise.Input{Source: name, Objects: objs}, nil
	}
	return advise.FromManifests(ctx, fl.inputs, max, readManifestFile)
}

// readManifestFile reads one input file (a regular file, at most max bytes), with errors
// that name it.
func readManifestFile(name string, max int64) ([]byte, error) {
	data, err := inputfile.Read(name, max)
	var notRegular *inputfile.NotRegularError
	var tooLarge *inputfile.TooLargeError
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%s: no such file", name)
	case errors.Is(err, os.ErrPermission):
		return nil, fmt.Errorf("%s: permission denied", name)
	case errors.As(err, &notRegular):
		return nil, fmt.Errorf("%s: give a plan or manifest file (a regular file), a directory of them, or - for stdin", err)
	case errors.As(err, &tooLarge):
		return nil, err
	}
	return nil, fmt.Errorf("%s: %w", name, err)
}

// adviseError writes the one line of an exit 2, control characters escaped.
func adviseError(stdio Stdio, msg string) int {
	fmt.Fprintln(stdio.Err, "advise: "+safetext.Escape(msg))
	return ExitUsage
}
