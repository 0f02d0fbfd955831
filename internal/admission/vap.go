package admission

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// FargateSelector selects the pods that run on Fargate, as an EKS Fargate profile does.
type FargateSelector struct {
	Namespace string            // may use * and ?
	Labels    map[string]string // all must be on the pod
}

// VAPOptions configure the policy.
type VAPOptions struct {
	Name string
	// AllowedHostPaths are the hostPath prefixes pods may mount (read-only). Empty: no
	// hostPath at all (EPS005).
	AllowedHostPaths []profile.HostPath
	// Fargate selectors: pods they select get the Fargate rules (EPS019).
	Fargate []FargateSelector
	// PodSecurityStandards adds the restricted-level rules PSA also enforces (EPS001-EPS004,
	// EPS010-EPS013, EPS016), for clusters that want one mechanism.
	PodSecurityStandards bool
	// AllowedCapabilities may be added (EPS012); default NET_BIND_SERVICE.
	AllowedCapabilities []string
	// ValidationActions: Deny, Warn and/or Audit (default Deny).
	ValidationActions []string
	// ExemptNamespaces are never checked (default kube-system).
	ExemptNamespaces []string
	// NamespaceSelector limits the policy to namespaces with these labels.
	NamespaceSelector map[string]string
	Labels            map[string]string
}

// MinimumVersion is the Kubernetes version that serves admissionregistration.k8s.io/v1
// ValidatingAdmissionPolicy.
const MinimumVersion = "1.30"

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
		return fmt.Errorf("ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) needs Kubernetes %s or later; this cluster runs %s", MinimumVersion, v)
	}
	return nil
}

// Variables shared by the validations: the pod spec and metadata whatever the kind, all
// containers, and the hostPath volumes.
func variables(o VAPOptions) []admissionv1.Variable {
	vars := []admissionv1.Variable{
		{Name: "podSpec", Expression: `object.kind == 'Pod' ? object.spec : ` +
			`(object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)`},
		{Name: "podMeta", Expression: `object.kind == 'Pod' ? object.metadata : ` +
			`(object.kind == 'CronJob' ? (has(object.spec.jobTemplate.spec.template.metadata) ? object.spec.jobTemplate.spec.template.metadata : {}) : ` +
			`(has(object.spec.template.metadata) ? object.spec.template.metadata : {}))`},
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

// quoted renders a CEL list of string literals.
func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// globRegex turns an EKS selector glob (* and ?) into an anchored RE2 expression.
func globRegex(g string) string {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range g {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexpQuote(string(r)))
		}
	}
	b.WriteString("$")
	return b.String()
}

