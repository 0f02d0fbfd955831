package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// tape is a flat index of the tokens of one JSON value, built in a single strict pass, so
// that walking nested objects never rescans their bytes (as splitting them level by level
// would). It is how the reader walks a resource change without decoding it into maps.
//
// parse accepts exactly what json.Valid accepts, up to MaxDepth levels of nesting, and by
// default rejects objects with duplicate member names (compared as encoding/json compares
// them, after unescaping): with duplicates, two readers of one plan can see two different
// values, and plan-check must judge the one that will be applied.
type tape struct {
	src   []byte
	nodes []tnode
	stack []frame
	// base is the offset of src in the file, for error messages.
	base int
	// maxDepth is the nesting limit (MaxDepth when 0).
	maxDepth int
	// allowDuplicates accepts duplicate member names (the differential test with json.Valid).
	allowDuplicates bool
	// inexact is set when a number is not a plain integer of at most 18 digits: decoders
	// that round or wrap such numbers must not be trusted with it.
	inexact bool
	keys    map[string]struct{}
}

// tnode is one value: an object, array, string, number or literal.
type tnode struct {
	kind byte // '{', '[', '"', '0' (number), 't', 'f', 'n' (null)
	// esc marks a string that must be unescaped (escape sequences or invalid UTF-8) before
	// it is compared.
	esc bool
	// unsorted marks an object whose member names are not plain and strictly ascending
	// (Terraform writes them sorted): lookups by name then go through a map.
	unsorted bool
	start    int32 // first byte of the value in src
	end      int32 // one past its last byte
	next     int32 // index of the node that follows this value's subtree
}

// frame is an open container while parsing.
type frame struct {
	node    int32
	prevKey int32 // the previous member name of an object, or absent
	sorted  bool  // the names so far are plain and strictly ascending (so distinct)
}

// absent is the node index of a value that is not there.
const absent = -1

// depthError is nesting beyond the tape's limit; path is where (member names and indexes
// from the root).
type depthError struct {
	offset int
	limit  int
	path   []seg
}

func (e *depthError) Error() string {
	return fmt.Sprintf("nested deeper than %d levels (plan-check's limit) at byte %d", e.limit, e.offset)
}

// duplicateError is an object with two members of one name; path is the object's.
type duplicateError struct {
	offset int
	key    string
	path   []seg
}

func (e *duplicateError) Error() string {
	return fmt.Sprintf("duplicate member name at byte %d", e.offset)
}

// parse indexes b, reusing the tape's memory.
func (t *tape) parse(b []byte) error {
	if len(b) >= math.MaxInt32 {
		return fmt.Errorf("a resource change of %d bytes is larger than plan-check reads (2 GiB)", len(b))
	}
	t.src, t.nodes, t.stack, t.inexact = b, t.nodes[:0], t.stack[:0], false
	limit := t.maxDepth
	if limit == 0 {
		limit = MaxDepth
	}
	var (
		i    = skipSpace(b, 0)
		c    byte
		err  error
		end  int
		esc  bool
		top  *frame
		done frame
	)
value: // b[i] should start a value
	if i >= len(b) {
		return t.syntax(i, errTruncated.Error())
	}
	switch c = b[i]; {
	case c == '{' || c == '[':
		if len(t.stack) >= limit {
			return &depthError{offset: t.base + i, limit: limit, path: t.stackPath(int32(len(t.nodes)))}
		}
		t.stack = append(t.stack, frame{node: int32(len(t.nodes)), prevKey: absent, sorted: true})
		t.nodes = append(t.nodes, tnode{kind: c, start: int32(i)})
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return t.syntax(i, errTruncated.Error())
		}
		if c == '{' {
			if b[i] == '}' {
				i++
				goto closed
			}
			goto member
		}
		if b[i] == ']' {
			i++
			goto closed
		}
		goto value
	case c == '"':
		if end, esc, err = skipString(b, i); err != nil {
			return t.wrap(err)
		}
		t.nodes = append(t.nodes, tnode{kind: '"', esc: esc || needsNormalizing(b[i:end]), start: int32(i), end: int32(end), next: int32(len(t.nodes) + 1)})
	case c == 't' || c == 'f' || c == 'n':
		if end, err = skipLiteral(b, i, literalFor(c)); err != nil {
			return t.wrap(err)
		}
		t.nodes = append(t.nodes, tnode{kind: c, start: int32(i), end: int32(end), next: int32(len(t.nodes) + 1)})
	case c == '-' || (c >= '0' && c <= '9'):
		var simple bool
		if end, simple, err = skipNumber(b, i); err != nil {
			return t.wrap(err)
		}
		t.inexact = t.inexact || !simple
		t.nodes = append(t.nodes, tnode{kind: '0', start: int32(i), end: int32(end), next: int32(len(t.nodes) + 1)})
	default:
		return t.syntax(i, unexpected(c, "a value"))
	}
	i = end
	goto next
