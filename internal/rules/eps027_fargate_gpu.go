package rules

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// acceleratorResources are the extended resources of accelerators EKS nodes offer and
// Fargate does not: GPUs and AWS Inferentia/Trainium (Neuron) devices.
var acceleratorResources = []corev1.ResourceName{"nvidia.com/gpu", "amd.com/gpu", "aws.amazon.com/neuron", "aws.amazon.com/neuroncore", "aws.amazon.com/neurondevice"}

func init() {
	register(Rule{
		ID:       "EPS027",
		Severity: finding.Medium,
		Title:    "Fargate pod requesting a GPU",
		Description: "A Fargate profile selects the pod (as EPS019 decides) and a container requests a GPU or another " +
			"accelerator (`nvidia.com/gpu`, `amd.com/gpu`, `aws.amazon.com/neuron*`). Fargate has no GPUs or Neuron " +
			"devices: the pod stays Pending. Medium: nothing is exposed, but the workload does not run.",
		Guide: guideFargateLimits,
		Remediation: "Run the workload on EC2 nodes with the accelerator (a GPU node group or Karpenter NodePool), by " +
			"changing its namespace or labels so no Fargate profile selects it.",
		CEL: &CEL{OptIn: true, NeedsFargate: true,
			Expression: constant(`!variables.onFargate || variables.containers.all(c, !has(c.resources) || ` +
				celList(resourceNames(acceleratorResources)) + `.all(r, ` +
				`(!has(c.resources.requests) || !(r in c.resources.requests) || !quantity(string(c.resources.requests[r])).isGreaterThan(quantity('0'))) && ` +
				`(!has(c.resources.limits) || !(r in c.resources.limits) || !quantity(string(c.resources.limits[r])).isGreaterThan(quantity('0')))))`),
			Message: constant("pods that run on Fargate cannot request GPUs or other accelerators")},
		Workload: func(in *WorkloadInput) []Result {
			m, matched, known := fargatePod(in)
			if !matched && known {
				return nil
			}
			var out []Result
			for _, ref := range in.Containers() {
				if ref.Kind == "ephemeral container" {
					continue
				}
				asks := map[corev1.ResourceName]string{}
				for _, r := range acceleratorResources {
					for _, list := range []struct {
						name string
						rl   corev1.ResourceList
					}{{"requests", ref.C.Resources.Requests}, {"limits", ref.C.Resources.Limits}} {
						if q, ok := list.rl[r]; ok && q.Sign() > 0 {
							asks[r] = in.Plain(fmt.Sprintf("%s.resources.%s[%q]", ref.Path, list.name, r), q.String())
						}
					}
				}
				if len(asks) == 0 {
					continue
				}
				var what []string
				for r, q := range asks {
					what = append(what, fmt.Sprintf("%s %s", q, r))
				}
				sort.Strings(what)
				p := in.P(ref.Path + ".resources")
				if matched {
					out = append(out, fail(p, in.containerName(ref), fmt.Sprintf("Fargate profile %q (%s) selects this pod, and the %s asks for %v: Fargate has no GPUs or accelerators, so the pod stays Pending.", m.Profile.DisplayName(), m.Profile.Source, in.describe(ref), joinAnd(what))))
				} else {
					out = append(out, unknown(p, in.containerName(ref), fmt.Sprintf("Whether a Fargate profile selects this pod is not known until apply, and the %s asks for %v.", in.describe(ref), joinAnd(what))))
				}
			}
			return out
		},
	})
}

func resourceNames(rs []corev1.ResourceName) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// joinAnd renders "a", "a and b", "a, b and c".
func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	s := ""
	for i, p := range parts[:len(parts)-1] {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s + " and " + parts[len(parts)-1]
}
