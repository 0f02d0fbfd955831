package plan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
)

// pass is one of the reader's two passes over the plan: the first reads the objects that
// give the plan its context (policies, roles, namespaces, EKS facts) and keeps them; the
// second reads everything else (workloads above all), one resource at a time.
type pass uint8

const (
	firstPass pass = iota + 1
	secondPass
)

// passOf is the pass that reads objects of kind.
func passOf(kind string) pass {
	if contextKind(kind) {
		return firstPass
	}
	return secondPass
}

// manifest is one Kubernetes document being read: kubernetes_manifest's `manifest`, or a
// document of kubectl_manifest's yaml_body.
type manifest struct {
	*readState
	t *tape
	// mt holds the marks (after_unknown, after_sensitive) when they are not in t: a prior
	// object is read from a copy without its unset fields, its marks from the change.
	mt *tape
	// tfPrefix is the Terraform attribute ("manifest", "yaml_body").
	tfPrefix string
	// opaque: no path inside the attribute can be given in Terraform terms (YAML text).
	opaque bool
	// sensitive: the whole document is sensitive.
	sensitive bool
	pass      pass
	emit      func(*Object) error
	// deferred is set when the first pass leaves an object of the document to the second.
	deferred bool
	// namespace overrides the namespace of every namespaced object (kubectl_manifest's
	// override_namespace), unless empty; namespaceUnknown and namespaceSensitive are its
	// marks.
	namespace                            string
	namespaceUnknown, namespaceSensitive bool
}

// manifestObjects reads kubernetes_manifest: `manifest` is what the user wrote, in
// Kubernetes' own camelCase shape (`object` is mostly unknown at plan time).
func (r *readState) manifestObjects(rc *Change, base Object, p pass, emit func(*Object) error) (bool, error) {
	a, u, s := rc.attr("manifest")
	m := &manifest{readState: r, t: rc.t, tfPrefix: "manifest", pass: p, emit: emit, sensitive: rc.t.isTrue(s)}
	if rc.t.isTrue(u) {
		return m.opaqueObject(base, "its manifest is not known until apply")
	}
	if rc.t.isNull(a) {
		return false, errors.New("manifest is null: a kubernetes_manifest that will exist has one")
	}
	if err := m.at(a, u, s, base, "", ""); err != nil {
		return false, err
	}
	return m.deferred, nil
}

// marksTape is the tape of the document's marks.
func (m *manifest) marksTape() *tape {
	if m.mt != nil {
		return m.mt
	}
	return m.t
}

// opaqueObject emits an object plan-check cannot judge (an unknown finding), in the
// second pass.
func (m *manifest) opaqueObject(base Object, why string) (bool, error) {
	if m.pass != secondPass {
		m.deferred = true
		return true, nil
	}
	f := newFields(nil, m.tfPrefix)
	f.opaque = m.opaque
	if m.sensitive {
		f.markSensitive("")
	}
	obj := base
	obj.Fields, obj.Opaque = f, why
	return false, m.emit(&obj)
}

// isList reports whether an object of kind with the given items (node n of t) is a list
// of objects: kind List, or a kind ending in List (PodList, ...) whose items are a list
// of objects (a custom kind named ...List may have items of its own kind).
func isList(t *tape, kind string, items int32) bool {
	if kind == "List" {
		return true
	}
	if !strings.HasSuffix(kind, "List") || t.kind(items) != '[' {
		return false
	}
	for e := items + 1; e < t.nodes[items].next; e = t.nodes[e].next {
		if k := t.kind(e); k != '{' && k != 'n' {
			return false
		}
	}
	return true
}

