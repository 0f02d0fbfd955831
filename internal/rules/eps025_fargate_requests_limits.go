package rules

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:       "EPS025",
		Severity: finding.Low,
		Title:    "Fargate pod with requests different from limits",
		Description: "A Fargate profile selects the pod (as EPS019 decides) and a container's CPU or memory limit differs " +
			"from its request. Fargate sizes each pod's VM from the requests (the largest init container's or the sum " +
			"of the others', plus 256 MB, rounded up to a Fargate configuration) and runs it with Guaranteed QoS: a " +
			"limit above the request is never there to be used — the container is throttled or OOM-killed at the VM's " +
			"size, not at its limit — and the request, not the limit, is what is billed. The guide's advice is to set " +
			"requests equal to limits on Fargate. A container with limits only gets requests equal to them (the API " +
			"server's defaulting) and passes; limits missing altogether are EPS015's.",
		Guide: guideFargateLimits,
		Remediation: "Set resources.requests equal to resources.limits (cpu and memory) for every container of the pod, " +
			"sized for what it needs: Fargate bills and sizes the pod by its requests.",
		RemediationTyped: "Set resources { requests = ... } equal to resources { limits = ... } (cpu and memory) for every " +
			"container of the pod: Fargate bills and sizes the pod by its requests.",
		CEL: &CEL{OptIn: true, NeedsFargate: true,
			Expression: constant(`!variables.onFargate || variables.containers.all(c, !has(c.resources) || !has(c.resources.limits) || ` +
				`['cpu', 'memory'].all(r, !(r in c.resources.limits) || !has(c.resources.requests) || !(r in c.resources.requests) || ` +
				`quantity(string(c.resources.requests[r])).compareTo(quantity(string(c.resources.limits[r]))) == 0))`),
			Message: constant("on Fargate, containers must request what they limit (cpu and memory): Fargate sizes the pod by its requests")},
		Workload: func(in *WorkloadInput) []Result {
			m, matched, known := fargatePod(in)
			if !matched && known {
				return nil
			}
			var out []Result
			for _, ref := range in.Containers() {
				if ref.Kind == "ephemeral container" {
					continue // no resources of their own
				}
				diffs := requestLimitDiffs(in, ref)
				switch {
				case len(diffs) > 0 && matched:
					cpu, mem := eks.PodRequest(in.Spec())
					size := "more than Fargate's largest configuration, so it does not run at all"
					if s, ok := eks.FargateSize(cpu, mem); ok {
						size = fmt.Sprintf("%s vCPU / %s GB from its requests", trimNumber(float64(s.MilliCPU)/1000), trimNumber(float64(s.MemoryMiB)/1024))
					}
					out = append(out, fail(in.P(ref.Path+".resources"), in.containerName(ref), fmt.Sprintf(
						"Fargate profile %q (%s) selects this pod, and the %s %s: Fargate sizes the pod at %s, so a limit above the request is never there to be used.",
						m.Profile.DisplayName(), m.Profile.Source, in.describe(ref), strings.Join(diffs, " and "), size)))
				case len(diffs) > 0:
					out = append(out, unknown(in.P(ref.Path+".resources"), in.containerName(ref), fmt.Sprintf(
						"Whether a Fargate profile selects this pod is not known until apply, and the %s %s.", in.describe(ref), strings.Join(diffs, " and "))))
				case matched && in.UnknownWithin(ref.Path+".resources"):
					out = append(out, unknown(in.P(ref.Path+".resources"), in.containerName(ref), fmt.Sprintf(
						"Fargate profile %q selects this pod, and the requests or limits of the %s are not known until apply.", m.Profile.DisplayName(), in.describe(ref))))
				}
			}
			return out
		},
	})
}

// fargatePod finds the Fargate profile that selects the workload's pods (as EPS019
// decides): matched when one does, known false when the plan cannot tell.
func fargatePod(in *WorkloadInput) (eks.Match, bool, bool) {
	if len(in.Ctx.FargateProfiles) == 0 {
		return eks.Match{}, false, true
	}
	return in.Ctx.FargateMatch(in.Obj.Namespace, in.Obj.Unknown("metadata.namespace"), in.W.Template.Labels, in.Obj.UnknownWithin(in.W.TemplatePath+".labels"))
}

// requestLimitDiffs describes, for cpu and memory, a limit the container's request
// (defaulted to the limit when unset) differs from: "requests cpu 250m but limits it to 1".
func requestLimitDiffs(in *WorkloadInput, ref ContainerRef) []string {
	var out []string
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		lim, ok := ref.C.Resources.Limits[r]
		if !ok {
			continue
		}
		req, ok := ref.C.Resources.Requests[r]
		if !ok || req.Cmp(lim) == 0 {
			continue
		}
		reqPath := fmt.Sprintf("%s.resources.requests.%s", ref.Path, r)
		limPath := fmt.Sprintf("%s.resources.limits.%s", ref.Path, r)
		out = append(out, fmt.Sprintf("requests %s %s but limits it to %s", r, in.Plain(reqPath, req.String()), in.Plain(limPath, lim.String())))
	}
	return out
}

// trimNumber renders a number without trailing zeros (0.5, 1, 1.25).
func trimNumber(f float64) string {
	s := strings.TrimRight(fmt.Sprintf("%.3f", f), "0")
	return strings.TrimSuffix(s, ".")
}
