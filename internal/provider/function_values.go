package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/crash"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
)

// What the functions share: reading their Terraform arguments. A function sees no
// sensitivity marks (Terraform takes them off the arguments and puts them all on the
// result), so its errors never quote a value of an argument: they name where it is and
// what is wrong with it.

// maxValueDepth is how deep a value may nest: plan-check's limit, less the levels the
// readers add around a value.
const maxValueDepth = plan.MaxDepth - 8

// tfJSON writes a Terraform value as a plan writes values: objects and maps as JSON
// objects, lists, sets and tuples as arrays, numbers exactly; and its unknown values as a
// plan's after_unknown does (true where a value is unknown, false for a wholly known
// container). An unknown value is null in value.
func tfJSON(v tftypes.Value) (value, unknown []byte, err error) {
	w := &jsonWriter{}
	if _, err := w.write(v, 0); err != nil {
		return nil, nil, err
	}
	return w.value, w.marks, nil
}

type jsonWriter struct {
	value, marks []byte
	path         []string
}

func (w *jsonWriter) at() string {
	if len(w.path) == 0 {
		return "the value"
	}
	return strings.Join(w.path, "")
}

// write writes v and its marks; it reports whether anything in v is unknown.
func (w *jsonWriter) write(v tftypes.Value, depth int) (bool, error) {
	if depth > maxValueDepth {
		return false, fmt.Errorf("%s is nested deeper than %d levels", w.at(), maxValueDepth)
	}
	if !v.IsKnown() {
		w.value = append(w.value, "null"...)
		w.marks = append(w.marks, "true"...)
		return true, nil
	}
	if v.IsNull() {
		w.value = append(w.value, "null"...)
		w.marks = append(w.marks, "false"...)
		return false, nil
	}
	switch t := v.Type().(type) {
	case tftypes.Object, tftypes.Map:
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			return false, fmt.Errorf("%s: %w", w.at(), err)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		w.value = append(w.value, '{')
		markStart := len(w.marks)
		w.marks = append(w.marks, '{')
		any := false
		for i, k := range keys {
			if i > 0 {
				w.value = append(w.value, ',')
				w.marks = append(w.marks, ',')
			}
			q, _ := json.Marshal(k)
			w.value = append(append(w.value, q...), ':')
			w.marks = append(append(w.marks, q...), ':')
			w.path = append(w.path, pathKey(k, t))
			u, err := w.write(m[k], depth+1)
			w.path = w.path[:len(w.path)-1]
			if err != nil {
				return false, err
			}
			any = any || u
		}
		w.value = append(w.value, '}')
		w.marks = append(w.marks, '}')
		if !any {
			w.marks = append(w.marks[:markStart], "false"...)
		}
		return any, nil
	case tftypes.List, tftypes.Set, tftypes.Tuple:
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return false, fmt.Errorf("%s: %w", w.at(), err)
		}
		w.value = append(w.value, '[')
		markStart := len(w.marks)
		w.marks = append(w.marks, '[')
		any := false
		for i, e := range elems {
			if i > 0 {
				w.value = append(w.value, ',')
				w.marks = append(w.marks, ',')
			}
			w.path = append(w.path, "["+strconv.Itoa(i)+"]")
			u, err := w.write(e, depth+1)
			w.path = w.path[:len(w.path)-1]
			if err != nil {
				return false, err
			}
			any = any || u
		}
		w.value = append(w.value, ']')
		w.marks = append(w.marks, ']')
		if !any {
			w.marks = append(w.marks[:markStart], "false"...)
		}
		return any, nil
	}
	w.marks = append(w.marks, "false"...)
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		if err := v.As(&s); err != nil {
			return false, fmt.Errorf("%s: %w", w.at(), err)
		}
		q, _ := json.Marshal(s) // a string always encodes
		w.value = append(w.value, q...)
	case v.Type().Is(tftypes.Bool):
		var b bool
		if err := v.As(&b); err != nil {
			return false, fmt.Errorf("%s: %w", w.at(), err)
		}
		w.value = strconv.AppendBool(w.value, b)
	case v.Type().Is(tftypes.Number):
		n := new(big.Float)
		if err := v.As(&n); err != nil {
			return false, fmt.Errorf("%s: %w", w.at(), err)
		}
		if n.IsInf() {
			return false, fmt.Errorf("%s is an infinite number, which a Kubernetes object cannot hold", w.at())
		}
		w.value = append(w.value, numberText(n)...)
	default:
		return false, fmt.Errorf("%s is of type %s, which a Kubernetes object cannot hold", w.at(), v.Type())
	}
	return false, nil
}

