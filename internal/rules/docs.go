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
	fmt.Fprintf(&b, "| | |\n|---|---|\n| Severity | %s |\n| Applies to | %s |\n| EKS guide | %s |\n", r.Severity, applies, r.Guide)
	if r.DefaultOff {
		fmt.Fprintf(&b, "| Default | off: turn it on with `rule %q { enabled = true }` in `.ekspodsec.hcl` |\n", r.ID)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "## What it flags\n\n%s\n\n", r.Description)
	fmt.Fprintf(&b, "## How to fix\n\n%s\n\n", r.Remediation)
	if r.RemediationTyped != "" {
		fmt.Fprintf(&b, "With the kubernetes provider's typed resources (`kubernetes_deployment_v1`, ...): %s\n\n", r.RemediationTyped)
	}
	if r.CEL != nil && r.CEL.OptIn {
		fmt.Fprintf(&b, "## Admission policy\n\n`ekspodsec_validating_admission_policy` enforces it when asked: `additional_rules = [%q]`%s.\n\n", r.ID, celCondition(r))
	}
	if peers := peerText(r); peers != "" {
		fmt.Fprintf(&b, "## Other tools\n\nThis rule covers %s. See [the migration map](../peers.md).\n\n", peers)
	}
	if rel := relationships(r); rel != "" {
		fmt.Fprintf(&b, "## Relationships\n\n%s\n\n", rel)
	}
	fmt.Fprintf(&b, "## Unknown values\n\nWhen the value that decides is not known until apply, the finding has status `unknown`: never a pass. `--fail-on-unknown` makes unknowns fail the run.\n\n")
	fmt.Fprintf(&b, "## Accepting the risk\n\nIn `.ekspodsec.hcl` (a reviewed, expiring waiver):\n\n```hcl\nwaiver {\n  rule    = %q\n  address = \"module.example.kubernetes_deployment_v1.*\"\n  reason  = \"why this risk is accepted\"\n  expires = \"2027-06-30\"\n}\n```\n\n", r.ID)
	fmt.Fprintf(&b, "or on the Kubernetes object's metadata: `ekspodsec.io/waive: \"%s=why this risk is accepted\"`. ", r.ID)
	fmt.Fprintf(&b, "Waived findings are still reported, with status `waived`, and never fail the run. To change the rule's severity or turn it off everywhere: `rule %q { severity = \"low\" }` or `rule %q { enabled = false }`.\n\n", r.ID, r.ID)
	fmt.Fprintf(&b, "See [plan-check](../plan-check.md) for the whole catalogue.\n")
	return b.String()
}

// Markers of the generated catalogue table in docs/plan-check.md.
const (
	TableBegin = "<!-- rules:begin (generated from the catalogue by `make docs`; do not edit) -->"
	TableEnd   = "<!-- rules:end -->"
)

// Table renders the catalogue as the Markdown table of docs/plan-check.md, between
// TableBegin and TableEnd.
func Table() string {
	var b strings.Builder
	b.WriteString(TableBegin + "\n| ID | severity | title | guide section | relationships |\n|---|---|---|---|---|\n")
	for _, r := range Catalogue() {
		sev := r.Severity.String()
		if r.SeverityNote != "" {
			sev += " (" + r.SeverityNote + ")"
		}
		if r.DefaultOff {
			sev += ", off by default"
		}
		rel := ""
		if len(r.ImpliedBy) > 0 {
			rel = "implied by " + strings.Join(r.ImpliedBy, ", ") + " (not reported for a container that fails it)"
		}
		fmt.Fprintf(&b, "| [%s](rules/%s.md) | %s | %s | %s | %s |\n", r.ID, r.ID, sev, r.Title, r.Guide, rel)
	}
	b.WriteString(TableEnd)
	return b.String()
}

// ReplaceTable returns doc with the generated table between its markers, or false when
// the markers are missing.
func ReplaceTable(doc string) (string, bool) {
	i, j := strings.Index(doc, TableBegin), strings.Index(doc, TableEnd)
	if i < 0 || j < i {
		return doc, false
	}
	return doc[:i] + Table() + doc[j+len(TableEnd):], true
}

// relationships describes a rule's place among the others: what implies it, what it implies.
func relationships(r Rule) string {
	var parts []string
	if len(r.ImpliedBy) > 0 {
		parts = append(parts, fmt.Sprintf("Implied by %s: a container that fails %s is not reported under %s too; that finding's message says it (%s).",
			strings.Join(r.ImpliedBy, ", "), strings.Join(r.ImpliedBy, " or "), r.ID, r.Implies))
	}
	if also := impliedText(r.ID); also != "" {
		parts = append(parts, fmt.Sprintf("Implies %s for the same container: those rules do not report it separately, and waiving %s waives the whole problem.", also, r.ID))
	}
	return strings.Join(parts, " ")
}

// peerText lists the peer checks a rule covers for its page: "Checkov CKV_K8S_16 (Do not
// admit privileged containers), Trivy KSV017 (Privileged)".
func peerText(r Rule) string {
	var parts []string
	for _, id := range r.Peers {
		p, ok := PeerByID(id)
		if !ok {
			continue // TestPeerMap reports it
		}
		parts = append(parts, fmt.Sprintf("%s `%s` (%s)", p.Tool, p.ID, p.Title))
	}
	return strings.Join(parts, ", ")
}

// celCondition says what else the rule's CEL form needs beyond being asked for.
func celCondition(r Rule) string {
	if r.CEL.NeedsFargate {
		return ", for the pods `fargate_selectors` select"
	}
	return ""
}
