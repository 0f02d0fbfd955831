package render

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// What a renderer decides, besides its objects, is said in its own vocabulary: field
// paths from the root of its input (field names as strings, list indexes as ints, map keys
// as MapKey), the same names the Terraform data sources give their attributes where they
// can. The provider maps them onto attribute paths (one table per data source), the CLI
// onto flags.

// FieldError is a problem with one input field.
type FieldError struct {
	Path []any
	Msg  string
	// Summary is a title for the problem ("Invalid LimitRange"), for faces that show one.
	Summary string
	// Defaults are defaults the renderer applied that the problem involves: the message
	// says what they are, as the input does not show them.
	Defaults []Default
}

// MapKey is a map key in a field path.
type MapKey string

// FormatPath renders a field path as the messages write it: a.b[0]["key"].
func FormatPath(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch v := p.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		case MapKey:
			fmt.Fprintf(&b, "[%s]", profile.Quote(string(v)))
		}
	}
	return b.String()
}

// Error is the path, the message and the defaults involved:
// `a.b["k"]: message (c is not set: its default is { x = "1" })`.
func (e FieldError) Error() string {
	msg := e.Msg
	if len(e.Defaults) > 0 {
		notes := make([]string, 0, len(e.Defaults))
		for _, d := range e.Defaults {
			notes = append(notes, d.String())
		}
		msg += " (" + strings.Join(notes, "; ") + ")"
	}
	if p := FormatPath(e.Path); p != "" {
		return p + ": " + msg
	}
	return msg
}

// FieldErrors is every problem found, reported together.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	var s []string
	for _, e := range es {
		s = append(s, e.Error())
	}
	return strings.Join(s, "; ")
}

// add appends err to es: its FieldErrors when it has them, or else one error without a
// path. A nil err adds nothing.
func (es *FieldErrors) add(err error) {
	if err == nil {
		return
	}
	var fe FieldErrors
	if errors.As(err, &fe) {
		*es = append(*es, fe...)
		return
	}
	*es = append(*es, FieldError{Msg: err.Error()})
}

// titled sets the summary of the errors that have none.
func (es FieldErrors) titled(summary string) FieldErrors {
	for i := range es {
		if es[i].Summary == "" {
			es[i].Summary = summary
		}
	}
	return es
}

// under returns the errors with their paths (and their defaults' paths) below prefix:
// how a renderer that composes others reports their errors in its own vocabulary.
func under(err error, prefix ...any) FieldErrors {
	var es FieldErrors
	es.add(err)
	for i := range es {
		es[i].Path = prefixed(prefix, es[i].Path)
		es[i].Defaults = defaultsUnder(es[i].Defaults, prefix...)
	}
	return es
}

func prefixed(prefix, path []any) []any {
	return append(slices.Clone(prefix), path...)
}

// Default is a field the input left unset and the value the renderer gave it: a string,
// a []string or a map[string]string.
type Default struct {
	Path  []any
	Value any
}

// String says it for a message: `c is not set: its default is { x = "1" }`.
func (d Default) String() string {
	return FormatPath(d.Path) + " is not set: its default is " + FormatValue(d.Value)
}

func defaultsUnder(ds []Default, prefix ...any) []Default {
	if len(ds) == 0 {
		return nil
	}
	out := make([]Default, len(ds))
	for i, d := range ds {
		out[i] = Default{Path: prefixed(prefix, d.Path), Value: d.Value}
	}
	return out
}

// FormatValue writes a default's value as a literal: "x" for a string, ["a", "b"] for a
// list, { cpu = "500m", "requests.cpu" = "4" } for a map (keys sorted, quoted where they
// have dots or slashes), as in HCL.
func FormatValue(v any) string {
	switch t := v.(type) {
	case string:
		return fmt.Sprintf("%q", t)
	case []string:
		parts := make([]string, 0, len(t))
		for _, s := range t {
			parts = append(parts, fmt.Sprintf("%q", s))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]string:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			key := k
			if strings.ContainsAny(k, "./") {
				key = fmt.Sprintf("%q", k)
			}
			parts = append(parts, fmt.Sprintf("%s = %q", key, t[k]))
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return fmt.Sprint(v)
}

// Warning is something a renderer rendered anyway and wants said, about a field (Path nil:
// about the input as a whole).
type Warning struct {
	Path    []any
	Summary string
	Msg     string
}

func warningsUnder(ws []Warning, prefix ...any) []Warning {
	out := make([]Warning, len(ws))
	for i, w := range ws {
		out[i] = Warning{Path: prefixed(prefix, w.Path), Summary: w.Summary, Msg: w.Msg}
	}
	return out
}

// Decisions are what a renderer decided besides its objects. A renderer that returns an
// error returns no objects, but the decisions it took before it found the error (its
// warnings stand).
type Decisions struct {
	// Defaults are the fields the input left unset and what the renderer put there.
	Defaults []Default
	// Warnings are about what it rendered anyway.
	Warnings []Warning
}
