package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
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
		m, err = manifestValue(maps[0])
	} else {
		m, err = manifestsValue(maps...)
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

// readConfig reads a data source's configuration into m, and reports whether Read goes
// on: not when the configuration is not fully known yet (deferUnknown: the computed
// attributes stay unknown), nor when it cannot be read (the error is reported).
func readConfig[M any](ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, computed map[string]attr.Value, m *M) bool {
	if deferUnknown(ctx, req.Config, &resp.State, computed, &resp.Diagnostics) {
		return false
	}
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	return !resp.Diagnostics.HasError()
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

// Reading collections out of a configuration. Read sees a configuration that is fully
// known (deferUnknown returns first otherwise) and validated (null elements are refused by
// the schema's validators); these still never fail with a conversion error: a null or
// mistyped element is an error on its path, an unknown one is left out.

// listStrings returns the strings of a list attribute at at. A null or unknown list is nil.
func listStrings(l types.List, at path.Path, diags *diag.Diagnostics) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	elems := l.Elements()
	out := make([]string, 0, len(elems))
	for i, e := range elems {
		s, ok := e.(types.String)
		switch {
		case !ok:
			diags.AddAttributeError(at.AtListIndex(i), "Invalid list element", fmt.Sprintf("%s is a %T, not a string.", at.AtListIndex(i), e))
		case s.IsNull():
			diags.AddAttributeError(at.AtListIndex(i), "Null list element", fmt.Sprintf("%s is null: give it a value, or remove it from the list.", at.AtListIndex(i)))
		case !s.IsUnknown():
			out = append(out, s.ValueString())
		}
	}
	return out
}

// knownStrings is the known, non-null strings of a list, for checks that run while some
// values may still be unknown (ValidateConfig): what is not known cannot be judged yet.
func knownStrings(l types.List) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	for _, e := range l.Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// mapStrings returns the strings of a map attribute at at. A null or unknown map is nil.
func mapStrings(m types.Map, at path.Path, diags *diag.Diagnostics) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	elems := m.Elements()
	out := make(map[string]string, len(elems))
	for k, e := range elems {
		s, ok := e.(types.String)
		switch {
		case !ok:
			diags.AddAttributeError(at.AtMapKey(k), "Invalid map value", fmt.Sprintf("%s is a %T, not a string.", at.AtMapKey(k), e))
		case s.IsNull():
			diags.AddAttributeError(at.AtMapKey(k), "Null map value", fmt.Sprintf("%s is null: give it a value, or remove the key.", at.AtMapKey(k)))
		case !s.IsUnknown():
			out[k] = s.ValueString()
		}
	}
	return out
}

// listObjects returns the known objects of a list of objects at at, with their index; a
// null element is an error on its index.
func listObjects(l types.List, at path.Path, diags *diag.Diagnostics) []indexedObject {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []indexedObject
	for i, e := range l.Elements() {
		o, ok := e.(types.Object)
		switch {
		case !ok:
			diags.AddAttributeError(at.AtListIndex(i), "Invalid list element", fmt.Sprintf("%s is a %T, not an object.", at.AtListIndex(i), e))
		case o.IsNull():
			diags.AddAttributeError(at.AtListIndex(i), "Null list element", fmt.Sprintf("%s is null: give it a value, or remove it from the list.", at.AtListIndex(i)))
		case !o.IsUnknown():
			out = append(out, indexedObject{Index: i, Path: at.AtListIndex(i), Attrs: o.Attributes()})
		}
	}
	return out
}

// indexedObject is one element of a list of objects.
type indexedObject struct {
	Index int
	Path  path.Path
	Attrs map[string]attr.Value
}

// String is the string attribute name; null, unknown or missing is "", with an error on
// its path when required.
func (o indexedObject) String(name string, required bool, diags *diag.Diagnostics) string {
	s, ok := o.Attrs[name].(types.String)
	if ok && !s.IsNull() && !s.IsUnknown() {
		return s.ValueString()
	}
	if required {
		diags.AddAttributeError(o.Path.AtName(name), "Missing required attribute", fmt.Sprintf("%s is required in each element.", o.Path.AtName(name)))
	}
	return ""
}

// Bool is the bool attribute name, or def when null, unknown or missing.
func (o indexedObject) Bool(name string, def bool) bool {
	if b, ok := o.Attrs[name].(types.Bool); ok && !b.IsNull() && !b.IsUnknown() {
		return b.ValueBool()
	}
	return def
}

// Map is the map of strings attribute name (nil when null).
func (o indexedObject) Map(name string, diags *diag.Diagnostics) map[string]string {
	m, ok := o.Attrs[name].(types.Map)
	if !ok {
		return nil
	}
	return mapStrings(m, o.Path.AtName(name), diags)
}

func metaFrom(labels, annotations types.Map, diags *diag.Diagnostics) render.Meta {
	return render.Meta{Labels: mapStrings(labels, path.Root("labels"), diags), Annotations: mapStrings(annotations, path.Root("annotations"), diags)}
}

// optionPath is the attribute an *profile.OptionError is about: the option's attribute,
// its element, and for allowed_host_paths the element's path_prefix.
func optionPath(err error, fallback path.Path) path.Path {
	var oe *profile.OptionError
	if !errors.As(err, &oe) {
		return fallback
	}
	at := path.Root(oe.Option)
	if oe.Index >= 0 {
		at = at.AtListIndex(oe.Index)
		if oe.Option == profile.OptionAllowedHostPaths {
			at = at.AtName("path_prefix")
		}
	}
	return at
}
