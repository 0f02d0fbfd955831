package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS019",
		Severity:    finding.High,
		Description: `A Fargate profile of the plan (` + "`" + `aws_eks_fargate_profile` + "`" + `) selects the pod (namespace and labels, with ` + "`" + `*` + "`" + ` and ` + "`" + `?` + "`" + ` wildcards), and the pod asks for what Fargate refuses: a privileged container, ` + "`" + `hostNetwork` + "`" + `, a ` + "`" + `hostPort` + "`" + `, added capabilities, or it is a DaemonSet. Fargate leaves such pods Pending.`,
		Title:       "Pod selected by a Fargate profile asks for what Fargate refuses",
		Guide:       guideFargate,
		Remediation: "Remove what Fargate refuses (privileged, host_network, host_port, capabilities.add), or run " +
			"the workload on EC2 nodes by changing its namespace or labels so no Fargate profile selects it. " +
			"DaemonSets never run on Fargate.",
		CEL: &CEL{Applies: func(o CELOptions) bool { return o.Fargate },
			Expression: constant(`!variables.onFargate || (object.kind != 'DaemonSet' && ` +
				`!(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork) && ` +
				`variables.allContainers.all(c, ` +
				`!(has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged) && ` +
				`!(has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add) && c.securityContext.capabilities.add.size() > 0) && ` +
				`(!has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))))`),
			Message: constant("pods that run on Fargate cannot be privileged, use hostNetwork or hostPort, add capabilities, or be part of a DaemonSet")},
		Workload: func(in *WorkloadInput) []Result {
			if len(in.Ctx.FargateProfiles) == 0 {
				return nil
			}
			type problem struct{ path, container, what string }
			var problems []problem
			if in.Obj.Kind == "DaemonSet" {
				problems = append(problems, problem{"kind", "", "it is a DaemonSet, and DaemonSets never run on Fargate"})
			}
			if in.Spec().HostNetwork {
				problems = append(problems, problem{in.P("hostNetwork"), "", "hostNetwork is true"})
			}
			for _, ref := range in.Containers() {
				c := sc(ref.C)
				if c.Privileged != nil && *c.Privileged {
					problems = append(problems, problem{in.P(ref.Path + ".securityContext.privileged"), in.containerName(ref), "the " + in.describe(ref) + " is privileged"})
				}
				if c.Capabilities != nil && len(c.Capabilities.Add) > 0 {
					problems = append(problems, problem{in.P(ref.Path + ".securityContext.capabilities.add"), in.containerName(ref), "the " + in.describe(ref) + " adds capabilities"})
				}
				for j, p := range ref.C.Ports {
					if p.HostPort != 0 {
						problems = append(problems, problem{in.P(fmt.Sprintf("%s.ports[%d].hostPort", ref.Path, j)), in.containerName(ref), "the " + in.describe(ref) + " binds a host port"})
					}
				}
			}
			if len(problems) == 0 {
				return nil
			}
			labelsUnknown := in.Obj.UnknownWithin(in.W.TemplatePath + ".labels")
			m, matched, known := in.Ctx.FargateMatch(in.Obj.Namespace, in.Obj.Unknown("metadata.namespace"), in.W.Template.Labels, labelsUnknown)
			var out []Result
			for _, p := range problems {
				switch {
				case matched:
					out = append(out, fail(p.path, p.container, fmt.Sprintf("Fargate profile %q (%s) selects this pod with selector %s, and %s: Fargate will refuse to run it, so it stays Pending.",
						m.Profile.DisplayName(), m.Profile.Source, m.Selector, p.what)))
				case !known:
					out = append(out, unknown(p.path, p.container, fmt.Sprintf("Whether a Fargate profile selects this pod is not known until apply (namespace, labels or selectors are computed), and %s.", p.what)))
				}
			}
			return out
		},
	})
}