func regexpQuote(s string) string {
	const special = `\.+*?()|[]{}^$`
	if strings.Contains(special, s) {
		return `\` + s
	}
	return s
}

func fargateExpr(sels []FargateSelector) string {
	var alts []string
	for _, s := range sels {
		conds := []string{fmt.Sprintf("namespaceObject.metadata.name.matches(%s)", strconv.Quote(globRegex(s.Namespace)))}
		keys := make([]string, 0, len(s.Labels))
		for k := range s.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			conds = append(conds, fmt.Sprintf("(has(variables.podMeta.labels) && %s in variables.podMeta.labels && variables.podMeta.labels[%s].matches(%s))",
				strconv.Quote(k), strconv.Quote(k), strconv.Quote(globRegex(s.Labels[k]))))
		}
		alts = append(alts, "("+strings.Join(conds, " && ")+")")
	}
	return strings.Join(alts, " || ")
}

// Validation pairs a CEL expression with the catalogue rule it enforces.
type Validation struct {
	Rule       string
	Expression string
	Message    string
}

// Validations lists what the policy checks, in catalogue order.
func Validations(o VAPOptions) []Validation {
	var out []Validation
	add := func(rule, expr, msg string) {
		out = append(out, Validation{Rule: rule, Expression: expr, Message: rule + ": " + msg})
	}
	if len(o.AllowedHostPaths) == 0 {
		add("EPS005", `variables.hostPathVolumes.size() == 0`,
			"hostPath volumes are not allowed (EKS guide: restrict the use of hostPath)")
	} else {
		var prefixes []string
		for _, hp := range o.AllowedHostPaths {
			prefixes = append(prefixes, strings.TrimSuffix(hp.PathPrefix, "/"))
		}
		add("EPS007", fmt.Sprintf(`variables.hostPathVolumes.all(v, !v.hostPath.path.split('/').exists(s, s == '..') && `+
			`%s.exists(p, p == '' || v.hostPath.path == p || v.hostPath.path.startsWith(p + '/')))`, quoted(prefixes)),
			fmt.Sprintf("hostPath volumes must be under an allowed prefix (%s); '..' is never allowed", strings.Join(prefixes, ", ")))
	}
	add("EPS006", `variables.allContainers.all(c, !has(c.volumeMounts) || c.volumeMounts.all(m, `+
		`!(m.name in variables.hostPathNames) || (has(m.readOnly) && m.readOnly)))`,
		"hostPath volumes must be mounted read-only")
	add("EPS008", fmt.Sprintf(`variables.hostPathVolumes.all(v, `+
		`!%s.exists(s, s == v.hostPath.path || s.startsWith(v.hostPath.path.endsWith('/') ? v.hostPath.path : v.hostPath.path + '/') || `+
		`('/var' + s) == v.hostPath.path || ('/var' + s).startsWith(v.hostPath.path.endsWith('/') ? v.hostPath.path : v.hostPath.path + '/')))`,
		quoted(profile.RuntimeSockets())),
		"the container runtime socket (or a directory above it) must not be mounted (EKS guide: never run Docker in Docker or mount the socket)")
	add("EPS009", `variables.allContainers.all(c, !has(c.image) || `+
		`!c.image.lowerAscii().matches('(^|/)docker:[^/@]*dind') && `+
		`!c.image.lowerAscii().matches('(^|/)(dind|dind-[^/:@]*|[^/:@]*[-_]dind)(:|@|$)'))`,
		"Docker-in-Docker images are not allowed (EKS guide: never run Docker in Docker)")
	// Requests and limits are judged on pods: the namespace's LimitRange fills its defaults
	// into a pod before validation, but not into a Deployment's template, so checking
	// templates would refuse workloads that rightly rely on LimitRange defaults.
	add("EPS014", `object.kind != 'Pod' || variables.containers.all(c, has(c.resources) && has(c.resources.requests) && `+
		`'cpu' in c.resources.requests && 'memory' in c.resources.requests)`,
		"every container must request cpu and memory (set them, or give the namespace a LimitRange with defaults)")
	add("EPS015", `object.kind != 'Pod' || variables.containers.all(c, has(c.resources) && has(c.resources.limits) && `+
		`'cpu' in c.resources.limits && 'memory' in c.resources.limits)`,
		"every container must set cpu and memory limits (set them, or give the namespace a LimitRange with defaults)")
	if len(o.Fargate) > 0 {
		add("EPS019", `!variables.onFargate || (object.kind != 'DaemonSet' && `+
			`!(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork) && `+
			`variables.allContainers.all(c, `+
			`!(has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged) && `+
			`!(has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add) && c.securityContext.capabilities.add.size() > 0) && `+
			`(!has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))))`,
			"pods that run on Fargate cannot be privileged, use hostNetwork or hostPort, add capabilities, or be part of a DaemonSet")
	}
	if o.PodSecurityStandards {
		caps := o.AllowedCapabilities
		if caps == nil {
			caps = []string{"NET_BIND_SERVICE"}
		}
		add("EPS001", `variables.allContainers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)`,
			"containers must not run privileged")
		add("EPS002", `variables.allContainers.all(c, has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && !c.securityContext.allowPrivilegeEscalation)`,
			"containers must set allowPrivilegeEscalation: false")
		add("EPS003", `variables.allContainers.all(c, `+
			`(has(c.securityContext) && has(c.securityContext.runAsNonRoot) ? c.securityContext.runAsNonRoot : `+
			`(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.runAsNonRoot) && variables.podSpec.securityContext.runAsNonRoot)) || `+
			`(has(c.securityContext) && has(c.securityContext.runAsUser)) || `+
			`(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.runAsUser)))`,
			"containers must run as non-root: set runAsNonRoot: true or a non-zero runAsUser")
		add("EPS004", `variables.allContainers.all(c, `+
			`(has(c.securityContext) && has(c.securityContext.runAsUser) ? c.securityContext.runAsUser != 0 : `+
			`!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.runAsUser) && variables.podSpec.securityContext.runAsUser == 0)) && `+
			`(has(c.securityContext) && has(c.securityContext.runAsGroup) ? c.securityContext.runAsGroup != 0 : `+
			`!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.runAsGroup) && variables.podSpec.securityContext.runAsGroup == 0))) && `+
			`!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.fsGroup) && variables.podSpec.securityContext.fsGroup == 0) && `+
			`!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.supplementalGroups) && 0 in variables.podSpec.securityContext.supplementalGroups)`,
			"containers must not run as user or group 0 (root), and the pod must not use group 0")
		add("EPS010", `!(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork) && `+
			`!(has(variables.podSpec.hostPID) && variables.podSpec.hostPID) && !(has(variables.podSpec.hostIPC) && variables.podSpec.hostIPC)`,
			"pods must not share the host's network, PID or IPC namespace")
		add("EPS011", `variables.allContainers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))`,
			"containers must not bind host ports")
		add("EPS012", fmt.Sprintf(`variables.allContainers.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities) || `+
			`!has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(x, x in %s))`, quoted(caps)),
			fmt.Sprintf("containers may add only these capabilities: %s", strings.Join(caps, ", ")))
		add("EPS013", `variables.allContainers.all(c, has(c.securityContext) && has(c.securityContext.capabilities) && `+
			`has(c.securityContext.capabilities.drop) && c.securityContext.capabilities.drop.exists(x, x == 'ALL'))`,
			"containers must drop ALL capabilities")
		add("EPS016", `(has(variables.podSpec.os) && variables.podSpec.os.name == 'windows') || variables.allContainers.all(c, `+
			`(has(c.securityContext) && has(c.securityContext.seccompProfile)) ? `+
			`(c.securityContext.seccompProfile.type == 'RuntimeDefault' || c.securityContext.seccompProfile.type == 'Localhost') : `+
			`(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.seccompProfile) && `+
			`(variables.podSpec.securityContext.seccompProfile.type == 'RuntimeDefault' || variables.podSpec.securityContext.seccompProfile.type == 'Localhost')))`,
			"containers must use the RuntimeDefault or a Localhost seccomp profile")
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
		exempt = []string{"kube-system"}
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
