package helm

import (
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
)

// rdoc is one document of one render.
type rdoc struct {
	template string
	hook     []string
	obj      map[string]any
}

func (d *rdoc) groupKey() string {
	k, _ := d.obj["kind"].(string)
	h := ""
	if d.hook != nil {
		h = "hook"
	}
	return d.template + "\x00" + k + "\x00" + h
}

func (d *rdoc) name() (string, bool) {
	md, _ := d.obj["metadata"].(map[string]any)
	n, ok := md["name"].(string)
	return n, ok
}

// matchDocs pairs the documents of several renders of one chart: per template and kind,
// by position when every render has as many of them, else by name. Each result holds one
// document per render (nil where that render lacks it), in the first render's order and
// then the order in which other renders add documents.
func matchDocs(renders [][]*rdoc) [][]*rdoc {
	n := len(renders)
	type group struct {
		counts []int // documents per render
	}
	groups := map[string]*group{}
	for r, docs := range renders {
		for _, d := range docs {
			k := d.groupKey()
			g, ok := groups[k]
			if !ok {
				g = &group{counts: make([]int, n)}
				groups[k] = g
			}
			g.counts[r]++
		}
	}
	// slot of each matched document, keyed by group and identity
	type key struct {
		group string
		id    string
	}
	index := map[key]int{}
	var out [][]*rdoc
	place := func(k key, r int, d *rdoc) {
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, make([]*rdoc, n))
		}
		out[i][r] = d
	}
	// Walk each render's documents in order, so that the result follows the first
	// render's order.
	for r, docs := range renders {
		pos := map[string]int{}
		dup := map[string]int{}
		for _, d := range docs {
			gk := d.groupKey()
			g := groups[gk]
			same := true
			for _, c := range g.counts {
				if c != g.counts[0] {
					same = false
				}
			}
			id := "#" + strconv.Itoa(pos[gk])
			pos[gk]++
			if !same {
				nm, ok := d.name()
				if !ok || strings.Contains(nm, standInMark) {
					nm = "\x00noname"
				}
				id = nm + "\x00" + strconv.Itoa(dup[gk+"\x00"+nm])
				dup[gk+"\x00"+nm]++
			}
			place(key{gk, id}, r, d)
		}
	}
	return out
}

// mergeTrees combines the same value from several renders: what is equal everywhere is
// kept, what differs is marked unknown (in marks) and left out. A list whose elements
// vary is marked as a whole and keeps the elements every render has. It returns false
// when nothing of the value is certain.
func mergeTrees(vals []any, p string, marks map[string]bool) (any, bool) {
	first := vals[0]
	if allEqual(vals) {
		return first, true
	}
	switch f := first.(type) {
	case map[string]any:
		ms := make([]map[string]any, len(vals))
		for i, v := range vals {
			m, ok := v.(map[string]any)
			if !ok {
				marks[p] = true
				return nil, false
			}
			ms[i] = m
		}
		out := make(map[string]any, len(f))
		for _, k := range unionKeys(ms) {
			cp := fieldpath.Join(p, k)
			children := make([]any, 0, len(ms))
			for _, m := range ms {
				c, ok := m[k]
				if !ok {
					break
				}
				children = append(children, c)
			}
			if len(children) < len(ms) {
				marks[cp] = true
				continue
			}
			if v, ok := mergeTrees(children, cp, marks); ok {
				out[k] = v
			}
		}
		return out, true
	case []any:
		ls := make([][]any, len(vals))
		for i, v := range vals {
			l, ok := v.([]any)
			if !ok {
				marks[p] = true
				return nil, false
			}
			ls[i] = l
		}
		if sameShape(ls) {
			out := make([]any, 0, len(f))
			dropped := false
			for i := range f {
				children := make([]any, len(ls))
				for j, l := range ls {
					children[j] = l[i]
				}
				v, ok := mergeTrees(children, fieldpath.Index(p, i), marks)
				if !ok {
					dropped = true
					continue
				}
				out = append(out, v)
			}
			if dropped {
				marks[p] = true
			}
			return out, true
		}
		marks[p] = true
		out := make([]any, 0, len(f))
		for _, e := range f {
			matches := []any{e}
			for _, l := range ls[1:] {
				c, ok := counterpart(e, l)
				if !ok {
					break
				}
				matches = append(matches, c)
			}
			if len(matches) < len(ls) {
				continue
			}
			if v, ok := mergeTrees(matches, fieldpath.Index(p, len(out)), marks); ok {
				out = append(out, v)
			}
		}
		return out, true
	}
	marks[p] = true
	return nil, false
}

// sameShape reports whether lists can be compared element by element: equal lengths and,
// for lists of named objects (containers, volumes, env), the names in the same order.
func sameShape(ls [][]any) bool {
	for _, l := range ls[1:] {
		if len(l) != len(ls[0]) {
			return false
		}
	}
	for i := range ls[0] {
		n0, ok0 := elemName(ls[0][i])
		for _, l := range ls[1:] {
			n, ok := elemName(l[i])
			if ok0 != ok || n != n0 {
				return false
			}
		}
	}
	return true
}

