// Command genplan writes a large `terraform show -json` plan for benchmarks:
//
//	go run ./internal/testutil/plantest/genplan -n 10000 -violating-every 10 > /tmp/plan-10k.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

func main() {
	n := flag.Int("n", 10000, "number of workloads")
	every := flag.Int("violating-every", 10, "one workload in this many is the violating one (1 = all)")
	flag.Parse()
	if _, err := os.Stdout.Write(plantest.LargePlan(*n, *every)); err != nil {
		fmt.Fprintln(os.Stderr, "genplan:", err)
		os.Exit(1)
	}
}
