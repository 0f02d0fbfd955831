package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
)

// Terraform values of rendered objects: the renderers build Kubernetes objects and their
// generic maps (render.Generic); the provider alone turns them into Terraform values.

// terraformValue turns a generic value (from render.Generic) into the Terraform value of the
// same shape: objects stay objects (so a kubernetes_manifest's `manifest` takes them),
// lists become tuples (their elements may differ in shape), numbers stay exact.
func terraformValue(v any) (attr.Value, error) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		attrTypes := make(map[string]attr.Type, len(t))
		attrs := make(map[string]attr.Value, len(t))
		for _, k := range keys {
			c, err := terraformValue(t[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			attrTypes[k] = c.Type(context.Background())
			attrs[k] = c
		}
		obj, diags := types.ObjectValue(attrTypes, attrs)
		return obj, diagsError(diags)
	case []any:
		elemTypes := make([]attr.Type, 0, len(t))
		elems := make([]attr.Value, 0, len(t))
		for i, e := range t {
			c, err := terraformValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			elemTypes = append(elemTypes, c.Type(context.Background()))
			elems = append(elems, c)
		}
		tuple, diags := types.TupleValue(elemTypes, elems)
		return tuple, diagsError(diags)
	case plan.UnknownValue:
		// A value not known until apply (kubernetes_object): its type is not known either.
		return types.DynamicUnknown(), nil
	case string:
		return types.StringValue(t), nil
	case bool:
		return types.BoolValue(t), nil
	case json.Number:
		f, ok := new(big.Float).SetPrec(512).SetString(string(t))
		if !ok {
			return nil, fmt.Errorf("number %q cannot be read", string(t))
		}
		return types.NumberValue(f), nil
	}
	return nil, fmt.Errorf("value %v of type %T has no Terraform equivalent", v, v)
}

// manifestValue is one object as a Terraform dynamic value (an object).
func manifestValue(obj map[string]any) (types.Dynamic, error) {
	v, err := terraformValue(obj)
	if err != nil {
		return types.DynamicNull(), err
	}
	return types.DynamicValue(v), nil
}

// manifestsValue is several objects as a Terraform dynamic value (a tuple of objects).
func manifestsValue(objs ...map[string]any) (types.Dynamic, error) {
	list := make([]any, 0, len(objs))
	for _, o := range objs {
		list = append(list, o)
	}
	v, err := terraformValue(list)
	if err != nil {
		return types.DynamicNull(), err
	}
	return types.DynamicValue(v), nil
}

// manifestsByKeyValue is several objects as a Terraform dynamic value: an object whose
// attributes are the given keys (for for_each over kubernetes_manifest resources).
func manifestsByKeyValue(objs map[string]map[string]any) (types.Dynamic, error) {
	m := make(map[string]any, len(objs))
	for k, o := range objs {
		m[k] = o
	}
	v, err := terraformValue(m)
	if err != nil {
		return types.DynamicNull(), err
	}
	return types.DynamicValue(v), nil
}

func diagsError(d diag.Diagnostics) error {
	if !d.HasError() {
		return nil
	}
	var msgs []string
	for _, e := range d.Errors() {
		msgs = append(msgs, e.Summary()+": "+e.Detail())
	}
	return errors.New(strings.Join(msgs, "; "))
}
