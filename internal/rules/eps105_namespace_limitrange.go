package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS105",
		Peers:       []string{"KSV039"},
		Severity:    finding.Low,
		Description: `A namespace created in the plan gets no LimitRange in the plan, so containers that set no requests or limits get none.`,
		Title:       "Namespace created without a LimitRange",
		Guide:       guideResources,
		Remediation: "Create a LimitRange in the namespace with default requests and limits for containers " +
			"(ekspodsec_limit_range, or ekspodsec_namespace for the whole set).",
		Object: func(in *ObjectInput) []Result {
			ns, _, ok := createdNamespace(in)
			if !ok {
				return nil
			}
			switch {
			case len(in.Ctx.LimitRanges[ns.Name]) > 0 && !namespaceNameUnknown(in):
				return nil
			case len(in.Ctx.LimitRanges) == 0 && in.Ctx.LimitRangesUnknown == 0:
				// No LimitRange anywhere in the plan: whatever the name, none is in it.
			case namespaceNameUnknown(in) || in.Ctx.LimitRangesUnknown > 0:
				return []Result{unknown("metadata.name", "", "Whether a LimitRange of the plan is in this namespace is not known until apply.")}
			}
			return []Result{fail("metadata.name", "", fmt.Sprintf("Namespace %s gets no LimitRange in this plan: containers without requests or limits are scheduled as if they needed nothing.", nsDisplay(in, ns)))}
		},
	})
}
