package rules

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// CEL is a rule's form in the ValidatingAdmissionPolicy that internal/admission renders:
// one validation, written over the policy's variables —
//
//	variables.podSpec          the pod spec, whatever the kind (Pod, CronJob, templates)
//	variables.podMeta          the pods' metadata ({} when absent)
//	variables.containers       containers + initContainers
//	variables.allContainers    containers + initContainers + ephemeralContainers
//	variables.hostPathVolumes  the hostPath volumes
//	variables.hostPathNames    their names
//	variables.onFargate        whether a Fargate selector selects the pod (with Fargate selectors)
//
// The CEL/Go differential test (internal/admission) holds every rule with a CEL form to
// the same verdict as its Go check on every fixture workload.
type CEL struct {
	// Applies says whether the policy enforces the rule with these options (default:
	// always).
	Applies func(o CELOptions) bool
	// Expression is true when the object complies.
	Expression func(o CELOptions) string
	// Message is what the API server says when it refuses (the rule ID is prefixed).
	Message func(o CELOptions) string
	// OptIn forms are enforced only when the policy is asked for them by rule ID
	// (CELOptions.AdditionalRules; the data source's additional_rules): the rules added
	// with the current guide and the peers' checks, which would otherwise refuse pods that
	// today's policies admit.
	OptIn bool
	// NeedsFargate forms judge only pods a Fargate selector selects (variables.onFargate):
	// they apply only when the policy knows Fargate selectors.
	NeedsFargate bool
}

// CELOptions are the policy's options that change what its validations say.
type CELOptions struct {
	// AllowedHostPaths are the prefixes hostPath volumes may use (read-only); none means
	// no hostPath at all.
	AllowedHostPaths []profile.HostPath
	// AllowedCapabilities may be added.
	AllowedCapabilities []string
	// Fargate is set when the policy knows Fargate selectors (variables.onFargate exists).
	Fargate bool
	// PodSecurityStandards adds the restricted-level rules Pod Security Admission also
	// enforces, for clusters that want one mechanism.
	PodSecurityStandards bool
	// AdditionalRules are the IDs of opt-in forms (CEL.OptIn) the policy enforces.
	AdditionalRules []string
}

// CELValidation is one rule's validation, ready for the policy.
type CELValidation struct {
	Rule       string
	Expression string
	Message    string
}

// CELValidations lists the validations of every rule of the catalogue that has a CEL form
// applying with o, in catalogue order.
func CELValidations(o CELOptions) []CELValidation {
	var out []CELValidation
	for _, r := range Catalogue() {
		if r.CEL == nil || (r.CEL.Applies != nil && !r.CEL.Applies(o)) {
			continue
		}
		if r.CEL.OptIn && !slices.Contains(o.AdditionalRules, r.ID) || r.CEL.NeedsFargate && !o.Fargate {
			continue
		}
		out = append(out, CELValidation{Rule: r.ID, Expression: r.CEL.Expression(o), Message: r.ID + ": " + r.CEL.Message(o)})
	}
	return out
}

// OptInRules lists, in catalogue order, the rules whose CEL form a policy enforces only
// when asked (CELOptions.AdditionalRules), and whether each needs Fargate selectors.
func OptInRules() []Rule {
	var out []Rule
	for _, r := range Catalogue() {
		if r.CEL != nil && r.CEL.OptIn {
			out = append(out, r)
		}
	}
	return out
}

// constant returns a CEL part that does not depend on the options.
func constant(s string) func(CELOptions) string { return func(CELOptions) string { return s } }

// withPSS applies a rule only with PodSecurityStandards (PSA enforces it otherwise).
func withPSS(o CELOptions) bool { return o.PodSecurityStandards }

// celList renders a CEL list of string literals.
func celList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// hostPathPrefixes are the allowed prefixes as the CEL forms compare them.
func hostPathPrefixes(o CELOptions) []string {
	var out []string
	for _, hp := range o.AllowedHostPaths {
		out = append(out, strings.TrimSuffix(hp.PathPrefix, "/"))
	}
	return out
}

// celCapabilities are the capabilities containers may add (the restricted allowance,
// NET_BIND_SERVICE, unless the options say otherwise).
func celCapabilities(o CELOptions) []string {
	if o.AllowedCapabilities == nil {
		return profile.DefaultAllowedCapabilities()
	}
	return o.AllowedCapabilities
}
