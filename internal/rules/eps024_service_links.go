package rules

import (
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:       "EPS024",
		Severity: finding.Info,
		Title:    "Service links not disabled",
		Description: "The pod does not set `enableServiceLinks: false`, so Kubernetes injects environment variables " +
			"(`<SERVICE>_SERVICE_HOST`, `<SERVICE>_PORT`, ...) for every Service of its namespace into each container. " +
			"The guide's \"disable service discovery\": a pod that does not call other services should not be handed " +
			"their addresses, which an intruder reads with `env` instead of having to probe. Info: the same addresses " +
			"are in cluster DNS (the guide also suggests `dnsPolicy: Default` for such pods, and NetworkPolicies to " +
			"block what DNS still reveals), so disabling links reduces what is handed out, it does not hide the " +
			"services. Namespaces with many Services also get very large environments, which slows container starts.",
		Guide: guideServiceLinks,
		Remediation: "Set enableServiceLinks: false in the pod spec unless the application reads the " +
			"<SERVICE>_SERVICE_HOST variables (use the Services' DNS names instead).",
		RemediationTyped: "Set enable_service_links = false in the pod spec unless the application reads the " +
			"<SERVICE>_SERVICE_HOST variables (use the Services' DNS names instead).",
		CEL: &CEL{OptIn: true,
			Expression: constant(`has(variables.podSpec.enableServiceLinks) && !variables.podSpec.enableServiceLinks`),
			Message:    constant("pods must set enableServiceLinks: false")},
		Workload: func(in *WorkloadInput) []Result {
			v := in.Spec().EnableServiceLinks
			switch {
			case v != nil && !*v:
				return nil
			case v == nil && in.Unknown("enableServiceLinks"):
				return []Result{unknown(in.P("enableServiceLinks"), "", "Whether the pod gets service links is not known until apply.")}
			case v != nil && in.Obj.Defaulted(in.P("enableServiceLinks")) != "":
				return []Result{fail(in.P("enableServiceLinks"), "", "The pod does not set enableServiceLinks to false, and "+in.Obj.Defaulted(in.P("enableServiceLinks"))+": every container gets the address and port of every Service of namespace "+in.namespaceText()+" as environment variables.")}
			case v != nil:
				return []Result{fail(in.P("enableServiceLinks"), "", "The pod sets enableServiceLinks to true: every container gets the address and port of every Service of namespace "+in.namespaceText()+" as environment variables.")}
			}
			return []Result{fail(in.P("enableServiceLinks"), "", "The pod does not set enableServiceLinks: false, and Kubernetes defaults it to true: every container gets the address and port of every Service of namespace "+in.namespaceText()+" as environment variables.")}
		},
	})
}

// namespaceText is the workload's namespace for messages ("(not known until apply)"
// when it is unknown, Redacted when sensitive).
func (in *WorkloadInput) namespaceText() string {
	if in.Obj.Unknown("metadata.namespace") {
		return "(not known until apply)"
	}
	return plainAt(in.Obj, "metadata.namespace", in.Obj.Namespace)
}
