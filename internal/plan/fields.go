package plan

import (
	"strconv"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// Fields remembers, for one Kubernetes object read from a plan, which of its fields
// Terraform does not know yet, which are sensitive, and how a Kubernetes field path
// translates into the Terraform attribute path the user edits.
//
// Paths use Kubernetes JSON names: "spec.template.spec.containers[0].securityContext".
// Map keys that are not plain identifiers are quoted: `metadata.labels["app.kubernetes.io/name"]`.
type Fields struct {
	unknown   pathSet
	sensitive pathSet
	// defaulted holds the paths of values the provider sends unwritten, with why.
	defaulted map[string]string
	// root translates paths through the provider schema table; nil means the Kubernetes
	// path is the Terraform path below tfPrefix (kubernetes_manifest).
	root     *spec
	tfPrefix string
	// opaque is set when the Terraform attribute is a document (kubectl_manifest's
	// yaml_body) and no path inside it can be expressed in Terraform terms.
	opaque bool
}

// pathSet is a set of marked paths that answers "is p or an ancestor marked" and "is
// anything at, above or below p marked" in time proportional to p's depth, however many
// paths are marked: each mark also records its ancestors (once: a chain stops at the
// first ancestor already recorded).
type pathSet struct {
	marked map[string]struct{}
	// above holds every strict ancestor of a marked path ("" for the root).
	above map[string]struct{}
}

func (s *pathSet) add(p string) {
	if s.marked == nil {
		s.marked = make(map[string]struct{})
		s.above = make(map[string]struct{})
	}
	if _, ok := s.marked[p]; ok {
		return
	}
	s.marked[p] = struct{}{}
	for q, ok := fieldpath.Parent(p); ok; q, ok = fieldpath.Parent(q) {
		if _, seen := s.above[q]; seen {
			break
		}
		s.above[q] = struct{}{}
	}
}

func (s *pathSet) empty() bool { return len(s.marked) == 0 }

// selfOrAncestor reports whether p or a path above it is marked.
func (s *pathSet) selfOrAncestor(p string) bool {
	if len(s.marked) == 0 {
		return false
	}
	for {
		if _, ok := s.marked[p]; ok {
			return true
		}
		parent, ok := fieldpath.Parent(p)
		if !ok {
			return false
		}
		p = parent
	}
}

// within reports whether p, a path above it or a path below it is marked.
func (s *pathSet) within(p string) bool {
	if len(s.marked) == 0 {
		return false
	}
	if _, ok := s.above[p]; ok {
		return true
	}
	return s.selfOrAncestor(p)
}

func newFields(root *spec, tfPrefix string) *Fields {
	return &Fields{root: root, tfPrefix: tfPrefix}
}

func (f *Fields) markUnknown(p string) { f.unknown.add(p) }

func (f *Fields) markSensitive(p string) { f.sensitive.add(p) }

// MarkUnknown records that the field at path p is not known until apply.
func (f *Fields) MarkUnknown(p string) { f.markUnknown(p) }

// Unknown reports whether the value at p is unknown: p itself, or an object or list that
// contains it, is unknown until apply.
func (f *Fields) Unknown(p string) bool {
	return f != nil && f.unknown.selfOrAncestor(p)
}

// UnknownWithin reports whether p or anything below it (or above it) is unknown: a list
// with one unknown element, a map with one unknown key.
func (f *Fields) UnknownWithin(p string) bool {
	return f != nil && f.unknown.within(p)
}

// UnknownPaths returns every unknown path, for reports and tests.
func (f *Fields) UnknownPaths() []string { return sortedSet(f.unknown.marked) }

// Sensitive reports whether the value at p, or an object that contains it, is marked
// sensitive in the plan. Sensitive values are judged but never printed.
func (f *Fields) Sensitive(p string) bool {
	return f != nil && f.sensitive.selfOrAncestor(p)
}

// SensitiveWithin reports whether p, anything above it or anything below it is sensitive.
func (f *Fields) SensitiveWithin(p string) bool {
	return f != nil && f.sensitive.within(p)
}

// RedactPath rewrites the map keys of a Kubernetes field path that lie inside a sensitive
// value (the keys of a sensitive map are as secret as its values), for messages:
// `metadata.labels["token"]` becomes `metadata.labels["(sensitive value)"]`.
func (f *Fields) RedactPath(p string) string {
	if f == nil || f.sensitive.empty() {
		return p
	}
	return fieldpath.RedactKeys(p, f.Sensitive, finding.Redacted)
}

// AnySensitive reports whether any value of the object is sensitive.
func (f *Fields) AnySensitive() bool { return f != nil && !f.sensitive.empty() }

// TFPath translates a Kubernetes field path of this object into the Terraform attribute
// path: "spec.template.spec.containers[0].securityContext.privileged" becomes
// "spec[0].template[0].spec[0].container[0].security_context[0].privileged".
func (f *Fields) TFPath(k8sPath string) string {
	if f == nil {
		return ""
	}
	if f.opaque {
		return f.tfPrefix
	}
	if f.root == nil {
		if k8sPath == "" {
			return f.tfPrefix
		}
		if strings.HasPrefix(k8sPath, "[") {
			return f.tfPrefix + k8sPath
		}
		return f.tfPrefix + "." + k8sPath
	}
	var b strings.Builder
	cur := f.root
	toks := fieldpath.Parse(k8sPath)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if cur == nil || cur.fields == nil || t.IsIndex {
			// Below the table (a map key, a list element): keep the rest as written.
			writeToken(&b, t)
			continue
		}
		tfName, child := cur.byK8s(t.Name)
		if child == nil {
			writeToken(&b, t)
			cur = nil
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tfName)
		switch child.shape {
		case object:
			b.WriteString("[0]")
		case array:
			if i+1 < len(toks) && toks[i+1].IsIndex {
				i++
				b.WriteString("[" + strconv.Itoa(toks[i].Index) + "]")
			}
		}
		cur = child
	}
	return b.String()
}

func writeToken(b *strings.Builder, t fieldpath.Segment) {
	switch {
	case t.IsIndex:
		b.WriteString("[" + strconv.Itoa(t.Index) + "]")
	case t.Quoted || !fieldpath.IsIdent(t.Name):
		b.WriteString("[" + strconv.Quote(t.Name) + "]")
	default:
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t.Name)
	}
}
