package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

// A renderer says what it decided in its own vocabulary (render's field paths). Each
// data source has one table that maps those fields onto its attributes: where an error or
// a warning is reported, and which computed attribute a default fills.

// anyIndex in a route's from path stands for every list index.
const anyIndex = -1

// fieldRoute maps a renderer's field (a path prefix) onto an attribute (a path prefix):
// what follows the prefix, map keys and list indexes, follows onto the attribute.
type fieldRoute struct {
	from, to []any
	// computed: the attribute is computed, and takes the value the renderer defaults the
	// field to.
	computed bool
}

// fieldTable is a data source's routes. A field no route takes is reported without an
// attribute path (a table that misses a field is a bug its tests catch).
type fieldTable []fieldRoute

// f is a path, for tables: f("container", "default").
func f(segs ...any) []any { return segs }

// route returns the route of the longest from path that prefixes p.
func (t fieldTable) route(p []any) (fieldRoute, bool) {
	var best fieldRoute
	found := false
	for _, r := range t {
		if len(r.from) > len(p) || (found && len(r.from) <= len(best.from)) {
			continue
		}
		match := true
		for i, seg := range r.from {
			if seg != p[i] && (seg != anyIndex || !isIndex(p[i])) {
				match = false
				break
			}
		}
		if match {
			best, found = r, true
		}
	}
	return best, found
}

func isIndex(seg any) bool {
	_, ok := seg.(int)
	return ok
}

// attribute is the attribute path of a renderer's field path (ok false when no route
// takes it).
func (t fieldTable) attribute(p []any) ([]any, bool) {
	r, ok := t.route(p)
	if !ok {
		return nil, false
	}
	return append(slices.Clone(r.to), p[len(r.from):]...), true
}

// report reports what a renderer decided: its warnings, then its error, each at the
// attribute of its field. An error that is not a render.FieldErrors is reported under
// summary.
func (t fieldTable) report(d render.Decisions, err error, summary string, diags *diag.Diagnostics) {
	for _, w := range d.Warnings {
		if at, ok := t.attribute(w.Path); ok && len(at) > 0 {
			diags.AddAttributeWarning(attributePath(at), w.Summary, w.Msg)
		} else {
			diags.AddWarning(w.Summary, w.Msg)
		}
	}
	if err == nil {
		return
	}
	var fes render.FieldErrors
	if !errors.As(err, &fes) {
		diags.AddError(summary, err.Error())
		return
	}
	for _, fe := range fes {
		if fe.Summary == "" {
			fe.Summary = summary
		}
		at, ok := t.attribute(fe.Path)
		if !ok || len(at) == 0 {
			diags.AddError(fe.Summary, fe.Error())
			continue
		}
		fe.Path = at
		fe.Defaults = slices.Clone(fe.Defaults)
		for i, d := range fe.Defaults {
			if dat, ok := t.attribute(d.Path); ok {
				fe.Defaults[i].Path = dat
			}
		}
		diags.AddAttributeError(attributePath(at), fe.Summary, fe.Error())
	}
}

// fillDefaults writes the renderer's defaults into the model's computed attributes
// (top-level ones: types.String, and types.Map or types.List of strings), before the
// model is written to the state.
func (t fieldTable) fillDefaults(ctx context.Context, d render.Decisions, model any, diags *diag.Diagnostics) {
	m := reflect.ValueOf(model).Elem()
	for _, def := range d.Defaults {
		r, ok := t.route(def.Path)
		if !ok || !r.computed || len(def.Path) != len(r.from) {
			continue
		}
		name, _ := r.to[0].(string)
		field, ok := modelField(m, name)
		if !ok || len(r.to) != 1 {
			diags.AddError("Cannot set a default", fmt.Sprintf("%s has no attribute %v to take the default of %s: this is a bug in the provider", m.Type(), r.to, render.FormatPath(def.Path)))
			continue
		}
		var v attr.Value
		var dd diag.Diagnostics
		switch value := def.Value.(type) {
		case string:
			v = types.StringValue(value)
		case map[string]string:
			v, dd = types.MapValueFrom(ctx, types.StringType, value)
		case []string:
			v, dd = types.ListValueFrom(ctx, types.StringType, value)
		}
		diags.Append(dd...)
		if v == nil || !reflect.TypeOf(v).AssignableTo(field.Type()) {
			diags.AddError("Cannot set a default", fmt.Sprintf("the default of %s (%T) does not fit attribute %s: this is a bug in the provider", render.FormatPath(def.Path), def.Value, name))
			continue
		}
		field.Set(reflect.ValueOf(v))
	}
}

// modelField is the field of a model struct whose tfsdk tag is name.
func modelField(m reflect.Value, name string) (reflect.Value, bool) {
	for i := 0; i < m.NumField(); i++ {
		if m.Type().Field(i).Tag.Get("tfsdk") == name {
			return m.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// attributePath turns a path (names, list indexes, map keys) into a Terraform attribute
// path.
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
