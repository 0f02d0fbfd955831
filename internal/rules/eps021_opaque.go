package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:       "EPS021",
		Severity: finding.High,
		Title:    "Object cannot be judged until apply",
		Description: "A `kubernetes_manifest` or `kubectl_manifest` whose whole content (or kind) is not known until apply, " +
			"or a `helm_release` whose chart cannot be rendered: an input that decides what the chart renders (a whole " +
			"`values` document, a set list, a set name) is not known until apply, or the chart cannot be fetched or " +
			"rendered (the message gives the reason: offline, unreachable, chart-not-found, render-failed, ...); also a " +
			"rendered object Kubernetes would refuse. No rule can judge it, so it is reported once, as unknown.",
		AppliesTo: "`kubernetes_manifest` and `kubectl_manifest` whose content is unknown until apply; `helm_release` " +
			"whose chart cannot be rendered, and rendered objects that do not decode",
		Guide: "All sections: a value Terraform cannot know yet is never a pass",
		Remediation: "Make the manifest known at plan time (avoid building the whole object from values " +
			"computed during apply), or run plan-check on a later plan once those values exist.",
		Opaque: func(in *ObjectInput) []Result {
			what := "object"
			if in.Obj.Kind != "" {
				what = in.Plain("kind", in.Obj.Kind)
			}
			return []Result{{Status: finding.Unknown,
				Message: fmt.Sprintf("This %s cannot be judged: %s. Every rule that applies to it is unknown until apply.", what, in.Obj.Opaque)}}
		},
	})
}
