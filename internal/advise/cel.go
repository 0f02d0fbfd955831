package advise

import (
	"context"
	"errors"
	"fmt"
	"strings"

	celgo "github.com/google/cel-go/cel"
	celtypes "github.com/google/cel-go/common/types"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/environment"
)

// The policies advise writes are evaluated here with the API server's own CEL compiler
// and base environment (k8s.io/apiserver's composited compiler, as the validating
// admission policy plugin compiles a policy), on the objects the API server will receive.

// expression is a CEL expression for the compiler: a validation or a match condition
// (boolean), or a variable (any type).
type expression struct {
	name, text string
	variable   bool
}

func (e *expression) GetExpression() string { return e.text }
func (e *expression) GetName() string       { return e.name }
func (e *expression) ReturnTypes() []*celgo.Type {
	if e.variable {
		return []*celgo.Type{celgo.AnyType, celgo.DynType}
	}
	return []*celgo.Type{celgo.BoolType}
}

// compiledPolicy is a ValidatingAdmissionPolicy's match conditions and validations,
// compiled.
type compiledPolicy struct {
	validations []admissionv1.Validation
	conditions  []admissionv1.MatchCondition
	eval, match plugincel.ConditionEvaluator
}

// compilePolicy compiles a policy's variables, validations and match conditions; an
// expression that does not compile is an error naming it (a bug: advise writes them).
func compilePolicy(p *admissionv1.ValidatingAdmissionPolicy) (*compiledPolicy, error) {
	envSet := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion())
	compiler, err := plugincel.NewCompositedCompiler(envSet)
	if err != nil {
		return nil, fmt.Errorf("CEL compiler: %w", err)
	}
	opts := plugincel.OptionalVariableDeclarations{HasParams: false, HasAuthorizer: true}
	var vars []plugincel.NamedExpressionAccessor
	for _, v := range p.Spec.Variables {
		vars = append(vars, &expression{name: v.Name, text: v.Expression, variable: true})
	}
	compiler.CompileAndStoreVariables(vars, opts, environment.StoredExpressions)
	var conds []plugincel.ExpressionAccessor
	for _, v := range p.Spec.Validations {
		conds = append(conds, &expression{text: v.Expression})
	}
	c := &compiledPolicy{validations: p.Spec.Validations, conditions: p.Spec.MatchConditions}
	c.eval = compiler.CompileCondition(conds, opts, environment.StoredExpressions)
	if errs := c.eval.CompilationErrors(); len(errs) > 0 {
		return nil, fmt.Errorf("policy %s: a validation does not compile: %w", p.Name, errors.Join(errs...))
	}
	matcher, err := plugincel.NewCompositedCompiler(envSet)
	if err != nil {
		return nil, fmt.Errorf("CEL compiler: %w", err)
	}
	var mcs []plugincel.ExpressionAccessor
	for _, m := range p.Spec.MatchConditions {
		mcs = append(mcs, &expression{name: m.Name, text: m.Expression})
	}
	c.match = matcher.CompileCondition(mcs, opts, environment.StoredExpressions)
	if errs := c.match.CompilationErrors(); len(errs) > 0 {
		return nil, fmt.Errorf("policy %s: a match condition does not compile: %w", p.Name, errors.Join(errs...))
	}
	return c, nil
}

// evaluation is what a policy says of one object.
type evaluation struct {
	// matched: every match condition holds (the policy applies to the object).
	matched bool
	// failed are the indexes of the validations that refuse the object (false or an
	// error, which the policy's failurePolicy Fail also turns into a refusal), with why.
	failed map[int]string
}

// evaluate runs the policy on obj (a generic object) created in namespace.
func (c *compiledPolicy) evaluate(ctx context.Context, obj map[string]any, namespace string) (evaluation, error) {
	u := &unstructured.Unstructured{Object: obj}
	gvk := u.GroupVersionKind()
	gvr := schema.GroupVersionResource{Group: gvk.Group, Version: gvk.Version, Resource: strings.ToLower(gvk.Kind) + "s"}
	attr := admission.NewAttributesRecord(u, nil, gvk, namespace, u.GetName(), gvr, "", admission.Create, &metav1.CreateOptions{}, false, nil)
	versioned := &admission.VersionedAttributes{Attributes: attr, VersionedKind: gvk, VersionedObject: admission.NewLazyObject(u)}
	req := plugincel.CreateAdmissionRequest(attr, metav1.GroupVersionResource(gvr), metav1.GroupVersionKind(gvk))
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace, Labels: map[string]string{"kubernetes.io/metadata.name": namespace}}}
	out := evaluation{matched: true, failed: map[int]string{}}
	if len(c.conditions) > 0 {
		results, _, err := c.match.ForInput(ctx, versioned, req, plugincel.OptionalVariableBindings{}, ns, celconfig.RuntimeCELCostBudget)
		if err != nil {
			return evaluation{}, fmt.Errorf("evaluating the match conditions: %w", err)
		}
		for i, r := range results {
			if r.Error != nil {
				return evaluation{}, fmt.Errorf("match condition %s: %w", c.conditions[i].Name, r.Error)
			}
			if r.EvalResult != celtypes.True {
				out.matched = false
			}
		}
		if !out.matched {
			return out, nil
		}
	}
	results, _, err := c.eval.ForInput(ctx, versioned, req, plugincel.OptionalVariableBindings{}, ns, celconfig.RuntimeCELCostBudget)
	if err != nil {
		return evaluation{}, fmt.Errorf("evaluating the validations: %w", err)
	}
	for i, r := range results {
		switch {
		case r.Error != nil:
			out.failed[i] = "the expression fails with an error (" + r.Error.Error() + "), which refuses the request"
		case r.EvalResult != celtypes.True:
			out.failed[i] = c.validations[i].Message
		}
	}
	return out, nil
}
