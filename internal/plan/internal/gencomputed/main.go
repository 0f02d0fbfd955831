// Command gencomputed regenerates package plan's table of computed attributes and blocks
// (computed_gen.go) from the provider schema and the probe plan, or, with -probe, the
// probe configuration to plan. Run from internal/plan (go generate does):
//
//	go run ./internal/gencomputed -probe   # testdata/computed-probe/main.tf
//	(plan it: see testdata/computed-probe/README.md)
//	go run ./internal/gencomputed          # computed_gen.go
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan/internal/computedgen"
)

const (
	schemaFile = "testdata/kubernetes-provider-schema.json"
	probeTF    = "testdata/computed-probe/main.tf"
	probePlan  = "testdata/computed-probe/plan.json"
	output     = "computed_gen.go"
)

func main() {
	probe := flag.Bool("probe", false, "write the probe configuration instead of the table")
	flag.Parse()
	if err := run(*probe); err != nil {
		fmt.Fprintln(os.Stderr, "gencomputed:", err)
		os.Exit(1)
	}
}

func run(probe bool) error {
	schema, err := os.ReadFile(schemaFile)
	if err != nil {
		return err
	}
	if probe {
		out, err := computedgen.ProbeConfig(schema)
		if err != nil {
			return err
		}
		return os.WriteFile(probeTF, out, 0o644)
	}
	plan, err := os.ReadFile(probePlan)
	if err != nil {
		return err
	}
	out, err := computedgen.Generate(schema, plan)
	if err != nil {
		return err
	}
	return os.WriteFile(output, out, 0o644)
}
