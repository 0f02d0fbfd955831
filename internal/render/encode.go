package render

import (
	"bytes"
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
	"sigs.k8s.io/yaml"
)

// Generic returns an object as the map a kubernetes_manifest takes: its JSON, without
// the empty fields typed objects carry (metadata.creationTimestamp: null, status: {}).
// Numbers stay json.Number so integers keep their exact value.
func Generic(obj any) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", obj, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decoding %T: %w", obj, err)
	}
	clean(m)
	return m, nil
}

// clean drops null values and empty objects, recursively (never empty lists or strings,
// which can mean something).
func clean(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		for k, c := range t {
			if clean(c) {
				delete(t, k)
			}
		}
		return len(t) == 0
	case []any:
		for _, c := range t {
			clean(c)
		}
	}
	return false
}

// YAML renders objects as YAML documents (keys sorted), separated by "---".
func YAML(objs ...map[string]any) (string, error) {
	var docs []string
	for _, o := range objs {
		b, err := yaml.Marshal(o)
		if err != nil {
			return "", fmt.Errorf("encoding YAML: %w", err)
		}
		docs = append(docs, string(b))
	}
	return strings.Join(docs, "---\n"), nil
}

// JSON renders one object as an indented JSON object, several as an array.
func JSON(objs ...map[string]any) (string, error) {
	var v any = objs
	if len(objs) == 1 {
		v = objs[0]
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encoding JSON: %w", err)
	}
	return string(b) + "\n", nil
}

// All turns typed objects into their generic maps.
func All(objs ...any) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		m, err := Generic(o)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// TerraformValue turns a generic value (from Generic) into the Terraform value of the
// same shape: objects stay objects (so a kubernetes_manifest's `manifest` takes them),
// lists become tuples (their elements may differ in shape), numbers stay exact.
func TerraformValue(v any) (attr.Value, error) {
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
			c, err := TerraformValue(t[k])
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
			c, err := TerraformValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			elemTypes = append(elemTypes, c.Type(context.Background()))
			elems = append(elems, c)
		}
		tuple, diags := types.TupleValue(elemTypes, elems)
		return tuple, diagsError(diags)
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

// Manifest is one object as a Terraform dynamic value (an object).
func Manifest(obj map[string]any) (types.Dynamic, error) {
	v, err := TerraformValue(obj)
	if err != nil {
		return types.DynamicNull(), err
	}
	return types.DynamicValue(v), nil
}

// Manifests is several objects as a Terraform dynamic value (a tuple of objects).
func Manifests(objs ...map[string]any) (types.Dynamic, error) {
	list := make([]any, 0, len(objs))
	for _, o := range objs {
		list = append(list, o)
	}
	v, err := TerraformValue(list)
	if err != nil {
		return types.DynamicNull(), err
	}
	return types.DynamicValue(v), nil
}

// ManifestsByKey is several objects as a Terraform dynamic value: an object whose
// attributes are the given keys (for for_each over kubernetes_manifest resources).
func ManifestsByKey(objs map[string]map[string]any) (types.Dynamic, error) {
	m := make(map[string]any, len(objs))
	for k, o := range objs {
		m[k] = o
	}
	v, err := TerraformValue(m)
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
