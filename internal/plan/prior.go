package plan

import (
	"errors"
	"fmt"
)

// This file reads what only a prior value has: a kubernetes_manifest's `object`. Every
// other resource's prior value is read like its planned value, through priorView.

// manifestPriorObjects reads the prior value of a kubernetes_manifest. What exists now is
// `object`, what the API server returned when Terraform refreshed the resource (it shows
// changes made outside Terraform), not `manifest`, what was last written. The provider
// writes `object` in the shape of the kind's OpenAPI schema: every field, unset ones null,
// unset objects as objects of nulls (a volume holds hostPath = {path = null, type =
// null} and every other volume source the same way, a securityContext seccompProfile =
// {type = null}). Read as is, each would be a field set to its empty value; so the object
// is read without them (prunedObject), except where `manifest` writes an object (an
// emptyDir = {} is one). When `object` is null (the state of an older provider), the
// manifest is what exists.
func (r *readState) manifestPriorObjects(rc *Change, base Object, p pass, emit func(*Object) error) (bool, error) {
	t := rc.t
	obj, _, objSens := rc.attr("object")
	written, _, writtenSens := rc.attr("manifest")
	src, srcSens, what := obj, objSens, "object"
	if t.isNull(obj) {
		src, srcSens, what = written, writtenSens, "manifest"
	}
	switch {
	case t.isNull(src):
		return false, errors.New("object and manifest are null: a kubernetes_manifest that exists has one")
	case t.kind(src) != '{':
		return false, fmt.Errorf("%s: expected an object (a Kubernetes manifest), not %s", what, t.describe(src))
	}
	if k := t.kind(srcSens); k != 0 && k != 'n' && k != 't' && k != 'f' && k != '{' {
		return false, fmt.Errorf("%s: after_sensitive is an object or a boolean here, not %s", what, t.describe(srcSens))
	}
	if what == "object" {
		if err := r.prior.parse(prunedObject(t, src, written)); err != nil {
			return false, fmt.Errorf("object: %s", tapeProblem(err))
		}
	} else if err := r.prior.parse(t.raw(src)); err != nil {
		return false, fmt.Errorf("manifest: %s", tapeProblem(err))
	}
	// Paths are the manifest's (the object has its shape): findings point at what the user
	// edits.
	m := &manifest{readState: r, t: &r.prior, mt: t, tfPrefix: "manifest", pass: p, emit: emit, sensitive: t.isTrue(srcSens)}
	if what == "object" && !covers(t, srcSens, writtenSens) {
		// The provider marks `object` where it marks `manifest`; should a plan mark the
		// manifest where the object is not, the whole object is sensitive.
		m.sensitive = true
	}
	if err := m.at(0, absent, srcSens, base, "", ""); err != nil {
		return false, err
	}
	return m.deferred, nil
}

// prunedObject is the JSON of object node a of t without its unset fields: members that
// are null, and objects whose members are all unset (recursively), unless the guide (node
// g of t: the manifest as written) has an object at the same place. An object with no
// members at all stays (an empty map, or an emptyDir = {} that the API server returned);
// an element of a list that is wholly unset stays as {} (indexes stay those of the plan).
func prunedObject(t *tape, a, g int32) []byte {
	out, _ := appendPruned(make([]byte, 0, len(t.raw(a))/2), t, a, g)
	return out
}

// appendPruned appends node a (guide g) pruned, and reports whether it is set: false for
// null, and for an object whose members are all unset when the guide has no object there.
func appendPruned(dst []byte, t *tape, a, g int32) ([]byte, bool) {
	switch t.kind(a) {
	case 0, 'n':
		return dst, false
	case '{':
		mark := len(dst)
		dst = append(dst, '{')
		c := t.cursor(g, t, a)
		members, set := 0, 0
		for k := a + 1; k < t.nodes[a].next; k = t.nodes[k+1].next {
			members++
			at := len(dst)
			if set > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, t.raw(k)...)
			dst = append(dst, ':')
			var ok bool
			if dst, ok = appendPruned(dst, t, k+1, c.lookup(t, k)); ok {
				set++
			} else {
				dst = dst[:at]
			}
		}
		if set == 0 && members > 0 && t.kind(g) != '{' {
			return dst[:mark], false
		}
		return append(dst, '}'), true
	case '[':
		dst = append(dst, '[')
		ge, gend := int32(absent), int32(absent)
		if t.kind(g) == '[' {
			ge, gend = g+1, t.nodes[g].next
		}
		i := 0
		for e := a + 1; e < t.nodes[a].next; e, i = t.nodes[e].next, i+1 {
			gv := int32(absent)
			if ge != absent && ge < gend {
				gv, ge = ge, t.nodes[ge].next
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			if t.kind(e) == 'n' {
				dst = append(dst, "null"...)
				continue
			}
			var ok bool
			if dst, ok = appendPruned(dst, t, e, gv); !ok {
				dst = append(dst, '{', '}')
			}
		}
		return append(dst, ']'), true
	}
	return append(dst, t.raw(a)...), true
}

// covers reports whether every value the marks tree b marks sensitive is marked by tree a
// too (itself, or an object or list around it).
func covers(t *tape, a, b int32) bool {
	if t.isTrue(a) {
		return true
	}
	switch t.kind(b) {
	case 't':
		return false
	case '{':
		c := t.cursor(a, t, b)
		for k := b + 1; k < t.nodes[b].next; k = t.nodes[k+1].next {
			if !covers(t, c.lookup(t, k), k+1) {
				return false
			}
		}
	case '[':
		ae, aend := int32(absent), int32(absent)
		if t.kind(a) == '[' {
			ae, aend = a+1, t.nodes[a].next
		}
		for e := b + 1; e < t.nodes[b].next; e = t.nodes[e].next {
			av := int32(absent)
			if ae != absent && ae < aend {
				av, ae = ae, t.nodes[ae].next
			}
			if !covers(t, av, e) {
				return false
			}
		}
	}
	return true
}
