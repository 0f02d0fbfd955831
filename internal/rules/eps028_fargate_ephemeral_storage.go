package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// fargateMaxEphemeral is the most ephemeral storage Fargate gives a pod: 175 GiB.
var fargateMaxEphemeral = resource.MustParse("175Gi")

func init() {
	register(Rule{
		ID:       "EPS028",
		Severity: finding.Medium,
		Title:    "Fargate pod requesting more ephemeral storage than Fargate has",
		Description: "A Fargate profile selects the pod (as EPS019 decides) and it requests more than 175 GiB of " +
			"ephemeral storage (`ephemeral-storage` requests, or limits where no request is set; the sum of the " +
			"containers and sidecars, or the largest init container if that is more, as the scheduler counts). " +
			"Fargate gives a pod at most 175 GiB: the pod stays Pending. Medium: nothing is exposed, but the workload " +
			"does not run.",
		Guide: guideFargateLimits,
		Remediation: "Request at most 175Gi of ephemeral-storage for the whole pod on Fargate (use an EFS volume for " +
			"bulk data), or run the workload on EC2 nodes.",
		CEL: &CEL{OptIn: true, NeedsFargate: true,
			Expression: constant(`!variables.onFargate || ` +
				`[variables.podSpec.containers.map(c, ` + celEphemeral + `).sum() + ` +
				`(has(variables.podSpec.initContainers) ? variables.podSpec.initContainers.filter(c, has(c.restartPolicy) && c.restartPolicy == 'Always').map(c, ` + celEphemeral + `).sum() : 0.0), ` +
				`(has(variables.podSpec.initContainers) && variables.podSpec.initContainers.exists(c, !has(c.restartPolicy) || c.restartPolicy != 'Always') ? ` +
				`variables.podSpec.initContainers.filter(c, !has(c.restartPolicy) || c.restartPolicy != 'Always').map(c, ` + celEphemeral + `).max() : 0.0)].max() ` +
				`<= 187904819200.0`),
			Message: constant("pods that run on Fargate can request at most 175Gi of ephemeral storage")},
		Workload: func(in *WorkloadInput) []Result {
			m, matched, known := fargatePod(in)
			if !matched && known {
				return nil
			}
			total := podEphemeralStorage(in.Spec())
			if total.Cmp(fargateMaxEphemeral) <= 0 {
				if matched && in.UnknownWithinResources() {
					return []Result{unknown(in.P(""), "", fmt.Sprintf("Fargate profile %q selects this pod, and its ephemeral-storage requests are not known until apply.", m.Profile.DisplayName()))}
				}
				return nil
			}
			what := fmt.Sprintf("its containers request %s of ephemeral storage", in.plainResources(total.String()))
			if !matched {
				return []Result{unknown(in.P(""), "", fmt.Sprintf("Whether a Fargate profile selects this pod is not known until apply, and %s.", what))}
			}
			return []Result{fail(in.P(""), "", fmt.Sprintf("Fargate profile %q (%s) selects this pod, and %s: Fargate gives a pod at most 175Gi, so the pod stays Pending.", m.Profile.DisplayName(), m.Profile.Source, what))}
		},
	})
}

// celEphemeral is a container's ephemeral-storage request in bytes (its limit when no
// request is set; 0 without either), as a CEL double.
const celEphemeral = `(has(c.resources) && has(c.resources.requests) && 'ephemeral-storage' in c.resources.requests ? ` +
	`quantity(string(c.resources.requests['ephemeral-storage'])).asApproximateFloat() : ` +
	`(has(c.resources) && has(c.resources.limits) && 'ephemeral-storage' in c.resources.limits ? ` +
	`quantity(string(c.resources.limits['ephemeral-storage'])).asApproximateFloat() : 0.0))`

// podEphemeralStorage is what the scheduler counts of a pod's ephemeral storage: the
// containers' and sidecars' requests (limits where no request is set) added up, or the
// largest init container's if that is more.
func podEphemeralStorage(spec *corev1.PodSpec) resource.Quantity {
	req := func(c *corev1.Container) resource.Quantity {
		if q, ok := c.Resources.Requests[corev1.ResourceEphemeralStorage]; ok {
			return q
		}
		if q, ok := c.Resources.Limits[corev1.ResourceEphemeralStorage]; ok {
			return q
		}
		return resource.Quantity{}
	}
	var run, init resource.Quantity
	for i := range spec.Containers {
		run.Add(req(&spec.Containers[i]))
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		q := req(c)
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			run.Add(q)
		} else if q.Cmp(init) > 0 {
			init = q
		}
	}
	if init.Cmp(run) > 0 {
		return init
	}
	return run
}

// plainResources renders a quantity computed from the containers' resources, or Redacted
// when any of those is sensitive.
func (in *WorkloadInput) plainResources(s string) string {
	for _, ref := range in.Containers() {
		if in.Obj.SensitiveWithin(in.P(ref.Path + ".resources")) {
			return Redacted
		}
	}
	return s
}