func elemName(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	n, ok := m["name"].(string)
	return n, ok
}

// namedIndex maps the names of a list's elements to their indexes, when every element is
// an object with a name and no two share one.
func namedIndex(l []any) (map[string]int, bool) {
	out := make(map[string]int, len(l))
	for i, e := range l {
		n, ok := elemName(e)
		if !ok {
			return nil, false
		}
		if _, dup := out[n]; dup {
			return nil, false
		}
		out[n] = i
	}
	return out, true
}

// counterpart finds e in l: the element with the same name, or an equal one.
func counterpart(e any, l []any) (any, bool) {
	if n, ok := elemName(e); ok {
		for _, c := range l {
			if cn, ok := elemName(c); ok && cn == n {
				return c, true
			}
		}
		return nil, false
	}
	for _, c := range l {
		if reflect.DeepEqual(e, c) {
			return c, true
		}
	}
	return nil, false
}

func allEqual(vals []any) bool {
	for _, v := range vals[1:] {
		if !reflect.DeepEqual(vals[0], v) {
			return false
		}
	}
	return true
}

func unionKeys(ms []map[string]any) []string {
	set := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			set[k] = true
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// diffMarks marks the paths of a where b differs (a key one of them lacks, a list of
// another length, a different scalar).
func diffMarks(a, b any, p string, marks map[string]bool) {
	if reflect.DeepEqual(a, b) {
		return
	}
	switch at := a.(type) {
	case map[string]any:
		bt, ok := b.(map[string]any)
		if !ok {
			marks[p] = true
			return
		}
		for k, av := range at {
			bv, ok := bt[k]
			if !ok {
				marks[fieldpath.Join(p, k)] = true
				continue
			}
			diffMarks(av, bv, fieldpath.Join(p, k), marks)
		}
		// A key only b has is absent from a because of the difference (a user null that
		// deletes a chart default): its path is marked too, though a lacks it.
		for k := range bt {
			if _, ok := at[k]; !ok {
				marks[fieldpath.Join(p, k)] = true
			}
		}
	case []any:
		bt, ok := b.([]any)
		if !ok {
			marks[p] = true
			return
		}
		if len(bt) != len(at) {
			// Lists of uniquely named elements (containers, volumes, mounts, env) are
			// compared element by element by name: an element a has and b lacks is marked
			// at its own index, so one toggled volume does not mark its neighbours.
			if byName, ok := namedIndex(bt); ok {
				if _, ok := namedIndex(at); ok {
					for i, e := range at {
						n, _ := elemName(e)
						if j, found := byName[n]; found {
							diffMarks(e, bt[j], fieldpath.Index(p, i), marks)
						} else {
							marks[fieldpath.Index(p, i)] = true
						}
					}
					return
				}
			}
			marks[p] = true
			return
		}
		for i := range at {
			diffMarks(at[i], bt[i], fieldpath.Index(p, i), marks)
		}
	default:
		marks[p] = true
	}
}

// scrub removes what still holds a stand-in (a value a template transformed in a way
// every render agreed on, a map key built from an unknown) and marks it unknown.
func scrub(v any, p string, marks map[string]bool) (any, bool) {
	switch t := v.(type) {
	case string:
		if strings.Contains(t, standInMark) {
			marks[p] = true
			return nil, false
		}
	case map[string]any:
		for k, c := range t {
			cp := fieldpath.Join(p, k)
			if strings.Contains(k, standInMark) {
				marks[p] = true
				delete(t, k)
				continue
			}
			if nv, ok := scrub(c, cp, marks); ok {
				t[k] = nv
			} else {
				delete(t, k)
			}
		}
	case []any:
		out := t[:0]
		for i, c := range t {
			if nv, ok := scrub(c, fieldpath.Index(p, i), marks); ok {
				out = append(out, nv)
			} else {
				marks[p] = true
			}
		}
		return out, true
	}
	return v, true
}

// normalize sorts paths and drops those below another one.
func normalize(marks map[string]bool) []string {
	if len(marks) == 0 {
		return nil
	}
	all := make([]string, 0, len(marks))
	for p := range marks {
		all = append(all, p)
	}
	sort.Strings(all)
	var out []string
	for _, p := range all {
		if hasAncestor(marks, p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func hasAncestor(marks map[string]bool, p string) bool {
	for {
		parent, ok := fieldpath.Parent(p)
		if !ok {
			return false
		}
		if marks[parent] {
			return true
		}
		p = parent
	}
}

// liftUnder replaces each path that lies under one of the ancestors by the highest
// such ancestor.
func liftUnder(paths []string, ancestors map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, p := range paths {
		top := p
		for q := p; ; {
			parent, ok := fieldpath.Parent(q)
			if !ok {
				break
			}
			if ancestors[parent] {
				top = parent
			}
			q = parent
		}
		out[top] = true
	}
	return out
}

func sortLongestFirst(s []string) {
	sort.SliceStable(s, func(i, j int) bool {
		if len(s[i]) != len(s[j]) {
			return len(s[i]) > len(s[j])
		}
		return s[i] < s[j]
	})
}
