// Package objtest builds typed Kubernetes objects for tests from YAML documents, with
// markers for what a plan would mark: a string "(unknown)" is a value unknown until apply
// (left out of the object, its path marked unknown), "(sensitive)VALUE" is VALUE marked
// sensitive (the rest is read as a YAML scalar: "(sensitive)0" is the number 0), and
// "(default)VALUE" is VALUE that the user did not write (a provider default).
package objtest

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// Markers in test YAML.
const (
	Unknown   = "(unknown)"
	Sensitive = "(sensitive)"
	// Defaulted marks a value the user did not write ("(default)true"): it is set by
	// the source (a provider default), with DefaultReason as the reason.
	Defaulted = "(default)"
)

// DefaultReason is the reason objtest gives for a Defaulted value.
const DefaultReason = "the test's provider sends it by default"

// FromYAML decodes one YAML document into an object whose Marks follow the markers; the
// object's Origin is origin. It fails the test on a document that is not an object of a
// kind ekspodsec reads (nil is returned for kinds it does not judge).
func FromYAML(t testing.TB, origin, doc string) *object.Object {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("%s: %v", origin, err)
	}
	marks := &object.PathMarks{}
	clean := strip(m, "", marks)
	data, err := json.Marshal(clean)
	if err != nil {
		t.Fatalf("%s: %v", origin, err)
	}
	cm, _ := clean.(map[string]any)
	apiVersion, _ := cm["apiVersion"].(string)
	kind, _ := cm["kind"].(string)
	if kind == "" {
		// The kind itself is unknown (or missing): an opaque object.
		return &object.Object{Opaque: "its kind is not known until apply", Marks: marks, Origin: origin}
	}
	o, err := object.Decode(apiVersion, kind, data)
	if err != nil {
		t.Fatalf("%s: %v", origin, err)
	}
	if o == nil {
		return nil
	}
	if o.Namespace == "" && object.Namespaced(kind) && !marks.Unknown("metadata.namespace") {
		o.Namespace = "default"
	}
	o.Marks, o.Origin = marks, origin
	return o
}

// strip removes the markers from v (at path p), recording them in marks.
func strip(v any, p string, marks *object.PathMarks) any {
	switch t := v.(type) {
	case string:
		if t == Unknown {
			marks.MarkUnknown(p)
			return nil
		}
		if rest, ok := strings.CutPrefix(t, Defaulted); ok {
			marks.MarkDefaulted(p, DefaultReason)
			var dv any
			if err := yaml.Unmarshal([]byte(rest), &dv); err != nil || dv == nil {
				return rest
			}
			return dv
		}
		if rest, ok := strings.CutPrefix(t, Sensitive); ok {
			marks.MarkSensitive(p)
			var sv any
			if err := yaml.Unmarshal([]byte(rest), &sv); err != nil || sv == nil {
				return rest
			}
			return sv
		}
		return t
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := map[string]any{}
		for _, k := range keys {
			if c := strip(t[k], fieldpath.Join(p, k), marks); c != nil {
				out[k] = c
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, c := range t {
			out[i] = strip(c, fieldpath.Index(p, i), marks) // null keeps indexes aligned
		}
		return out
	}
	return v
}
