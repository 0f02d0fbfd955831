// Command terraform-provider-ekspodsec is the ekspodsec Terraform provider and, with a
// subcommand, the ekspodsec CLI (plan-check, render, version).
//
// Terraform starts a provider binary with no arguments (or -debug), so that is what serves
// the provider; anything else is a CLI subcommand.
//
// SIGINT and SIGTERM end any of them with exit 130 and 143 within cli.InterruptGrace,
// whatever they are doing; an internal failure is exit 2 with one line, never a trace.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/cli"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/crash"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/provider"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/version"
)

// providerAddress is the registry address users write as source = "ekspodsec/ekspodsec".
const providerAddress = "registry.terraform.io/ekspodsec/ekspodsec"

func main() {
	// The provider's plugin server replaces os.Stderr with a pipe of its own: the
	// process keeps the real one for its last words.
	stderr := os.Stderr
	proc := cli.StartProcess(stderr, os.Exit, cli.InterruptGrace)
	proc.Exit(run(proc.Context(), os.Args[1:], stderr))
}

func run(ctx context.Context, args []string, stderr *os.File) (code int) {
	var crashed error
	defer func() {
		if crashed != nil {
			fmt.Fprintln(stderr, "terraform-provider-ekspodsec: "+safetext.Escape(crashed.Error()))
			code = cli.ExitUsage
		}
	}()
	defer crash.Recover("", &crashed)
	if cli.IsProviderInvocation(args) {
		return serve(ctx, args, stderr)
	}
	return cli.Run(ctx, args, cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: stderr})
}

// serve runs the provider server; Terraform (or a debugger with -debug) talks to it.
func serve(ctx context.Context, args []string, stderr *os.File) int {
	fs := flag.NewFlagSet("terraform-provider-ekspodsec", flag.ContinueOnError)
	debug := fs.Bool("debug", false, "run the provider with support for debuggers like delve")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	err := providerserver.Serve(ctx, provider.New(version.Version), providerserver.ServeOpts{
		Address:         providerAddress,
		Debug:           *debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		fmt.Fprintln(stderr, "terraform-provider-ekspodsec: "+safetext.Escape(err.Error()))
		return 1
	}
	if *debug {
		// A debug server stops only on SIGINT, which its own handler caught: ours has
		// it too, or is about to.
		select {
		case <-ctx.Done():
		case <-time.After(cli.InterruptGrace):
		}
		return cli.ExitInterrupted
	}
	return 0
}
