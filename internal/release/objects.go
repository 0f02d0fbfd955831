package release

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/helm"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// Doc is one object a release installs, typed for the rules, with where it comes from
// in the chart.
type Doc struct {
	Obj *object.Object
	// Template is the chart file that renders it ("templates/daemonset.yaml"); "" for an
	// object read from the plan's manifest.
	Template string
	// Hook holds the helm.sh/hook events of a hook (nil for the release's manifest).
	Hook []string
	// Conditional says the object exists only for some values of the inputs unknown until
	// apply: what is found in it holds only if it is installed.
	Conditional bool
	// Origins say which input entry (as Input.Inputs names them) made a field what it is.
	Origins []helm.Origin
}

// Objects turns what a release renders into the objects the rules judge. Kinds the
// catalogue does not judge (Services, ConfigMaps, ...) are left out. A document that
// does not decode as its kind is kept as an opaque object (judged unknown: Kubernetes
// would refuse it, or it is not what the plan shows), its reason naming the field, never
// the value.
//
// An object that names no namespace gets the release namespace, as Helm installs it
// (unknown until apply when the release namespace is). Marks come from the document's
// unknown and sensitive paths; with identitySensitive every object is sensitive as a
// whole (its name and namespace derive from the release's).
func Objects(address string, out *helm.Rendered, identitySensitive bool) []Doc {
	docs := make([]Doc, 0, len(out.Documents))
	for i := range out.Documents {
		d := &out.Documents[i]
		marks := &object.PathMarks{}
		for _, p := range d.Unknown {
			marks.MarkUnknown(p)
		}
		for _, p := range d.Sensitive {
			marks.MarkSensitive(p)
		}
		if identitySensitive {
			marks.MarkSensitive("")
		}
		obj := decodeDoc(d.Object, marks)
		if obj == nil {
			continue
		}
		if object.Namespaced(obj.Kind) && obj.Namespace == "" && !marks.Unknown("metadata.namespace") {
			if out.NamespaceKnown {
				obj.Namespace = out.Namespace
			} else {
				marks.MarkUnknown("metadata.namespace")
			}
		}
		obj.Marks, obj.Origin = marks, address
		docs = append(docs, Doc{Obj: obj, Template: d.Template, Hook: d.Hook, Conditional: d.Conditional, Origins: d.Origins})
	}
	return docs
}

// decodeDoc decodes one rendered object; nil for kinds the rules do not judge.
func decodeDoc(m map[string]any, marks *object.PathMarks) *object.Object {
	apiVersion, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	if kind == "" || marks.Unknown("kind") {
		return &object.Object{APIVersion: apiVersion, Opaque: "its kind depends on inputs not known until apply"}
	}
	data, err := json.Marshal(m)
	if err != nil {
		return &object.Object{APIVersion: apiVersion, Kind: kind, Opaque: "it cannot be encoded as JSON"}
	}
	obj, err := object.Decode(apiVersion, kind, data)
	if err != nil {
		o := &object.Object{APIVersion: apiVersion, Kind: kind, Opaque: decodeProblem(kind, err, marks)}
		meta, _ := m["metadata"].(map[string]any)
		o.Name, _ = meta["name"].(string)
		o.Namespace, _ = meta["namespace"].(string)
		if !object.Namespaced(kind) {
			o.Namespace = ""
		}
		return o
	}
	return obj
}

// decodeProblem explains a rendered object that does not decode, naming the field only
// when nothing in the object is sensitive.
func decodeProblem(kind string, err error, marks *object.PathMarks) string {
	var de *object.DecodeError
	if errors.As(err, &de) && de.Field != "" && !marks.SensitiveWithin("") {
		return "the chart renders it with a value of the wrong type at " + de.Field + ": the API server would refuse it"
	}
	return "the chart renders it with a value of the wrong type: the API server would refuse it"
}

// OriginOf returns the input entry (an Input.Inputs key) that the field at path comes
// from: the origin at path or the nearest one above it, else the one entry the fields
// below it come from; "" when none, or when several entries share that place (the field
// depends on all of them: no one entry is where to fix it).
func OriginOf(origins []helm.Origin, path string) string {
	best, bestLen, tied := "", -1, false
	below, belowTied := "", false
	for _, o := range origins {
		switch {
		case o.Path == path || fieldpath.IsBelow(path, o.Path):
			switch {
			case len(o.Path) > bestLen:
				best, bestLen, tied = o.Input, len(o.Path), false
			case len(o.Path) == bestLen && o.Input != best:
				tied = true
			}
		case fieldpath.IsBelow(o.Path, path):
			switch {
			case below == "":
				below = o.Input
			case o.Input != below:
				belowTied = true
			}
		}
	}
	switch {
	case bestLen >= 0 && !tied:
		return best
	case bestLen >= 0:
		return ""
	case !belowTied:
		return below
	}
	return ""
}

// Hooks renders hook events for a finding ("pre-install,pre-upgrade").
func Hooks(events []string) string {
	if len(events) == 0 {
		return ""
	}
	e := append([]string(nil), events...)
	sort.Strings(e)
	return strings.Join(e, ",")
}