// pathKey is the path segment of member k of an object or map.
func pathKey(k string, t tftypes.Type) string {
	if _, ok := t.(tftypes.Object); ok && isIdentifier(k) {
		return "." + k
	}
	return "[" + strconv.Quote(k) + "]"
}

func isIdentifier(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '-')) {
			return false
		}
	}
	return s != ""
}

// numberText writes a number as JSON: an integer in plain digits (Kubernetes reads
// integers only so), anything else in the shortest exact form.
func numberText(n *big.Float) string {
	if n.IsInt() && n.MantExp(nil) <= 128 {
		return n.Text('f', 0)
	}
	return n.Text('g', -1)
}

// kubernetesObject is one object argument (or one element of a list of them), as JSON.
type kubernetesObject struct {
	// name names it in messages: "object", "object[2]".
	name           string
	value, unknown []byte
	// kind is its kind when known ("" otherwise).
	kind string
}

// notAnObject says what an object argument must be.
const notAnObject = "must be a Kubernetes object as kubernetes_manifest's manifest takes it (an object with apiVersion, kind, metadata, ...)"

// kubernetesObjects reads an object argument: one Kubernetes object, or (many) a list or
// tuple of them. The value is known at its top (wholly unknown arguments are the caller's).
func kubernetesObjects(v tftypes.Value, many bool) ([]kubernetesObject, error) {
	switch v.Type().(type) {
	case tftypes.List, tftypes.Set, tftypes.Tuple:
		if !many {
			return nil, fmt.Errorf("%s, not a list", notAnObject)
		}
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return nil, err
		}
		out := make([]kubernetesObject, 0, len(elems))
		for i, e := range elems {
			o, err := kubernetesObjectOf(e, fmt.Sprintf("object[%d]", i))
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		return out, nil
	}
	o, err := kubernetesObjectOf(v, "object")
	if err != nil {
		return nil, err
	}
	return []kubernetesObject{o}, nil
}

func kubernetesObjectOf(v tftypes.Value, name string) (kubernetesObject, error) {
	o := kubernetesObject{name: name}
	if !v.IsKnown() {
		o.value, o.unknown = []byte("null"), []byte("true")
		return o, nil
	}
	if v.IsNull() {
		return o, fmt.Errorf("%s is null: it %s", name, notAnObject)
	}
	switch v.Type().(type) {
	case tftypes.Object, tftypes.Map:
	default:
		return o, fmt.Errorf("%s %s, not a %s", name, notAnObject, typeName(v.Type()))
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		return o, err
	}
	if k, ok := m["kind"]; ok && k.IsKnown() && !k.IsNull() && k.Type().Is(tftypes.String) {
		_ = k.As(&o.kind)
	}
	value, unknown, err := tfJSON(v)
	if err != nil {
		return o, fmt.Errorf("%s: %w", name, err)
	}
	o.value, o.unknown = value, unknown
	return o, nil
}

// typeName names a Terraform type for messages.
func typeName(t tftypes.Type) string {
	switch t.(type) {
	case tftypes.Object:
		return "object"
	case tftypes.Map:
		return "map"
	case tftypes.List:
		return "list"
	case tftypes.Set:
		return "set"
	case tftypes.Tuple:
		return "tuple"
	}
	switch {
	case t.Is(tftypes.String):
		return "string"
	case t.Is(tftypes.Number):
		return "number"
	case t.Is(tftypes.Bool):
		return "bool"
	}
	return t.String()
}

