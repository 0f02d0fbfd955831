// Package plancheck is the plan-check pipeline: parse a plan once, adapt its resources to
// typed objects, run the rule catalogue, and assemble the report.
package plancheck

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// Options configure one run.
type Options struct {
	// PlanName names the plan in reports ("-" for stdin).
	PlanName string
	Rules    rules.Options
	Gate     report.Gate
}

// Check runs plan-check over the bytes of a `terraform show -json` plan.
func Check(data []byte, opts Options) (*report.Report, error) {
	p, err := plan.Parse(data)
	if err != nil {
		return nil, err
	}
	tfVersion := p.TerraformVersion
	// After Read nothing refers to the plan's bytes any more (p is not used again), so
	// the garbage collector can free them while the rules run.
	inv, err := plan.NewReader().Read(p)
	if err != nil {
		return nil, err
	}
	eng, err := rules.New(opts.Rules)
	if err != nil {
		return nil, err
	}
	r := &report.Report{
		Plan:             opts.PlanName,
		TerraformVersion: tfVersion,
		Resources:        inv.Resources,
		Objects:          len(inv.Objects),
		Findings:         eng.Run(inv),
		Gate:             opts.Gate,
	}
	if inv.Errored {
		r.Notes = append(r.Notes, "Terraform reported errors while planning: the plan is incomplete, and so is this check")
	}
	if n := len(inv.Objects); n == 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("the plan has no Kubernetes objects that plan-check reads (%d resources will exist after apply)", inv.Resources))
	}
	return r, nil
}
