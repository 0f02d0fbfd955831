package rules

import (
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// Redaction is by path, never by substring: every value a message, a finding field or a
// note shows comes from a field of the object, and that field's sensitivity in the plan
// decides whether it is shown. A rule never formats a value of the object into text
// itself; it goes through Show or Plain with the value's path.

// Redacted is what is printed in place of a value the plan marks sensitive.
const Redacted = finding.Redacted

// plainAt returns s, or Redacted when the value at the absolute path p (or an object or
// list that contains it) is sensitive.
func plainAt(o *object.Object, p, s string) string {
	if o.Sensitive(p) {
		return Redacted
	}
	return s
}

// Plain renders a string field for a message, unquoted, or Redacted when it is sensitive.
func (in *WorkloadInput) Plain(rel, s string) string { return plainAt(in.Obj, in.P(rel), s) }

// Plain renders a string field for a message, unquoted, or Redacted when it is sensitive.
func (in *ObjectInput) Plain(p, s string) string { return plainAt(in.Obj, p, s) }

// Identity is how reports name an object: its kind, namespace and name, each Redacted
// when the plan marks it sensitive.
type Identity struct {
	Kind, Namespace, Name string
}

// Identify names an object for reports. The name is the object's name, or the
// generateName it was given when it has none.
func Identify(o *object.Object) Identity {
	id := Identity{
		Kind:      plainAt(o, "kind", o.Kind),
		Namespace: plainAt(o, "metadata.namespace", o.Namespace),
		Name:      plainAt(o, "metadata.name", o.Name),
	}
	if o.Sensitive("metadata.generateName") {
		id.Name = Redacted
	}
	return id
}

// RedactPath rewrites the map keys of a field path that lie inside a sensitive map (the
// keys of a sensitive map are as secret as its values), so a finding's path never carries
// them: `metadata.labels["token"]` becomes `metadata.labels["(sensitive value)"]`.
func RedactPath(o *object.Object, p string) string {
	return fieldpath.RedactKeys(p, o.Sensitive, Redacted)
}
