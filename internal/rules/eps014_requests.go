package rules

import (
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS014",
		Peers:       []string{"CKV_K8S_10", "CKV_K8S_13", "577ac19c-6a77-46d7-9f14-e049cdd15ec2", "21719347-d02b-497d-bda4-04a03c8e5b61", "KSV015", "KSV016"},
		Severity:    finding.Medium,
		Description: `A container has no CPU or memory request and no LimitRange created in the plan gives its namespace a default. The scheduler then places it as if it needed nothing. A limit without a request counts as a request (the API server copies it).`,
		Title:       "CPU or memory request missing",
		Guide:       guideResources,
		Remediation: "Set resources { requests = { cpu = ..., memory = ... } } on the container, or create a " +
			"LimitRange with default_request in its namespace (ekspodsec_limit_range).",
		// Requests and limits are judged on pods: the namespace's LimitRange fills its defaults
		// into a pod before validation, but not into a Deployment's template, so checking
		// templates would refuse workloads that rightly rely on LimitRange defaults.
		CEL: &CEL{
			Expression: constant(`object.kind != 'Pod' || variables.containers.all(c, has(c.resources) && has(c.resources.requests) && ` +
				`'cpu' in c.resources.requests && 'memory' in c.resources.requests)`),
			Message: constant("every container must request cpu and memory (set them, or give the namespace a LimitRange with defaults)")},
		Workload: func(in *WorkloadInput) []Result {
			return resourceCheck(in, true)
		},
	})
}
