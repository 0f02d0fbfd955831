package rules

import (
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func eps014() Rule {
	return Rule{
		ID:          "EPS014",
		Severity:    finding.Medium,
		Description: `A container has no CPU or memory request and no LimitRange created in the plan gives its namespace a default. The scheduler then places it as if it needed nothing. A limit without a request counts as a request (the API server copies it).`,
		Title:       "CPU or memory request missing",
		Guide:       guideResources,
		Remediation: "Set resources { requests = { cpu = ..., memory = ... } } on the container, or create a " +
			"LimitRange with default_request in its namespace (ekspodsec_limit_range).",
		Workload: func(in *WorkloadInput) []Result {
			return resourceCheck(in, true)
		},
	}
}
