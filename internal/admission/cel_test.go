package admission

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	celtypes "github.com/google/cel-go/common/types"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/environment"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/fixtures"
)

// compiled is a policy compiled the way the API server's validating admission policy
// plugin compiles it (k8s.io/apiserver's composited compiler and base environment).
type compiled struct {
	policy    *admissionv1.ValidatingAdmissionPolicy
	evaluator plugincel.ConditionEvaluator
}

func compile(t *testing.T, p *admissionv1.ValidatingAdmissionPolicy) compiled {
	t.Helper()
	compiler, err := plugincel.NewCompositedCompiler(environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()))
	if err != nil {
		t.Fatal(err)
	}
	opts := plugincel.OptionalVariableDeclarations{HasParams: false, HasAuthorizer: true}
	var vars []plugincel.NamedExpressionAccessor
	for _, v := range p.Spec.Variables {
		vars = append(vars, &validating.Variable{Name: v.Name, Expression: v.Expression})
	}
	compiler.CompileAndStoreVariables(vars, opts, environment.StoredExpressions)
	var conds []plugincel.ExpressionAccessor
	for _, v := range p.Spec.Validations {
		conds = append(conds, &validating.ValidationCondition{Expression: v.Expression, Message: v.Message})
	}
	ev := compiler.CompileCondition(conds, opts, environment.StoredExpressions)
	if errs := ev.CompilationErrors(); len(errs) > 0 {
		for _, e := range errs {
			t.Errorf("CEL does not compile: %v", e)
		}
		t.FailNow()
	}
	return compiled{policy: p, evaluator: ev}
}

// evaluate runs every validation on an object; it returns the rule IDs whose validation
// fails (the message names the rule).
func (c compiled) evaluate(t *testing.T, obj map[string]any, namespace string) []string {
	t.Helper()
	u := &unstructured.Unstructured{Object: obj}
	gvk := u.GroupVersionKind()
	gvr := schema.GroupVersionResource{Group: gvk.Group, Version: gvk.Version, Resource: strings.ToLower(gvk.Kind) + "s"}
	attr := admission.NewAttributesRecord(u, nil, gvk, namespace, u.GetName(), gvr, "", admission.Create, &metav1.CreateOptions{}, false, nil)
	versioned := &admission.VersionedAttributes{Attributes: attr, VersionedKind: gvk, VersionedObject: admission.NewLazyObject(u)}
	req := plugincel.CreateAdmissionRequest(attr, metav1.GroupVersionResource(gvr), metav1.GroupVersionKind(gvk))
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace, Labels: map[string]string{"kubernetes.io/metadata.name": namespace}}}
	results, _, err := c.evaluator.ForInput(context.Background(), versioned, req, plugincel.OptionalVariableBindings{}, ns, celconfig.RuntimeCELCostBudget)
	if err != nil {
		t.Fatalf("evaluating: %v", err)
	}
	var failed []string
	for i, r := range results {
		if r.Error != nil {
			t.Fatalf("%s: %v", c.policy.Spec.Validations[i].Message, r.Error)
		}
		if r.EvalResult != celtypes.True {
			failed = append(failed, strings.SplitN(c.policy.Spec.Validations[i].Message, ":", 2)[0])
		}
	}
	sort.Strings(failed)
	return failed
}