// at reads the object at node a of the tape (marks u and s); a List's items are read one
// by one, each as its own object. defKind and defAPIVersion are a typed list's (PodList:
// Pod) for items that do not name their own kind.
func (m *manifest) at(a, u, s int32, base Object, defKind, defAPIVersion string) error {
	t, mt := m.t, m.marksTape()
	where := m.tfPrefix
	if base.ListItem != "" {
		where = m.tfPrefix + "." + base.ListItem
	}
	if m.opaque && base.ListItem != "" {
		where = m.tfPrefix + " (" + base.ListItem + ")"
	}
	if t.kind(a) != '{' {
		return fmt.Errorf("%s: expected an object (a Kubernetes manifest), not %s", where, t.describe(a))
	}
	for _, mk := range []struct {
		n    int32
		name string
	}{{u, "after_unknown"}, {s, "after_sensitive"}} {
		if k := mt.kind(mk.n); k != 0 && k != 'n' && k != 't' && k != 'f' && k != '{' {
			return fmt.Errorf("%s: %s is an object or a boolean here, not %s", where, mk.name, mt.describe(mk.n))
		}
	}
	if mt.isTrue(mt.sub(u, "kind")) {
		_, err := m.opaqueObject(base, "its kind is not known until apply")
		return err
	}
	kind, apiVersion := defKind, defAPIVersion
	if k := t.member(a, "kind"); !t.isNull(k) {
		var ok bool
		if kind, ok = t.str(k); !ok {
			return fmt.Errorf("%s: kind is a string, not %s", where, t.describe(k))
		}
	}
	if v := t.member(a, "apiVersion"); !t.isNull(v) {
		var ok bool
		if apiVersion, ok = t.str(v); !ok {
			return fmt.Errorf("%s: apiVersion is a string, not %s", where, t.describe(v))
		}
	}
	if kind == "" {
		return fmt.Errorf("%s: the manifest has no kind", where)
	}
	items := t.member(a, "items")
	if isList(t, kind, items) || (strings.HasSuffix(kind, "List") && mt.isTrue(mt.sub(u, "items"))) {
		return m.list(items, mt.sub(u, "items"), mt.sub(s, "items"), base, kind, apiVersion, where)
	}
	if p := passOf(kind); p != m.pass {
		if p == secondPass {
			m.deferred = true
		}
		return nil
	}
	f := newFields(nil, m.tfPrefix)
	if base.ListItem != "" && !m.opaque {
		f.tfPrefix = m.tfPrefix + "." + base.ListItem
	}
	f.opaque = m.opaque
	if m.sensitive {
		f.markSensitive("")
	}
	if err := (&marks{t: mt, v: t, f: f, unknown: true}).walk(a, u); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if err := (&marks{t: mt, v: t, f: f}).walk(a, s); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	overridden := namespaced(kind) && (m.namespace != "" || m.namespaceUnknown)
	if overridden && m.namespaceUnknown {
		f.markUnknown("metadata.namespace")
	}
	if overridden && m.namespaceSensitive {
		f.markSensitive("metadata.namespace")
	}
	obj, err := decodeObject(&source{data: t.raw(a), t: t, n: a, inexact: t.inexact}, apiVersion, kind, f, base)
	if err != nil || obj == nil {
		return err
	}
	if overridden {
		obj.Namespace = m.namespace
	}
	return m.emit(obj)
}

// list reads the items of a List one by one.
func (m *manifest) list(items, u, s int32, base Object, kind, apiVersion, where string) error {
	t, mt := m.t, m.marksTape()
	if mt.isTrue(u) {
		_, err := m.opaqueObject(base, "the items of this list are not known until apply")
		return err
	}
	if t.isNull(items) {
		return nil
	}
	if t.kind(items) != '[' {
		return fmt.Errorf("%s: items is a list, not %s", where, t.describe(items))
	}
	for _, mk := range []struct {
		n    int32
		name string
	}{{u, "after_unknown"}, {s, "after_sensitive"}} {
		if k := mt.kind(mk.n); k != 0 && k != 'n' && k != 't' && k != 'f' && k != '[' {
			return fmt.Errorf("%s: %s of items is a list or a boolean, not %s", where, mk.name, mt.describe(mk.n))
		}
	}
	itemKind := ""
	if kind != "List" {
		itemKind = strings.TrimSuffix(kind, "List")
	} else {
		apiVersion = ""
	}
	ul, sl := mt.elems(u), mt.elems(s)
	i := 0
	for e := items + 1; e < t.nodes[items].next; e, i = t.nodes[e].next, i+1 {
		ue, se := ul.step(), sl.step()
		b := base
		b.ListItem = fieldpath.Index(fieldpath.Join(base.ListItem, "items"), i)
		if mt.isTrue(ue) {
			if _, err := m.opaqueObject(b, "this item of the list is not known until apply"); err != nil {
				return err
			}
			continue
		}
		sens := m.sensitive
		if mt.isTrue(se) {
			m.sensitive = true
		}
		err := m.at(e, ue, se, b, itemKind, apiVersion)
		m.sensitive = sens
		if err != nil {
			return err
		}
	}
	return nil
}