// judgedObjects reads Kubernetes objects as plan-check reads kubernetes_manifest and gives
// each the typed object the rules judge (plancheck.Subject). An object of a kind the rules
// do not judge is an error, except inside a List (whose other items are read).
func judgedObjects(r *plan.Reader, o kubernetesObject) ([]*plan.Object, []*object.Object, error) {
	objs, err := r.ManifestObjects(o.name, o.value, o.unknown)
	if err != nil {
		return nil, nil, err
	}
	if len(objs) == 0 && o.kind != "List" && !strings.HasSuffix(o.kind, "List") {
		return nil, nil, fmt.Errorf("%s is of a kind ekspodsec does not judge: it judges %s, and custom kinds with a pod template at spec.template", o.name, judgedKinds())
	}
	subjects := make([]*object.Object, len(objs))
	for i, po := range objs {
		subjects[i] = plancheck.Subject(po)
	}
	return objs, subjects, nil
}

// judgedKinds lists the kinds the rules judge, for messages.
func judgedKinds() string {
	var names []string
	for _, k := range object.Kinds() {
		names = append(names, k.Kind)
	}
	return strings.Join(names, ", ")
}

// argumentValue is argument i of a function call as a Terraform value.
func argumentValue(ctx context.Context, d types.Dynamic) (tftypes.Value, error) {
	v, err := d.ToTerraformValue(ctx)
	if err != nil {
		return tftypes.Value{}, err
	}
	return v, nil
}

// funcError is a function error about argument pos.
func funcError(pos int64, err error) *function.FuncError {
	var fe *function.FuncError
	if errors.As(err, &fe) {
		return fe
	}
	return function.NewArgumentFuncError(pos, err.Error())
}

// workloadArgument reads the object argument of a function that takes one workload (a Pod
// or an object with a pod template): its typed object, or unknown when it (or its kind, or
// its pod template) is not known until apply.
func workloadArgument(ctx context.Context, fn string, arg types.Dynamic) (s *object.Object, unknown bool, ferr *function.FuncError) {
	if arg.IsUnknown() || arg.IsUnderlyingValueUnknown() {
		return nil, true, nil
	}
	if arg.IsNull() || arg.IsUnderlyingValueNull() {
		return nil, false, function.NewArgumentFuncError(0, notAnObject+", not null")
	}
	v, err := argumentValue(ctx, arg)
	if err != nil {
		return nil, false, funcError(0, err)
	}
	objs, err := kubernetesObjects(v, false)
	if err != nil {
		return nil, false, funcError(0, err)
	}
	_, subjects, err := judgedObjects(plan.NewReader(), objs[0])
	if err != nil {
		return nil, false, funcError(0, err)
	}
	if len(subjects) != 1 {
		return nil, false, function.NewArgumentFuncError(0, fmt.Sprintf("object is a List: %s takes one workload", fn))
	}
	s = subjects[0]
	switch {
	case s.Opaque != "":
		return nil, true, nil
	case s.Pod == nil:
		return nil, false, function.NewArgumentFuncError(0, fmt.Sprintf("object is a %s, not a workload: %s takes a Pod or an object with a pod template (Deployment, DaemonSet, StatefulSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate)", s.Kind, fn))
	}
	return s, false, nil
}

// guarded runs the body of function name: a panic (a bug) becomes a function error that
// names the function, never a crash of the provider (crash.Error never carries a value).
func guarded(name string, resp *function.RunResponse, body func()) {
	err := crash.Guard("provider::ekspodsec::"+name, func() error {
		body()
		return nil
	})
	if err != nil {
		resp.Error = function.NewFuncError(err.Error())
	}
}