// TestPolicyCompiles compiles every variant of the policy with Kubernetes' own CEL
// environment.
func TestPolicyCompiles(t *testing.T) {
	for name, o := range map[string]VAPOptions{
		"default":            {},
		"pss":                {PodSecurityStandards: true, AllowedCapabilities: []string{"NET_BIND_SERVICE", "CHOWN"}},
		"hostpath":           {AllowedHostPaths: []profile.HostPath{{PathPrefix: "/var/log", ReadOnly: true}, {PathPrefix: "/", ReadOnly: true}}},
		"fargate":            {Fargate: []eks.Selector{{Namespace: "fargate-*"}, {Namespace: "batch", Labels: map[string]string{"compute": "fargate", "tier": "w?b"}}}},
		"additional":         {PodSecurityStandards: true, AdditionalRules: optInIDs()},
		"additional fargate": {Fargate: []eks.Selector{{Namespace: "fargate-*"}}, AdditionalRules: optInIDs()},
	} {
		t.Run(name, func(t *testing.T) {
			p, b := Policy(o)
			compile(t, p)
			if b.Spec.PolicyName != p.Name || len(b.Spec.ValidationActions) == 0 {
				t.Errorf("binding %+v", b.Spec)
			}
			for _, v := range p.Spec.Validations {
				if !strings.HasPrefix(v.Message, "EPS") {
					t.Errorf("message does not name the rule: %q", v.Message)
				}
			}
		})
	}
}

// optInIDs are the IDs of every rule with an opt-in admission form.
func optInIDs() []string {
	var out []string
	for _, r := range rules.OptInRules() {
		out = append(out, r.ID)
	}
	return out
}