closed: // the container on top of the stack ended just before i
	done = t.stack[len(t.stack)-1]
	t.stack = t.stack[:len(t.stack)-1]
	t.nodes[done.node].end = int32(i)
	t.nodes[done.node].next = int32(len(t.nodes))
	t.nodes[done.node].unsorted = !done.sorted
	if !done.sorted && !t.allowDuplicates && t.nodes[done.node].kind == '{' {
		if err := t.checkUnique(done.node); err != nil {
			return err
		}
	}
next: // a value just ended at i
	if len(t.stack) == 0 {
		if err := trailing(b, i); err != nil {
			return t.wrap(err)
		}
		return nil
	}
	i = skipSpace(b, i)
	if i >= len(b) {
		return t.syntax(i, errTruncated.Error())
	}
	top = &t.stack[len(t.stack)-1]
	switch c = b[i]; {
	case c == ',':
		i = skipSpace(b, i+1)
		if t.nodes[top.node].kind == '{' {
			goto member
		}
		goto value
	case c == '}' && t.nodes[top.node].kind == '{', c == ']' && t.nodes[top.node].kind == '[':
		i++
		goto closed
	case t.nodes[top.node].kind == '{':
		return t.syntax(i, unexpected(c, "',' or '}'"))
	default:
		return t.syntax(i, unexpected(c, "',' or ']'"))
	}
member: // b[i] should start a member name
	if i >= len(b) {
		return t.syntax(i, errTruncated.Error())
	}
	if b[i] != '"' {
		return t.syntax(i, unexpected(b[i], "a member name (a string)"))
	}
	if end, esc, err = skipString(b, i); err != nil {
		return t.wrap(err)
	}
	esc = esc || needsNormalizing(b[i:end])
	t.nodes = append(t.nodes, tnode{kind: '"', esc: esc, start: int32(i), end: int32(end), next: int32(len(t.nodes) + 1)})
	top = &t.stack[len(t.stack)-1]
	if top.sorted {
		cur := int32(len(t.nodes) - 1)
		if esc || (top.prevKey != absent && bytes.Compare(t.rawKey(top.prevKey), t.rawKey(cur)) >= 0) {
			top.sorted = false
		}
		top.prevKey = cur
	}
	i = skipSpace(b, end)
	if i >= len(b) {
		return t.syntax(i, errTruncated.Error())
	}
	if b[i] != ':' {
		return t.syntax(i, unexpected(b[i], "':' after a member name"))
	}
	i = skipSpace(b, i+1)
	goto value
}

// needsNormalizing reports whether a string literal without escapes still decodes to
// other bytes than its own (invalid UTF-8 becomes U+FFFD in encoding/json).
func needsNormalizing(lit []byte) bool {
	for _, c := range lit {
		if c >= utf8.RuneSelf {
			return !utf8.Valid(lit)
		}
	}
	return false
}

func (t *tape) syntax(i int, msg string) error {
	return &syntaxError{Offset: t.base + i, Msg: msg}
}

// wrap moves a scanner error's offset from src to the file.
func (t *tape) wrap(err error) error {
	if se, ok := err.(*syntaxError); ok {
		return &syntaxError{Offset: t.base + se.Offset, Msg: se.Msg}
	}
	return err
}

// checkUnique reports a duplicate member name in object n (just closed), whose names are
// not plainly ascending.
func (t *tape) checkUnique(n int32) error {
	if t.keys == nil {
		t.keys = make(map[string]struct{})
	}
	clear(t.keys)
	for k := n + 1; k < t.nodes[n].next; k = t.nodes[k+1].next {
		name := t.key(k)
		if _, dup := t.keys[name]; dup {
			return &duplicateError{offset: t.base + int(t.nodes[k].start), key: name, path: t.stackPath(n)}
		}
		t.keys[name] = struct{}{}
	}
	return nil
}

