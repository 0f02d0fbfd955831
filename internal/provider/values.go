package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

// toValue turns a generic manifest (maps, slices, json.Number, strings, bools) into a
// Terraform value: objects for maps, tuples for lists, so it fits kubernetes_manifest.
func toValue(v any) (attr.Value, error) {
	switch t := v.(type) {
	case nil:
		return types.DynamicNull(), nil
	case string:
		return types.StringValue(t), nil
	case bool:
		return types.BoolValue(t), nil
	case json.Number:
		f, _, err := big.ParseFloat(t.String(), 10, 512, big.ToNearestEven)
		if err != nil {
			return nil, fmt.Errorf("number %s: %w", t, err)
		}
		return types.NumberValue(f), nil
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		attrTypes := make(map[string]attr.Type, len(t))
		attrs := make(map[string]attr.Value, len(t))
		for _, k := range keys {
			cv, err := toValue(t[k])
			if err != nil {
				return nil, err
			}
			attrTypes[k] = cv.Type(context.Background())
			attrs[k] = cv
		}
		o, diags := types.ObjectValue(attrTypes, attrs)
		if diags.HasError() {
			return nil, fmt.Errorf("object: %v", diags)
		}
		return o, nil
	case []any:
		elemTypes := make([]attr.Type, 0, len(t))
		elems := make([]attr.Value, 0, len(t))
		for _, e := range t {
			cv, err := toValue(e)
			if err != nil {
				return nil, err
			}
			elemTypes = append(elemTypes, cv.Type(context.Background()))
			elems = append(elems, cv)
		}
		tv, diags := basetypes.NewTupleValue(elemTypes, elems)
		if diags.HasError() {
			return nil, fmt.Errorf("tuple: %v", diags)
		}
		return tv, nil
	}
	return nil, fmt.Errorf("unsupported value %T", v)
}

// outputs are the rendered forms every data source returns.
type outputs struct {
	ID       types.String
	Manifest types.Dynamic // one object, or a tuple of objects for several
	YAML     types.String
	JSON     types.String
}

// encodeOutputs renders objects into the data source's outputs. With single, the
// manifest is the object itself (for kubernetes_manifest.manifest); otherwise a tuple.
func encodeOutputs(objs []any, single bool) (outputs, error) {
	maps, err := render.All(objs...)
	if err != nil {
		return outputs{}, err
	}
	y, err := render.YAML(maps...)
	if err != nil {
		return outputs{}, err
	}
	j, err := render.JSON(maps...)
	if err != nil {
		return outputs{}, err
	}
	var m attr.Value
	if single && len(maps) == 1 {
		m, err = toValue(maps[0])
	} else {
		list := make([]any, len(maps))
		for i := range maps {
			list[i] = maps[i]
		}
		m, err = toValue(list)
	}
	if err != nil {
		return outputs{}, err
	}
	sum := sha256.Sum256([]byte(y))
	return outputs{
		ID:       types.StringValue(hex.EncodeToString(sum[:])),
		Manifest: types.DynamicValue(m),
		YAML:     types.StringValue(y),
		JSON:     types.StringValue(j),
	}, nil
}

// fieldDiagnostics turns the renderers' field errors into attribute-pathed diagnostics.
func fieldDiagnostics(err error, summary string, diags *diag.Diagnostics) {
	var fes render.FieldErrors
	switch e := err.(type) {
	case render.FieldErrors:
		fes = e
	case render.FieldError:
		fes = render.FieldErrors{e}
	default:
		diags.AddError(summary, err.Error())
		return
	}
	for _, fe := range fes {
		p := path.Empty()
		for i, seg := range fe.Path {
			switch v := seg.(type) {
			case string:
				if i == 0 {
					p = path.Root(v)
				} else {
					p = p.AtName(v)
				}
			case int:
				p = p.AtListIndex(v)
			case render.MapKey:
				p = p.AtMapKey(string(v))
			}
		}
		diags.AddAttributeError(p, summary, fe.Error())
	}
}

// Common attributes.

func idAttribute() schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-256 of `yaml`: changes exactly when the rendered manifests change."}
}

func yamlAttribute(several bool) schema.StringAttribute {
	d := "The rendered object as YAML, for `kubectl_manifest.yaml_body` or a file."
	if several {
		d = "The rendered objects as multi-document YAML (`---` between documents), for `kubectl apply -f` or a file; split it with `kubectl_file_documents` for `kubectl_manifest`."
	}
	return schema.StringAttribute{Computed: true, MarkdownDescription: d}
}

func jsonAttribute(several bool) schema.StringAttribute {
	d := "The rendered object as indented JSON."
	if several {
		d = "The rendered objects as an indented JSON array."
	}
	return schema.StringAttribute{Computed: true, MarkdownDescription: d}
}

func labelsAttribute() schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType,
		MarkdownDescription: "Labels added to every rendered object (`app.kubernetes.io/managed-by = ekspodsec` is always set)."}
}

func annotationsAttribute() schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType,
		MarkdownDescription: "Annotations added to every rendered object. Annotations the policy itself sets (seccomp and AppArmor profiles) cannot be overridden."}
}

func stringMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

func stringList(ctx context.Context, l types.List, diags *diag.Diagnostics) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

func metaFrom(ctx context.Context, labels, annotations types.Map, diags *diag.Diagnostics) render.Meta {
	return render.Meta{Labels: stringMap(ctx, labels, diags), Annotations: stringMap(ctx, annotations, diags)}
}
