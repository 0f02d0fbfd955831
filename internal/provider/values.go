package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

// outputs are the rendered forms every data source returns.
type outputs struct {
	ID   types.String
	YAML types.String
	JSON types.String
	// Maps are the objects as generic maps, for data sources with more outputs.
	Maps []map[string]any
	// Manifest is the object (one rendered) or a tuple of the objects (several).
	Manifest types.Dynamic
}

// encodeOutputs renders objects into the data source's outputs: YAML (multi-document
// when several), JSON (an object, or an array when several), the id (SHA-256 of the
// YAML) and the manifest as a Terraform value.
func encodeOutputs(objs ...any) (outputs, error) {
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
	var m types.Dynamic
	if len(maps) == 1 {
		m, err = render.Manifest(maps[0])
	} else {
		m, err = render.Manifests(maps...)
	}
	if err != nil {
		return outputs{}, err
	}
	sum := sha256.Sum256([]byte(y))
	return outputs{
		ID:       types.StringValue(hex.EncodeToString(sum[:])),
		YAML:     types.StringValue(y),
		JSON:     types.StringValue(j),
		Maps:     maps,
		Manifest: m,
	}, nil
}

// fieldDiagnostics turns the renderers' field errors into attribute-pathed diagnostics;
// any other error becomes a diagnostic without a path.
func fieldDiagnostics(err error, summary string, diags *diag.Diagnostics) {
	fes, ok := err.(render.FieldErrors)
	if !ok {
		diags.AddError(summary, err.Error())
		return
	}
	for _, fe := range fes {
		if len(fe.Path) == 0 {
			diags.AddError(summary, fe.Msg)
			continue
		}
		diags.AddAttributeError(attributePath(fe.Path), summary, fe.Error())
	}
}

// attributePath turns a renderer's field path (names, list indexes, map keys) into a
// Terraform attribute path.
func attributePath(segs []any) path.Path {
	var p path.Path
	for i, seg := range segs {
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
	return p
}

// deferUnknown handles a configuration that is not fully known yet (it depends on
// values known only after apply): the computed outputs (and optional computed attributes
// the configuration leaves unset) stay unknown and nothing is rendered or refused. It reports whether it did so. Terraform itself defers such reads
// to apply; this keeps the data source correct when it is asked anyway.
func deferUnknown(ctx context.Context, config tfsdk.Config, state *tfsdk.State, computed map[string]attr.Value, diags *diag.Diagnostics) bool {
	if config.Raw.IsFullyKnown() {
		return false
	}
	state.Raw = config.Raw.Copy()
	var given map[string]tftypes.Value
	if err := config.Raw.As(&given); err != nil {
		diags.AddError("Cannot read the configuration", err.Error())
		return true
	}
	for name, unknown := range computed {
		if v, ok := given[name]; ok && !v.IsNull() {
			continue // set by the user (an optional and computed attribute): keep it
		}
		diags.Append(state.SetAttribute(ctx, path.Root(name), unknown)...)
	}
	return true
}

// unknownOutputs are the outputs every data source has, unknown.
func unknownOutputs(extra map[string]attr.Value) map[string]attr.Value {
	out := map[string]attr.Value{
		"id":   types.StringUnknown(),
		"yaml": types.StringUnknown(),
		"json": types.StringUnknown(),
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
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

func manifestAttribute(what string) schema.DynamicAttribute {
	return schema.DynamicAttribute{Computed: true,
		MarkdownDescription: "The " + what + " as an object, ready for `kubernetes_manifest`'s `manifest` argument."}
}

func labelsAttribute() schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType,
		MarkdownDescription: "Labels added to every rendered object."}
}

func annotationsAttribute() schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType,
		MarkdownDescription: "Annotations added to every rendered object. Annotations the policy itself sets (seccomp and AppArmor profiles) cannot be changed."}
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

// remapFieldErrors rewrites the renderers' field paths into a data source's own attribute
// names: rename gets each path and returns the new one. Errors without field paths are
// returned as they are.
func remapFieldErrors(err error, rename func([]any) []any) error {
	fes, ok := err.(render.FieldErrors)
	if !ok {
		return err
	}
	out := make(render.FieldErrors, 0, len(fes))
	for _, fe := range fes {
		if len(fe.Path) > 0 {
			fe.Path = rename(fe.Path)
		}
		out = append(out, fe)
	}
	return out
}
