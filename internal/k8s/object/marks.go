package object

import (
	"sort"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
)

// PathMarks is a Marks built from lists of paths: for objects from sources other than a
// plan (rendered Helm charts, tests). The zero value marks nothing.
type PathMarks struct {
	unknown, sensitive map[string]bool
	defaulted          map[string]string
}

// MarkDefaulted records that the value at path was not written: who sets it, and why.
func (m *PathMarks) MarkDefaulted(path, why string) {
	if m.defaulted == nil {
		m.defaulted = map[string]string{}
	}
	m.defaulted[path] = why
}

// Defaulted implements Marks.
func (m *PathMarks) Defaulted(p string) string {
	if m == nil {
		return ""
	}
	return m.defaulted[p]
}

// MarkUnknown records that the value at path is not known until apply.
func (m *PathMarks) MarkUnknown(path string) {
	if m.unknown == nil {
		m.unknown = map[string]bool{}
	}
	m.unknown[path] = true
}

// MarkSensitive records that the value at path is sensitive.
func (m *PathMarks) MarkSensitive(path string) {
	if m.sensitive == nil {
		m.sensitive = map[string]bool{}
	}
	m.sensitive[path] = true
}

func selfOrAncestor(set map[string]bool, p string) bool {
	for {
		if set[p] {
			return true
		}
		parent, ok := fieldpath.Parent(p)
		if !ok {
			return false
		}
		p = parent
	}
}

func within(set map[string]bool, p string) bool {
	if selfOrAncestor(set, p) {
		return true
	}
	for q := range set {
		if fieldpath.IsBelow(q, p) {
			return true
		}
	}
	return false
}

// Unknown implements Marks.
func (m *PathMarks) Unknown(p string) bool { return m != nil && selfOrAncestor(m.unknown, p) }

// UnknownWithin implements Marks.
func (m *PathMarks) UnknownWithin(p string) bool { return m != nil && within(m.unknown, p) }

// UnknownPaths implements Marks.
func (m *PathMarks) UnknownPaths() []string {
	if m == nil {
		return nil
	}
	out := make([]string, 0, len(m.unknown))
	for p := range m.unknown {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Sensitive implements Marks.
func (m *PathMarks) Sensitive(p string) bool { return m != nil && selfOrAncestor(m.sensitive, p) }

// SensitiveWithin implements Marks.
func (m *PathMarks) SensitiveWithin(p string) bool { return m != nil && within(m.sensitive, p) }
