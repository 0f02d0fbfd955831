package admission

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/glob"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// VAPOptions configure the policy.
type VAPOptions struct {
	Name string
	// AllowedHostPaths are the hostPath prefixes pods may mount (read-only). Empty: no
	// hostPath at all (EPS005).
	AllowedHostPaths []profile.HostPath
	// Fargate selectors: pods they select get the Fargate rules (EPS019).
	Fargate []eks.Selector
	// PodSecurityStandards adds the restricted-level rules PSA also enforces (EPS001-EPS004,
	// EPS010-EPS013, EPS016), for clusters that want one mechanism.
	PodSecurityStandards bool
	// AllowedCapabilities may be added (EPS012); default NET_BIND_SERVICE.
	AllowedCapabilities []string
	// AdditionalRules are the IDs of the opt-in rules the policy also enforces
	// (rules.OptInRules: the current guide's and the peers' workload rules); those that
	// judge Fargate pods apply only with Fargate selectors. CheckAdditionalRules refuses
	// IDs that have no opt-in form.
	AdditionalRules []string
	// ValidationActions: Deny, Warn and/or Audit (default Deny).
	ValidationActions []string
	// ExemptNamespaces are never checked (default kube-system).
	ExemptNamespaces []string
	// NamespaceSelector limits the policy to namespaces with these labels.
	NamespaceSelector map[string]string
	Labels            map[string]string
}

// CheckVersion refuses clusters older than 1.30, naming the version needed.
func CheckVersion(kubernetesVersion string) error {
	if kubernetesVersion == "" {
		return nil
	}
	v, err := k8sversion.Parse(kubernetesVersion)
	if err != nil {
		return err
	}
	if !v.AtLeast(profile.VAPMinimum()) {
		return fmt.Errorf("ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) needs Kubernetes %s or later; this cluster runs %s", profile.VAPMinimum(), v)
	}
	return nil
}

// Variables shared by the validations: the pod spec and metadata whatever the kind, all
// containers, and the hostPath volumes.
func variables(o VAPOptions) []admissionv1.Variable {
	vars := []admissionv1.Variable{
		// A PodTemplate holds its template at the top (object.template), a CronJob two
		// levels down, every other matched kind at spec.template.
		{Name: "podSpec", Expression: `object.kind == 'Pod' ? object.spec : ` +
			`(object.kind == 'PodTemplate' ? object.template.spec : ` +
			`(object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec))`},
		{Name: "podMeta", Expression: `object.kind == 'Pod' ? object.metadata : ` +
			`(object.kind == 'PodTemplate' ? (has(object.template.metadata) ? object.template.metadata : {}) : ` +
			`(object.kind == 'CronJob' ? (has(object.spec.jobTemplate.spec.template.metadata) ? object.spec.jobTemplate.spec.template.metadata : {}) : ` +
			`(has(object.spec.template.metadata) ? object.spec.template.metadata : {})))`},
		{Name: "containers", Expression: `variables.podSpec.containers + ` +
			`(has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])`},
		{Name: "allContainers", Expression: `variables.containers + ` +
			`(has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])`},
		{Name: "hostPathVolumes", Expression: `has(variables.podSpec.volumes) ? ` +
			`variables.podSpec.volumes.filter(v, has(v.hostPath)) : []`},
		{Name: "hostPathNames", Expression: `variables.hostPathVolumes.map(v, v.name)`},
	}
	if len(o.Fargate) > 0 {
		vars = append(vars, admissionv1.Variable{Name: "onFargate", Expression: fargateExpr(o.Fargate)})
	}
	return vars
}

func fargateExpr(sels []eks.Selector) string {
	var alts []string
	for _, s := range sels {
		conds := []string{fmt.Sprintf("namespaceObject.metadata.name.matches(%s)", strconv.Quote(glob.Regexp(s.Namespace)))}
		keys := make([]string, 0, len(s.Labels))
		for k := range s.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			conds = append(conds, fmt.Sprintf("(has(variables.podMeta.labels) && %s in variables.podMeta.labels && variables.podMeta.labels[%s].matches(%s))",
				strconv.Quote(k), strconv.Quote(k), strconv.Quote(glob.Regexp(s.Labels[k]))))
		}
		alts = append(alts, "("+strings.Join(conds, " && ")+")")
	}
	return strings.Join(alts, " || ")
}

