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
	eng, err := rules.New(opts.Rules)
	if err != nil {
		return nil, err
	}
	// Two passes: first everything that gives context (namespaces, policies, roles, EKS
	// facts, manifests), then the typed workloads one at a time, each judged and dropped,
	// so memory stays near the size of the plan itself.
	inv, pending, err := plan.NewReader().ReadContext(p)
	if err != nil {
		return nil, err
	}
	session := eng.Start(inv)
	for _, o := range inv.Objects {
		session.Judge(o)
	}
	objects := len(inv.Objects)
	err = pending.Each(func(o *plan.Object) error {
		objects++
		session.Judge(o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	r := &report.Report{
		Plan:             opts.PlanName,
		TerraformVersion: p.TerraformVersion,
		Resources:        inv.Resources,
		Objects:          objects,
		Findings:         session.Findings(),
		Gate:             opts.Gate,
	}
	if inv.Errored {
		r.Notes = append(r.Notes, "Terraform reported errors while planning: the plan is incomplete, and so is this check")
	}
	if objects == 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("the plan has no Kubernetes objects that plan-check reads (%d resources will exist after apply)", inv.Resources))
	}
	return r, nil
}
