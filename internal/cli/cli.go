// Package cli implements the ekspodsec command line: the subcommands that run when the
// binary is not started by Terraform.
package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/crash"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
)

// Exit codes shared by every subcommand.
const (
	ExitOK       = 0 // nothing at or above the failing threshold
	ExitFindings = 1 // findings at or above the failing threshold
	ExitUsage    = 2 // unusable input or flags
)

// Stdio is where a subcommand reads and writes.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, io Stdio) int
}

// commands is the subcommand table. Built by a function, not held in a package variable,
// so nothing global is mutable.
func commands() map[string]command {
	return map[string]command{
		"version":    {summary: "print the version", run: runVersion},
		"render":     {summary: "print the manifests of a hardening profile as YAML", run: runRender},
		"plan-check": {summary: "report EKS pod-security violations in 'terraform show -json' output", run: runPlanCheck},
		"advise":     {summary: "advise the least-privilege pod security for a plan's, manifests' or a cluster's workloads", run: runAdvise},
	}
}

// IsProviderInvocation reports whether args are how Terraform (or a debugger) starts a
// provider: no arguments at all, or flags such as -debug. Help flags are the CLI's.
func IsProviderInvocation(args []string) bool {
	if len(args) == 0 {
		return true
	}
	a := args[0]
	if a == "-h" || a == "-help" || a == "--help" || a == "-version" || a == "--version" {
		return false
	}
	return strings.HasPrefix(a, "-")
}

// Run dispatches a subcommand and returns its exit code. An internal failure (a panic)
// is exit 2 with one line on stderr that asks for a report, never a stack trace.
func Run(ctx context.Context, args []string, stdio Stdio) (code int) {
	var crashed error
	defer func() {
		if crashed != nil {
			name := "terraform-provider-ekspodsec"
			if len(args) > 0 {
				if _, ok := commands()[args[0]]; ok {
					name = args[0]
				}
			}
			fmt.Fprintln(stdio.Err, name+": "+safetext.Escape(crashed.Error()))
			code = ExitUsage
		}
	}()
	defer crash.Recover("", &crashed)
	return dispatch(ctx, args, stdio)
}

func dispatch(ctx context.Context, args []string, stdio Stdio) int {
	cmds := commands()
	if len(args) == 0 {
		usage(stdio.Err, cmds)
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdio.Out, cmds)
		return ExitOK
	case "-version", "--version":
		name = "version"
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stdio.Err, "terraform-provider-ekspodsec: unknown command %q\n", name)
		usage(stdio.Err, cmds)
		return ExitUsage
	}
	return cmd.run(ctx, args[1:], stdio)
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: terraform-provider-ekspodsec <command> [flags] [args]")
	fmt.Fprintln(w, "       terraform-provider-ekspodsec            (no arguments: serve the Terraform provider)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'terraform-provider-ekspodsec <command> -h' for a command's flags.")
}
