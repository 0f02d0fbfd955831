package rules

import "github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"

// PSSLevel is the Pod Security Standards level of a workload as Judge reports it in its
// verdicts (restricted, baseline, privileged, or unknown when an unknown field could
// change it); "" for an object that is not a workload. It answers for a workload that has
// no verdict at all too: plan-check --diff compares the level of an object as it exists
// now with the plan's.
func (e *Engine) PSSLevel(ctx *Context, o *object.Object) string {
	if o.Pod == nil || o.Opaque != "" {
		return ""
	}
	return e.pssLevel(&WorkloadInput{Obj: o, W: o.Pod, Ctx: ctx, failed: map[string]map[string]bool{}})
}