// stackPath is the path, while parsing, of child: a node that is (or is about to be) the
// last child of the innermost open container.
func (t *tape) stackPath(child int32) []seg {
	path := make([]seg, 0, len(t.stack))
	for d := range t.stack {
		c := child
		if d+1 < len(t.stack) {
			c = t.stack[d+1].node
		}
		path = append(path, t.childSegment(t.stack[d].node, c))
	}
	return path
}

// childSegment names child value c of container p: its member name (the node just before
// it) or its index. Only the siblings before c are stepped over, closed ones, so it works
// while parsing.
func (t *tape) childSegment(p, c int32) seg {
	if t.nodes[p].kind == '{' {
		return seg{key: t.key(c - 1), idx: -1}
	}
	i := 0
	for j := p + 1; j < c; j = t.nodes[j].next {
		i++
	}
	return seg{idx: i}
}

// raw returns the bytes of node n.
func (t *tape) raw(n int32) []byte {
	nd := &t.nodes[n]
	return t.src[nd.start:nd.end]
}

// kind returns node n's kind, or 0 when n is absent.
func (t *tape) kind(n int32) byte {
	if n < 0 || t == nil || int(n) >= len(t.nodes) {
		return 0
	}
	return t.nodes[n].kind
}

// isTrue reports whether node n is the literal true.
func (t *tape) isTrue(n int32) bool { return t.kind(n) == 't' }

// isNull reports whether node n is absent or null.
func (t *tape) isNull(n int32) bool { k := t.kind(n); return k == 0 || k == 'n' }

// rawKey returns the bytes between the quotes of string node n (no unescaping): for
// comparing with plain names without allocating.
func (t *tape) rawKey(n int32) []byte {
	r := t.raw(n)
	return r[1 : len(r)-1]
}

// is reports whether string node n is the plain name s.
func (t *tape) is(n int32, s string) bool {
	return !t.nodes[n].esc && string(t.rawKey(n)) == s
}

// key returns the string of string node n, unescaped.
func (t *tape) key(n int32) string {
	return unquote(t.raw(n), t.nodes[n].esc)
}

// str returns the string of node n and whether it is a string.
func (t *tape) str(n int32) (string, bool) {
	if t.kind(n) != '"' {
		return "", false
	}
	return t.key(n), true
}

// each calls fn for every member (object: key node, value node) or element (array: -1,
// value node, with its index) of container n.
func (t *tape) each(n int32, fn func(i int, key, val int32) bool) {
	if k := t.kind(n); k != '{' && k != '[' {
		return
	}
	end := t.nodes[n].next
	obj := t.nodes[n].kind == '{'
	j, i := n+1, 0
	for j < end {
		if obj {
			val := j + 1
			if !fn(i, j, val) {
				return
			}
			j = t.nodes[val].next
		} else {
			if !fn(i, absent, j) {
				return
			}
			j = t.nodes[j].next
		}
		i++
	}
}

// member returns the value node of member name in object n, or absent. It is linear in
// the object's size: for the few members of small objects (use a cursor for many).
func (t *tape) member(n int32, name string) int32 {
	if t.kind(n) != '{' {
		return absent
	}
	for k := n + 1; k < t.nodes[n].next; k = t.nodes[k+1].next {
		if t.is(k, name) || (t.nodes[k].esc && t.key(k) == name) {
			return k + 1
		}
	}
	return absent
}

// count returns the number of members or elements of container n.
func (t *tape) count(n int32) int {
	c := 0
	t.each(n, func(int, int32, int32) bool { c++; return true })
	return c
}

// value decodes node n generically: maps, slices, json.Number, string, bool, nil.
func (t *tape) value(n int32) any {
	switch t.kind(n) {
	case '{':
		m := map[string]any{}
		t.each(n, func(_ int, k, v int32) bool {
			m[t.key(k)] = t.value(v)
			return true
		})
		return m
	case '[':
		l := make([]any, 0, 4)
		t.each(n, func(_ int, _, v int32) bool {
			l = append(l, t.value(v))
			return true
		})
		return l
	case '"':
		return t.key(n)
	case '0':
		return json.Number(t.raw(n))
	case 't':
		return true
	case 'f':
		return false
	}
	return nil
}