// CheckAdditionalRules refuses an ID that is not an opt-in rule, naming the ones there
// are.
func CheckAdditionalRules(ids []string) error {
	var known []string
	ok := map[string]bool{}
	for _, r := range rules.OptInRules() {
		known = append(known, r.ID)
		ok[r.ID] = true
	}
	for _, id := range ids {
		if !ok[id] {
			return fmt.Errorf("%q has no opt-in admission form: additional_rules takes %s", id, strings.Join(known, ", "))
		}
	}
	return nil
}

// Validation pairs a CEL expression with the catalogue rule it enforces.
type Validation struct {
	Rule       string
	Expression string
	Message    string
}

// Validations lists what the policy checks: every catalogue rule whose CEL form applies
// with these options, in catalogue order (internal/rules holds the expressions).
func Validations(o VAPOptions) []Validation {
	var out []Validation
	for _, v := range rules.CELValidations(rules.CELOptions{
		AllowedHostPaths:     o.AllowedHostPaths,
		AllowedCapabilities:  o.AllowedCapabilities,
		Fargate:              len(o.Fargate) > 0,
		PodSecurityStandards: o.PodSecurityStandards,
		AdditionalRules:      o.AdditionalRules,
	}) {
		out = append(out, Validation{Rule: v.Rule, Expression: v.Expression, Message: v.Message})
	}
	return out
}

// Policy renders the ValidatingAdmissionPolicy and its binding.
func Policy(o VAPOptions) (*admissionv1.ValidatingAdmissionPolicy, *admissionv1.ValidatingAdmissionPolicyBinding) {
	if o.Name == "" {
		o.Name = "ekspodsec-pod-security"
	}
	fail := admissionv1.Fail
	equivalent := admissionv1.Equivalent
	ops := []admissionv1.OperationType{admissionv1.Create, admissionv1.Update}
	rule := func(group string, resources ...string) admissionv1.NamedRuleWithOperations {
		return admissionv1.NamedRuleWithOperations{RuleWithOperations: admissionv1.RuleWithOperations{
			Operations: ops,
			Rule:       admissionv1.Rule{APIGroups: []string{group}, APIVersions: []string{"*"}, Resources: resources},
		}}
	}
	var validations []admissionv1.Validation
	for _, v := range Validations(o) {
		validations = append(validations, admissionv1.Validation{Expression: v.Expression, Message: v.Message, Reason: reasonInvalid()})
	}
	labels := map[string]string{"app.kubernetes.io/managed-by": "ekspodsec"}
	for k, v := range o.Labels {
		labels[k] = v
	}
	policy := &admissionv1.ValidatingAdmissionPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: o.Name, Labels: labels},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionv1.MatchResources{
				MatchPolicy: &equivalent,
				ResourceRules: []admissionv1.NamedRuleWithOperations{
					rule("", "pods", "replicationcontrollers", "podtemplates"),
					rule("apps", "deployments", "daemonsets", "statefulsets", "replicasets"),
					rule("batch", "jobs", "cronjobs"),
				},
			},
			Variables:   variables(o),
			Validations: validations,
		},
	}
	actions := o.ValidationActions
	if len(actions) == 0 {
		actions = []string{"Deny"}
	}
	var va []admissionv1.ValidationAction
	for _, a := range actions {
		va = append(va, admissionv1.ValidationAction(a))
	}
	exempt := o.ExemptNamespaces
	if exempt == nil {
		exempt = profile.ExemptNamespaces()
	}
	sel := &metav1.LabelSelector{}
	if len(exempt) > 0 {
		ex := append([]string(nil), exempt...)
		sort.Strings(ex)
		sel.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn, Values: ex}}
	}
	if len(o.NamespaceSelector) > 0 {
		sel.MatchLabels = o.NamespaceSelector
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicyBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: o.Name, Labels: labels},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        o.Name,
			ValidationActions: va,
			MatchResources:    &admissionv1.MatchResources{NamespaceSelector: sel},
		},
	}
	return policy, binding
}

func reasonInvalid() *metav1.StatusReason {
	r := metav1.StatusReasonInvalid
	return &r
}
