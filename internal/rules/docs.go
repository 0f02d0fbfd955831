package rules

import (
	"fmt"
	"strings"
)

// Doc renders a rule's documentation page (docs/rules/ID.md), the page SARIF results and
// GitHub annotations link to.
func Doc(r Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", r.ID, r.Title)
	applies := "Kubernetes objects other than workloads (PodSecurityPolicy, RBAC, Namespace)"
	if r.Workload != nil {
		applies = "pods and every object with a pod template (Deployment, DaemonSet, StatefulSet, ReplicaSet, ReplicationController, Job, CronJob), in typed `kubernetes_*` resources, `kubernetes_manifest` and `kubectl_manifest`"
	}
	if r.AppliesTo != "" {
		applies = r.AppliesTo
	}
	fmt.Fprintf(&b, "| | |\n|---|---|\n| Severity | %s |\n| Applies to | %s |\n| EKS guide | %s |\n\n", r.Severity, applies, r.Guide)
	fmt.Fprintf(&b, "## What it flags\n\n%s\n\n", r.Description)
	fmt.Fprintf(&b, "## How to fix\n\n%s\n\n", r.Remediation)
	fmt.Fprintf(&b, "## Unknown values\n\nWhen the value that decides is not known until apply, the finding has status `unknown`: never a pass. `--fail-on-unknown` makes unknowns fail the run.\n\n")
	fmt.Fprintf(&b, "## Accepting the risk\n\nIn `.ekspodsec.hcl` (a reviewed, expiring waiver):\n\n```hcl\nwaiver {\n  rule    = %q\n  address = \"module.example.kubernetes_deployment_v1.*\"\n  reason  = \"why this risk is accepted\"\n  expires = \"2027-06-30\"\n}\n```\n\n", r.ID)
	fmt.Fprintf(&b, "or on the Kubernetes object's metadata: `ekspodsec.io/waive: \"%s=why this risk is accepted\"`. ", r.ID)
	fmt.Fprintf(&b, "Waived findings are still reported, with status `waived`, and never fail the run. To change the rule's severity or turn it off everywhere: `rule %q { severity = \"low\" }` or `rule %q { enabled = false }`.\n\n", r.ID, r.ID)
	fmt.Fprintf(&b, "See [plan-check](../plan-check.md) for the whole catalogue.\n")
	return b.String()
}
