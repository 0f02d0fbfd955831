// Command genplan writes a large `terraform show -json` plan for benchmarks, as Terraform
// writes it: every resource in planned_values, resource_changes and the configuration
// section, modules called with for_each, a mix of kinds, each copied from a real plan
// (plantest.WriteRealistic):
//
//	go run ./internal/testutil/plantest/genplan -preset deployments > /tmp/plan-deployments.json
//	go run ./internal/testutil/plantest/genplan -n 5000 -kinds deployment,pod -violating 0.5 > plan.json
//
// Presets (the plans of make bench): deployments (1,000 Deployments, one in ten violating,
// ~23 MB), mix (every kind in turn, one in ten violating, ~32 MB), worst (every kind, all
// violating, ~200 MB).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

func main() {
	preset := flag.String("preset", "", "deployments, mix or worst: the plans of make bench (other flags then only override -n)")
	n := flag.Int("n", 0, "number of workloads (template groups; a group of the rbac, namespace and manifest kinds holds several resources)")
	kinds := flag.String("kinds", "", "comma-separated kinds taken in turn: "+strings.Join(plantest.Kinds, ", ")+" (default: all)")
	violating := flag.Float64("violating", 0.1, "fraction of workloads written from the violating fixture (1 = all)")
	modules := flag.Float64("modules", 0.1, "fraction of workloads written as instances of for_each module calls")
	moduleSize := flag.Int("module-size", 10, "instances per module call")
	flag.Parse()
	opts := plantest.RealisticOptions{N: *n, Violating: *violating, Modules: *modules, ModuleSize: *moduleSize}
	if *kinds != "" {
		opts.Kinds = strings.Split(*kinds, ",")
	}
	if *preset != "" {
		p, ok := plantest.Presets[*preset]
		if !ok {
			fmt.Fprintf(os.Stderr, "genplan: -preset %q: want deployments, mix or worst\n", *preset)
			os.Exit(2)
		}
		if *n > 0 {
			p.N = *n
		}
		opts = p
	}
	if opts.N <= 0 {
		opts.N = 1000
	}
	if err := plantest.WriteRealistic(os.Stdout, opts); err != nil {
		fmt.Fprintln(os.Stderr, "genplan:", err)
		os.Exit(1)
	}
}