// locate returns the path (Kubernetes form, from node root) of the innermost value of
// the tape that ends at or contains the byte offset off of src, for errors that decoders
// report by offset.
func (t *tape) locate(root int32, off int) string {
	path, cur := "", root
	for {
		k := t.kind(cur)
		if k != '{' && k != '[' {
			return path
		}
		obj := k == '{'
		found := false
		i := 0
		for j := cur + 1; j < t.nodes[cur].next; i++ {
			v := j
			if obj {
				v = j + 1
			}
			if int(t.nodes[v].start) < off && off <= int(t.nodes[v].end) {
				if obj {
					path = Join(path, t.key(j))
				} else {
					path = Index(path, i)
				}
				cur, found = v, true
				break
			}
			j = t.nodes[v].next
		}
		if !found {
			return path
		}
	}
}

func literalFor(c byte) string {
	switch c {
	case 't':
		return "true"
	case 'f':
		return "false"
	}
	return "null"
}

// describe names the JSON type of node n for messages ("a string"), never its value.
func (t *tape) describe(n int32) string {
	return kindName(t.kind(n))
}

func kindName(k byte) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "nothing"
}

// segments renders the first n segments of a tape path (member names and [i]), and an
// ellipsis when there are more.
func segments(path []seg, n int) string {
	var b strings.Builder
	for i, s := range path {
		if i == n {
			b.WriteString("…")
			break
		}
		switch {
		case s.idx >= 0:
			fmt.Fprintf(&b, "[%d]", s.idx)
		case !isIdent(s.key):
			fmt.Fprintf(&b, "[%q]", s.key)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		}
	}
	return b.String()
}

// cursor looks up members of one object by the names of another object's members, taken
// in order: when both are sorted (as Terraform writes them) it walks them in step, else
// it indexes the looked-up object once. Either way a whole walk is linear.
type cursor struct {
	t         *tape
	n         int32 // the object looked up, or absent
	next, end int32
	merge     bool
	index     map[string]int32
}

// cursor returns a cursor over object n, to be looked up with the names of object by (of
// tape bt) in their order.
func (t *tape) cursor(n int32, bt *tape, by int32) cursor {
	if t.kind(n) != '{' {
		return cursor{t: t, n: absent}
	}
	return cursor{t: t, n: n, next: n + 1, end: t.nodes[n].next,
		merge: !t.nodes[n].unsorted && bt.kind(by) == '{' && !bt.nodes[by].unsorted}
}

// lookup returns the value node of the member named like key node k of tape kt, or absent.
func (c *cursor) lookup(kt *tape, k int32) int32 {
	if c.n == absent {
		return absent
	}
	if c.merge {
		key := kt.rawKey(k)
		for c.next < c.end {
			switch bytes.Compare(c.t.rawKey(c.next), key) {
			case -1:
				c.next = c.t.nodes[c.next+1].next
				continue
			case 0:
				v := c.next + 1
				c.next = c.t.nodes[v].next
				return v
			}
			return absent
		}
		return absent
	}
	if c.index == nil {
		c.index = make(map[string]int32)
		for j := c.n + 1; j < c.end; j = c.t.nodes[j+1].next {
			c.index[c.t.key(j)] = j + 1
		}
	}
	if v, ok := c.index[kt.key(k)]; ok {
		return v
	}
	return absent
}

// elems walks the marks of a list's elements in step with the elements: a boolean mark
// covers every element.
type elems struct {
	t         *tape
	whole     int32
	next, end int32
}

func (t *tape) elems(n int32) elems {
	switch t.kind(n) {
	case 't', 'f':
		return elems{t: t, whole: n, next: absent}
	case '[':
		return elems{t: t, whole: absent, next: n + 1, end: t.nodes[n].next}
	}
	return elems{t: t, whole: absent, next: absent}
}

// step returns the mark of the next element, or absent.
func (e *elems) step() int32 {
	if e.whole != absent {
		return e.whole
	}
	if e.next == absent || e.next >= e.end {
		return absent
	}
	n := e.next
	e.next = e.t.nodes[n].next
	return n
}

// rest reports whether a mark beyond the elements stepped over holds a true.
func (e *elems) rest() bool {
	if e.whole != absent || e.next == absent {
		return false
	}
	for j := e.next; j < e.end; j++ {
		if e.t.nodes[j].kind == 't' {
			return true
		}
	}
	return false
}