// marks records the marks of a manifest value (an after_unknown or after_sensitive tree)
// in Fields, walking them in step with the value: a mark is a boolean, or an object or a
// list of marks over a value of the same shape (a mark of another shape than its value
// would name paths that do not exist, and hide what it marks). Paths are rendered only
// for what is marked.
type marks struct {
	t *tape // the marks
	// v holds the value walked (t when nil).
	v       *tape
	f       *Fields
	unknown bool
	path    []seg
}

func (w *marks) here() string {
	p := ""
	for _, s := range w.path {
		if s.idx >= 0 {
			p = fieldpath.Index(p, s.idx)
		} else {
			p = fieldpath.Join(p, s.key)
		}
	}
	return p
}

func (w *marks) name() string {
	if w.unknown {
		return "after_unknown"
	}
	return "after_sensitive"
}

// values is the tape of the value walked.
func (w *marks) values() *tape {
	if w.v != nil {
		return w.v
	}
	return w.t
}

// walk records the marks of mark node m over value node a.
func (w *marks) walk(a, m int32) error {
	t, v := w.t, w.values()
	switch t.kind(m) {
	case 0, 'n', 'f':
		return nil
	case 't':
		if w.unknown {
			w.f.markUnknown(w.here())
			return nil
		}
		w.f.markSensitive(w.here())
		return nil
	case '{':
		if !v.isNull(a) && v.kind(a) != '{' {
			return w.mismatch(a, m)
		}
		c := v.cursor(a, t, m)
		for k := m + 1; k < t.nodes[m].next; k = t.nodes[k+1].next {
			w.path = append(w.path, seg{key: t.key(k), idx: -1})
			if err := w.walk(c.lookup(t, k), k+1); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
		}
		return nil
	case '[':
		if !v.isNull(a) && v.kind(a) != '[' {
			return w.mismatch(a, m)
		}
		e, end := int32(absent), int32(absent)
		if v.kind(a) == '[' {
			e, end = a+1, v.nodes[a].next
		}
		i := 0
		for mk := m + 1; mk < t.nodes[m].next; mk, i = t.nodes[mk].next, i+1 {
			av := int32(absent)
			if e != absent && e < end {
				av, e = e, v.nodes[e].next
			}
			w.path = append(w.path, seg{idx: i})
			if err := w.walk(av, mk); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
		}
		return nil
	}
	return fmt.Errorf("%s at %s is a boolean, an object or a list, not %s", w.name(), w.where(), t.describe(m))
}

func (w *marks) where() string {
	if p := w.f.RedactPath(w.here()); p != "" {
		return p
	}
	return "the manifest's root"
}

// mismatch reports a mark container over a value of another shape.
func (w *marks) mismatch(a, m int32) error {
	return fmt.Errorf("%s at %s is %s but the value is %s", w.name(), w.where(), w.t.describe(m), w.values().describe(a))
}