// manifestOf rebuilds the object the API server would receive from a typed workload, with
// the defaults it sets on pods before admission (hostPort on hostNetwork pods): a
// template's pods get them too, and plan-check judges a template by the pods it makes.
func manifestOf(t *testing.T, o *plan.Object) map[string]any {
	t.Helper()
	pod := &object.Object{Pod: &object.Pod{Spec: o.Workload.Spec, SpecPath: "spec"}}
	object.ApplyServerDefaults(pod)
	spec := pod.Pod.Spec
	var obj any
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: o.Workload.Template.Labels, Annotations: o.Workload.Template.Annotations}, Spec: spec}
	meta := map[string]any{"name": o.Name, "namespace": o.Namespace}
	switch o.Kind {
	case "Pod":
		obj = map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
	case "CronJob":
		obj = map[string]any{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta,
			"spec": map[string]any{"schedule": "* * * * *", "jobTemplate": map[string]any{"spec": map[string]any{"template": tmpl}}}}
	default:
		obj = map[string]any{"apiVersion": apiVersionOf(o.Kind), "kind": o.Kind, "metadata": meta, "spec": map[string]any{"template": tmpl}}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func apiVersionOf(kind string) string {
	switch kind {
	case "Job":
		return "batch/v1"
	case "ReplicationController":
		return "v1"
	}
	return "apps/v1"
}

// TestDifferentialAgainstPlanCheck evaluates the rendered policy on every workload of the
// fixture plans: for each rule the policy enforces, the CEL verdict must equal plan-check's
// (a disagreement is a bug in one of them; the message names the workload and the rule).
// LimitRanges are left out on both sides: at admission the API server has already filled
// their defaults in, which plan-check models separately.
func TestDifferentialAgainstPlanCheck(t *testing.T) {
	o := VAPOptions{PodSecurityStandards: true}
	c := compile(t, func() *admissionv1.ValidatingAdmissionPolicy { p, _ := Policy(o); return p }())
	enforced := map[string]bool{}
	for _, v := range Validations(o) {
		enforced[v.Rule] = true
	}
	workloads, err := fixtures.Workloads("../plancheck/testdata/plans")
	if err != nil {
		t.Fatal(err)
	}
	if len(workloads) < 20 {
		t.Fatalf("only %d fixture workloads", len(workloads))
	}
	compared := 0
	for _, w := range workloads {
		if w.UnknownSpec {
			continue // a value unknown at plan time has no admission-time counterpart to compare
		}
		o := w.Object
		failed := map[string]bool{}
		for _, r := range c.evaluate(t, manifestOf(t, o), o.Namespace) {
			failed[r] = true
		}
		for rule := range enforced {
			planCheck := w.Fails(rule, nil)
			if rule == "EPS014" || rule == "EPS015" {
				// The policy judges requests on pods only (the LimitRange fills a pod's
				// defaults before validation, not a template's), and plan-check credits a
				// LimitRange created in the plan: compare bare pods in namespaces without one.
				if o.Kind != "Pod" || (w.Plan == "namespace_policy_compliant.json" && o.Namespace == "apps") {
					continue
				}
			}
			if failed[rule] && !planCheck && impliedFails(w, rule) {
				// plan-check reports it once, under the rule that implies it (a privileged
				// container's EPS001); the policy refuses under both.
				planCheck = true
			}
			if failed[rule] != planCheck {
				t.Errorf("%s %s: %s: CEL says fail=%v, plan-check says fail=%v", w.Plan, o.Address, rule, failed[rule], planCheck)
			}
			compared++
		}
	}
	t.Logf("%d rule verdicts compared on %d workloads", compared, len(workloads))
}

// TestPolicyDecisions checks hand-written objects against the policy (hostPath prefixes,
// sockets, DinD images, Fargate, and what passes).
func TestPolicyDecisions(t *testing.T) {
	o := VAPOptions{
		AllowedHostPaths: []profile.HostPath{{PathPrefix: "/var/log", ReadOnly: true}},
		Fargate:          []eks.Selector{{Namespace: "fargate-*"}},
	}
	p, _ := Policy(o)
	c := compile(t, p)
	pod := func(spec string) map[string]any {
		var m map[string]any
		doc := fmt.Sprintf(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"x"}},"spec":%s}`, spec)
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	res := `"resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"100m","memory":"64Mi"}}`
	for name, tc := range map[string]struct {
		spec, ns string
		want     string
	}{
		"compliant":       {`{"containers":[{"name":"a","image":"nginx",` + res + `}]}`, "apps", ""},
		"log reader":      {`{"containers":[{"name":"a","image":"fluent-bit",` + res + `,"volumeMounts":[{"name":"l","mountPath":"/l","readOnly":true}]}],"volumes":[{"name":"l","hostPath":{"path":"/var/log/pods"}}]}`, "apps", ""},
		"outside prefix":  {`{"containers":[{"name":"a","image":"x",` + res + `,"volumeMounts":[{"name":"l","mountPath":"/l","readOnly":true}]}],"volumes":[{"name":"l","hostPath":{"path":"/var/logs"}}]}`, "apps", "EPS007"},
		"dot dot":         {`{"containers":[{"name":"a","image":"x",` + res + `}],"volumes":[{"name":"l","hostPath":{"path":"/var/log/../../etc"}}]}`, "apps", "EPS007"},
		"writable":        {`{"containers":[{"name":"a","image":"x",` + res + `,"volumeMounts":[{"name":"l","mountPath":"/l"}]}],"volumes":[{"name":"l","hostPath":{"path":"/var/log"}}]}`, "apps", "EPS006"},
		"socket parent":   {`{"containers":[{"name":"a","image":"x",` + res + `}],"volumes":[{"name":"s","hostPath":{"path":"/var/run/"}}]}`, "apps", "EPS007,EPS008"},
		"dind":            {`{"containers":[{"name":"a","image":"Docker:27-DIND",` + res + `}]}`, "apps", "EPS009"},
		"no requests":     {`{"containers":[{"name":"a","image":"x"}]}`, "apps", "EPS014,EPS015"},
		"fargate ok":      {`{"containers":[{"name":"a","image":"x",` + res + `}]}`, "fargate-web", ""},
		"fargate hostnet": {`{"hostNetwork":true,"containers":[{"name":"a","image":"x",` + res + `,"ports":[{"containerPort":80,"hostPort":80}]}]}`, "fargate-web", "EPS019"},
	} {
		got := strings.Join(c.evaluate(t, pod(tc.spec), tc.ns), ",")
		if got != tc.want {
			t.Errorf("%s: failed %q, want %q", name, got, tc.want)
		}
	}
}

// impliedFails reports whether a rule that implies rule fails on the workload.
func impliedFails(w fixtures.Workload, rule string) bool {
	r, _ := rules.Lookup(rule)
	for _, id := range r.ImpliedBy {
		if w.Fails(id, nil) {
			return true
		}
	}
	return false
}
