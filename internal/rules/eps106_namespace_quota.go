package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:          "EPS106",
		Peers:       []string{"KSV040"},
		Severity:    finding.Low,
		Description: `A namespace created in the plan gets no ResourceQuota in the plan. A quota on requests and limits caps the namespace and forces every pod to declare them.`,
		Title:       "Namespace created without a ResourceQuota",
		Guide:       guideResources,
		Remediation: "Create a ResourceQuota in the namespace on requests.cpu, requests.memory, limits.cpu and " +
			"limits.memory (ekspodsec_resource_quota): it caps the namespace and forces every pod to declare them.",
		Object: func(in *ObjectInput) []Result {
			ns, _, ok := createdNamespace(in)
			if !ok {
				return nil
			}
			switch {
			case len(in.Ctx.Quotas[ns.Name]) > 0 && !namespaceNameUnknown(in):
				return nil
			case len(in.Ctx.Quotas) == 0 && in.Ctx.QuotasUnknown == 0:
				// No ResourceQuota anywhere in the plan: whatever the name, none is in it.
			case namespaceNameUnknown(in) || in.Ctx.QuotasUnknown > 0:
				return []Result{unknown("metadata.name", "", "Whether a ResourceQuota of the plan is in this namespace is not known until apply.")}
			}
			return []Result{fail("metadata.name", "", fmt.Sprintf("Namespace %s gets no ResourceQuota in this plan: one team's workloads can take the whole cluster.", nsDisplay(in, ns)))}
		},
	})
}
