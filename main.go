// Command terraform-provider-ekspodsec is the ekspodsec Terraform provider and, with a
// subcommand, the ekspodsec CLI (plan-check, render, version).
//
// Terraform starts a provider binary with no arguments (or -debug), so that is what serves
// the provider; anything else is a CLI subcommand.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/cli"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/provider"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/version"
)

// providerAddress is the registry address users write as source = "ekspodsec/ekspodsec".
const providerAddress = "registry.terraform.io/ekspodsec/ekspodsec"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	args := os.Args[1:]
	if cli.IsProviderInvocation(args) {
		os.Exit(serve(ctx, args))
	}
	os.Exit(cli.Run(ctx, args, cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}

// serve runs the provider server; Terraform (or a debugger with -debug) talks to it.
func serve(ctx context.Context, args []string) int {
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
		fmt.Fprintln(os.Stderr, "terraform-provider-ekspodsec:", err)
		return 1
	}
	return 0
}
