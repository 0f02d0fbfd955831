package rules

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS015",
		Peers:       []string{"CKV_K8S_11", "CKV_K8S_12", "60af03ff-a421-45c8-b214-6741035476fa", "5f4735ce-b9ba-4d95-a089-a37a767b716f", "fd097ed0-7fe6-4f58-8b71-fef9f0820a21", "KSV011", "KSV018"},
		Severity:    finding.Medium,
		Description: `A container has no CPU or memory limit and no LimitRange created in the plan gives its namespace a default: one runaway container can starve every other pod on its node.`,
		Title:       "CPU or memory limit missing",
		Guide:       guideResources,
		Remediation: "Set resources { limits = { cpu = ..., memory = ... } } on the container, or create a " +
			"LimitRange with a default (limit) in its namespace (ekspodsec_limit_range).",
		// Judged on pods only, as EPS014's form (LimitRange defaults apply to pods).
		CEL: &CEL{
			Expression: constant(`object.kind != 'Pod' || variables.containers.all(c, has(c.resources) && has(c.resources.limits) && ` +
				`'cpu' in c.resources.limits && 'memory' in c.resources.limits)`),
			Message: constant("every container must set cpu and memory limits (set them, or give the namespace a LimitRange with defaults)")},
		Workload: func(in *WorkloadInput) []Result {
			return resourceCheck(in, false)
		},
	})
}

// resourceCheck is EPS014 (requests) and EPS015 (limits). A container is covered when it
// sets the value, when (for requests) it sets the limit (the API server copies limits into
// missing requests), when the pod sets pod-level resources, or when a LimitRange the plan
// creates in its namespace fills a default in.
func resourceCheck(in *WorkloadInput, requests bool) []Result {
	what, field := "limit", "limits"
	if requests {
		what, field = "request", "requests"
	}
	if podLevelCovers(in.Spec().Resources, requests) {
		return nil
	}
	ns := in.Obj.Namespace
	nsUnknown := in.Obj.Unknown("metadata.namespace")
	defaults := in.Ctx.LimitRangeDefaults(ns)
	var out []Result
	for _, ref := range in.Containers() {
		if ref.Kind == "ephemeral container" {
			continue // ephemeral containers cannot have resources
		}
		var missing, unknownRes []string
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			set := hasResource(ref.C.Resources, r, requests)
			p := in.P(ref.Path + ".resources." + field + "." + string(r))
			switch {
			case set:
			case in.Obj.Unknown(p) || (requests && in.Obj.Unknown(in.P(ref.Path+".resources.limits."+string(r)))):
				unknownRes = append(unknownRes, string(r))
			case !requests && defaults.limit[r], requests && defaults.request[r]:
			case nsUnknown || defaults.unknown:
				unknownRes = append(unknownRes, string(r))
			default:
				missing = append(missing, string(r))
			}
		}
		path := in.P(ref.Path + ".resources." + field)
		switch {
		case len(missing) > 0:
			out = append(out, fail(path, in.containerName(ref), fmt.Sprintf("The %s has no %s %s%s, and no LimitRange in the plan gives namespace %s a default: %s.",
				in.describe(ref), strings.Join(missing, " or "), what, plural(missing), nsName(in, ns, nsUnknown), resourceWhy(requests))))
		case len(unknownRes) > 0:
			out = append(out, unknown(path, in.containerName(ref), fmt.Sprintf("The %s %s of the %s is not known until apply (a computed value, or a LimitRange whose namespace or defaults are computed).",
				strings.Join(unknownRes, " and "), what, in.describe(ref))))
		}
	}
	return append(out, in.unknownContainers("resource "+field)...)
}

func plural(s []string) string {
	if len(s) > 1 {
		return "s"
	}
	return ""
}

func nsName(in *WorkloadInput, ns string, unknown bool) string {
	if unknown {
		return "(not known until apply)"
	}
	if in.Obj.Sensitive("metadata.namespace") {
		return Redacted
	}
	return fmt.Sprintf("%q", ns)
}

func resourceWhy(requests bool) string {
	if requests {
		return "the scheduler places it as if it needed nothing, so nodes get overcommitted and it is the first to be evicted"
	}
	return "one runaway container can starve every other pod on its node"
}

func hasResource(r corev1.ResourceRequirements, name corev1.ResourceName, requests bool) bool {
	if _, ok := r.Limits[name]; ok {
		return true // a limit without a request becomes the request, too
	}
	if requests {
		_, ok := r.Requests[name]
		return ok
	}
	return false
}

func podLevelCovers(r *corev1.ResourceRequirements, requests bool) bool {
	if r == nil {
		return false
	}
	return hasResource(*r, corev1.ResourceCPU, requests) && hasResource(*r, corev1.ResourceMemory, requests)
}