// kubectlObjects reads kubectl_manifest (the kubectl provider): yaml_body, one or more
// YAML documents. When yaml_body is sensitive, the provider's yaml_body_parsed (secret
// values obfuscated) is read instead so that names can still be reported.
func (r *readState) kubectlObjects(rc *Change, base Object, p pass, emit func(*Object) error) (bool, error) {
	t := rc.t
	attr := "yaml_body"
	body, ub, sb := rc.attr(attr)
	sensitive := t.isTrue(sb)
	if sensitive {
		parsed, up, sp := rc.attr("yaml_body_parsed")
		if s, ok := t.str(parsed); ok && s != "" && !t.isTrue(sp) && !t.isTrue(up) {
			attr, body, ub, sensitive = "yaml_body_parsed", parsed, up, false
		}
	}
	m := &manifest{readState: r, t: &r.doc, tfPrefix: attr, opaque: true, sensitive: sensitive, pass: p, emit: emit}
	// override_namespace puts every namespaced document in its namespace.
	var err error
	if m.namespace, m.namespaceSensitive, err = rc.stringAttr("override_namespace"); err != nil {
		return false, err
	}
	_, nu, _ := rc.attr("override_namespace")
	m.namespaceUnknown = t.isTrue(nu)
	if t.isTrue(ub) {
		return m.opaqueObject(base, "its "+attr+" is not known until apply")
	}
	for _, mk := range []struct {
		n    int32
		name string
	}{{ub, "after_unknown"}, {sb, "after_sensitive"}} {
		if k := t.kind(mk.n); k != 0 && k != 'n' && k != 't' && k != 'f' {
			return false, fmt.Errorf("%s: %s is a boolean, not %s", attr, mk.name, t.describe(mk.n))
		}
	}
	switch {
	case t.isNull(body):
		return false, fmt.Errorf("%s is null: a kubectl_manifest that will exist has one", attr)
	case t.kind(body) != '"':
		return false, fmt.Errorf("%s is a string (YAML), not %s", attr, t.describe(body))
	}
	// One document at a time: the stream is never split into a list of copies.
	docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(t.bytesOf(body))))
	for i := 0; ; {
		var doc []byte
		doc, err = docs.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return false, fmt.Errorf("%s: %s", attr, yamlProblem(err))
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		i++
		if p == firstPass && !mayBeContext(doc) {
			m.deferred = true
			continue
		}
		js, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return false, fmt.Errorf("%s document %d: %s", attr, i, yamlProblem(err))
		}
		if err := m.t.parse(js); err != nil {
			return false, fmt.Errorf("%s document %d: %s", attr, i, tapeProblem(err))
		}
		switch m.t.kind(0) {
		case 'n':
			continue // a document of comments only
		case '{':
			if m.t.count(0) == 0 {
				continue
			}
		default:
			return false, fmt.Errorf("%s document %d is %s, not a Kubernetes object (a mapping)", attr, i, m.t.describe(0))
		}
		b := base
		b.Doc = i - 1
		if err := m.at(0, absent, absent, b, "", ""); err != nil {
			return false, fmt.Errorf("document %d: %w", i, err)
		}
	}
	return m.deferred, nil
}

// mayBeContext reports whether a YAML document can be of a kind the first pass reads (or a
// List, which may hold one). It is false only when none of those kind names appears in the
// document's bytes and the document has neither escapes nor tags, through which YAML can
// spell a string whose letters do not appear (a "\x52ole", a !!binary value): such
// documents are left to the second pass without being parsed twice.
func mayBeContext(doc []byte) bool {
	if bytes.IndexByte(doc, '\\') >= 0 || bytes.IndexByte(doc, '!') >= 0 {
		return true
	}
	for _, k := range contextNames {
		if bytes.Contains(doc, k) {
			return true
		}
	}
	return false
}

// contextNames are substrings of every kind contextKind accepts, and of List.
var contextNames = append([][]byte{[]byte("Role"), []byte("Namespace"), []byte("LimitRange"), []byte("ResourceQuota"), []byte("ServiceAccount"), []byte("PodSecurityPolicy"), []byte("List")}, newContextNames...)

var yamlLine = regexp.MustCompile(`line ([0-9]+)`)

// yamlProblem describes a YAML error without its text, which quotes keys and values.
func yamlProblem(err error) string {
	msg := err.Error()
	what := "not valid YAML"
	switch {
	case strings.Contains(msg, "already set in map"), strings.Contains(msg, "already defined"):
		what = "a duplicate key (two readers could see two different objects)"
	case strings.Contains(msg, "invalid map key"):
		what = "a map key that is not a string"
	case strings.Contains(msg, "unsupported value"):
		what = "a value JSON cannot hold (an infinity or NaN)"
	case strings.Contains(msg, "excessive aliasing"):
		what = "too many aliases"
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return "line " + m[1] + ": " + what
	}
	return what
}

// tapeProblem describes an error of a tape built from converted YAML.
func tapeProblem(err error) string {
	var de *depthError
	if errors.As(err, &de) {
		return fmt.Sprintf("nested deeper than %d levels (plan-check's limit)", de.limit)
	}
	return "the document does not convert to JSON"
}

// showName prints a kind or name from the plan: as is when it is plain, quoted (escaped)
// when it is not, shortened.
func showName(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c == '.' || c == '/' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Sprintf("%q", clip(s))
		}
	}
	return clip(s)
}
