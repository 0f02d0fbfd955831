package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:       "EPS022",
		Severity: finding.Info,
		Title:    "Fargate pod without requests gets the smallest size",
		Description: "A Fargate profile selects the pod, none of its containers requests CPU or memory and no LimitRange " +
			"of its namespace gives them default requests, so Fargate gives it the smallest configuration, 0.25 vCPU " +
			"and 0.5 GB, whatever it needs: it may be starved or OOM-killed.",
		Guide: guideFargate,
		Remediation: "Set resources { requests = ... } (equal to limits: Fargate pods run with guaranteed QoS) so " +
			"Fargate sizes the pod for what it needs.",
		Workload: func(in *WorkloadInput) []Result {
			if len(in.Ctx.FargateProfiles) == 0 {
				return nil
			}
			cpu, mem := eks.PodRequest(in.Spec())
			if cpu != 0 || mem != 0 || in.UnknownWithinResources() {
				return nil
			}
			m, matched, _ := in.Ctx.FargateMatch(in.Obj.Namespace, in.Obj.Unknown("metadata.namespace"),
				in.W.Template.Labels, in.Obj.UnknownWithin(in.W.TemplatePath+".labels"))
			if !matched {
				return nil
			}
			// A LimitRange of the namespace fills its default requests in at admission,
			// before Fargate's webhook sizes the pod: then it is sized by them.
			d := in.Ctx.LimitRangeDefaults(in.Obj.Namespace)
			if d.request[corev1.ResourceCPU] || d.request[corev1.ResourceMemory] {
				return nil
			}
			if d.unknown {
				return []Result{unknown(in.P(""), "", fmt.Sprintf("Fargate profile %q selects this pod and no container requests CPU or memory; whether a LimitRange gives them default requests is not known until apply (else Fargate runs it with 0.25 vCPU and 0.5 GB).", m.Profile.DisplayName()))}
			}
			return []Result{fail(in.P(""), "", fmt.Sprintf("Fargate profile %q selects this pod and no container requests CPU or memory: Fargate runs it with 0.25 vCPU and 0.5 GB.", m.Profile.DisplayName()))}
		},
	})
}

// UnknownWithinResources reports whether any container's resources are unknown.
func (in *WorkloadInput) UnknownWithinResources() bool {
	for _, ref := range in.Containers() {
		if in.UnknownWithin(ref.Path + ".resources") {
			return true
		}
	}
	return false
}
