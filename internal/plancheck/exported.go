package plancheck

import (
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// What the provider's functions share with plan-check: a verdict becomes a finding, and a
// Fargate pod is sized, in one place for both.

// Findings turns the verdicts on one object of a plan (s is its Subject) into findings, as
// plan-check reports them, with the object's inline waivers applied; the notes are about
// waiver entries that waive nothing.
func Findings(o *plan.Object, s *object.Object, verdicts []rules.Verdict) ([]finding.Finding, []string) {
	return finish(o, s, verdicts, nil)
}

// FargateBill is what Fargate bills a pod, as plan-check reports it.
type FargateBill struct {
	// Note says why the pod has no size ("" when it has one): a DaemonSet, requests not
	// known until apply, or more than Fargate's largest configuration.
	Note string
	// RequestsUnknown is set when the requests are not known until apply.
	RequestsUnknown bool
	// RequestMilliCPU and RequestMemoryMiB are the pod's request as Fargate computes it
	// (eks.PodRequest), the memory rounded up to MiB; zero for a DaemonSet and when the
	// requests are unknown.
	RequestMilliCPU, RequestMemoryMiB int64
	// Size is the configuration billed; Sized is false when there is none.
	Size  eks.Size
	Sized bool
}

// FargateBillOf sizes the pod of workload o (o.Pod is set) as Fargate would if it runs it.
func FargateBillOf(o *object.Object) FargateBill {
	if o.Kind == "DaemonSet" {
		return FargateBill{Note: "DaemonSets never run on Fargate (EPS019)"}
	}
	for _, u := range o.UnknownPaths() {
		if strings.Contains(u, ".resources") || strings.HasSuffix(u, "containers") || strings.HasSuffix(u, "initContainers") {
			return FargateBill{Note: "requests not known until apply", RequestsUnknown: true}
		}
	}
	cpu, mem := eks.PodRequest(&o.Pod.Spec)
	b := FargateBill{RequestMilliCPU: cpu, RequestMemoryMiB: (mem + (1 << 20) - 1) >> 20}
	size, ok := eks.FargateSize(cpu, mem)
	if !ok {
		b.Note = "the pod requests more than Fargate's largest configuration (16 vCPU, 120 GB): Fargate will not run it"
		return b
	}
	b.Size, b.Sized = size, true
	return b
}
