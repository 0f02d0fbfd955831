package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
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
	node int32
	// prevKey and prevEnd are the offsets of the previous member name of an object
	// (prevKey absent before the first).
	prevKey, prevEnd int32
	sorted           bool // the names so far are plain and strictly ascending (so distinct)
	obj              bool
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
	t.src, t.inexact = b, false
	nodes, stack, err := t.index(b, t.nodes[:0], t.stack[:0])
	t.nodes, t.stack = nodes, stack
	return err
}

// index is parse's loop. The node and frame slices live in locals (synced to t before any
// method that reads them), so that appending does not go through t.
func (t *tape) index(b []byte, nodes []tnode, stack []frame) ([]tnode, []frame, error) {
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
		done int32
		// sorted and obj are the closed container's
		sorted, obj bool
	)
value: // b[i] should start a value
	if i >= len(b) {
		return nodes, stack, t.syntax(i, errTruncated.Error())
	}
	switch c = b[i]; c {
	case '{', '[':
		if len(stack) >= limit {
			t.nodes, t.stack = nodes, stack
			return nodes, stack, &depthError{offset: t.base + i, limit: limit, path: t.stackPath(int32(len(nodes)))}
		}
		stack = grow(stack)
		fr := &stack[len(stack)-1]
		fr.node, fr.prevKey, fr.prevEnd, fr.sorted, fr.obj = int32(len(nodes)), absent, 0, true, c == '{'
		nodes = grow(nodes)
		nd := &nodes[len(nodes)-1]
		nd.kind, nd.esc, nd.unsorted, nd.start, nd.end, nd.next = c, false, false, int32(i), 0, 0
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return nodes, stack, t.syntax(i, errTruncated.Error())
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
	case '"':
		if end, esc, err = skipString(b, i); err != nil {
			return nodes, stack, t.wrap(err)
		}
		nodes = leaf(nodes, '"', esc && needsUnquote(b[i:end]), i, end)
	case 't', 'f', 'n':
		if end, err = skipLiteral(b, i, literalFor(c)); err != nil {
			return nodes, stack, t.wrap(err)
		}
		nodes = leaf(nodes, c, false, i, end)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var simple bool
		if end, simple, err = skipNumber(b, i); err != nil {
			return nodes, stack, t.wrap(err)
		}
		t.inexact = t.inexact || !simple
		nodes = leaf(nodes, '0', false, i, end)
	default:
		return nodes, stack, t.syntax(i, unexpected(c, "a value"))
	}
	i = end
	goto next
closed: // the container on top of the stack ended just before i
	top = &stack[len(stack)-1]
	done, sorted, obj = top.node, top.sorted, top.obj
	stack = stack[:len(stack)-1]
	nodes[done].end = int32(i)
	nodes[done].next = int32(len(nodes))
	if !sorted {
		nodes[done].unsorted = true
		if obj && !t.allowDuplicates {
			t.nodes, t.stack = nodes, stack
			if err := t.checkUnique(done); err != nil {
				return nodes, stack, err
			}
		}
	}
next: // a value just ended at i
	if len(stack) == 0 {
		if err := trailing(b, i); err != nil {
			return nodes, stack, t.wrap(err)
		}
		return nodes, stack, nil
	}
	i = skipSpace(b, i)
	if i >= len(b) {
		return nodes, stack, t.syntax(i, errTruncated.Error())
	}
	top = &stack[len(stack)-1]
	switch c = b[i]; {
	case c == ',':
		i = skipSpace(b, i+1)
		if top.obj {
			goto member
		}
		goto value
	case c == '}' && top.obj, c == ']' && !top.obj:
		i++
		goto closed
	case top.obj:
		return nodes, stack, t.syntax(i, unexpected(c, "',' or '}'"))
	default:
		return nodes, stack, t.syntax(i, unexpected(c, "',' or ']'"))
	}
member: // b[i] should start a member name
	if i >= len(b) {
		return nodes, stack, t.syntax(i, errTruncated.Error())
	}
	if b[i] != '"' {
		return nodes, stack, t.syntax(i, unexpected(b[i], "a member name (a string)"))
	}
	if end, esc, err = skipString(b, i); err != nil {
		return nodes, stack, t.wrap(err)
	}
	esc = esc && needsUnquote(b[i:end])
	top = &stack[len(stack)-1]
	if top.sorted {
		// Plain names in strictly ascending order are distinct: nothing to check at the
		// end of the object. Compared in place (the first byte decides most pairs).
		switch {
		case esc:
			top.sorted = false
		case top.prevKey != absent:
			p := b[top.prevKey+1 : top.prevEnd-1]
			k := b[i+1 : end-1]
			if len(p) > 0 && len(k) > 0 && p[0] != k[0] {
				top.sorted = p[0] < k[0]
			} else {
				top.sorted = bytesLess(p, k)
			}
		}
		top.prevKey, top.prevEnd = int32(i), int32(end)
	}
	nodes = leaf(nodes, '"', esc, i, end)
	i = skipSpace(b, end)
	if i >= len(b) {
		return nodes, stack, t.syntax(i, errTruncated.Error())
	}
	if b[i] != ':' {
		return nodes, stack, t.syntax(i, unexpected(b[i], "':' after a member name"))
	}
	i = skipSpace(b, i+1)
	goto value
}

// grow extends s by one element (left as it was: the caller sets every field, one by
// one: a struct literal would be built on the stack and copied with a wide load that
// store forwarding cannot serve, which costs more than the rest of a node).
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s[:len(s)+1]
	}
	var zero T
	return append(s, zero)
}

// leaf appends a node without children.
func leaf(nodes []tnode, kind byte, esc bool, start, end int) []tnode {
	nodes = grow(nodes)
	n := len(nodes)
	nd := &nodes[n-1]
	nd.kind, nd.esc, nd.unsorted, nd.start, nd.end, nd.next = kind, esc, false, int32(start), int32(end), int32(n)
	return nodes
}

// bytesLess reports whether x sorts strictly before y (a loop, cheaper than bytes.Compare's
// call for the short names of a plan).
func bytesLess(x, y []byte) bool {
	n := min(len(x), len(y))
	for i := 0; i < n; i++ {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return len(x) < len(y)
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
	// Few plain names (a resource change's own members): compared pairwise, in place.
	few, plain := 0, true
	for k := n + 1; k < t.nodes[n].next && plain && few <= 16; k = t.nodes[k+1].next {
		few++
		plain = !t.nodes[k].esc
	}
	if plain && few <= 16 {
		for k := n + 1; k < t.nodes[n].next; k = t.nodes[k+1].next {
			for j := n + 1; j < k; j = t.nodes[j+1].next {
				if bytes.Equal(t.rawKey(j), t.rawKey(k)) {
					return &duplicateError{offset: t.base + int(t.nodes[k].start), key: t.key(k), path: t.stackPath(n)}
				}
			}
		}
		return nil
	}
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

// bytesOf returns the bytes of string node n, unescaped: the tape's own bytes (not to be
// modified) when it has no escapes, a copy otherwise.
func (t *tape) bytesOf(n int32) []byte {
	if !t.nodes[n].esc {
		return t.rawKey(n)
	}
	r := t.raw(n)
	return appendUnquoted(make([]byte, 0, len(r)), r)
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
					path = fieldpath.Join(path, t.key(j))
				} else {
					path = fieldpath.Index(path, i)
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
		case !fieldpath.IsIdent(s.key):
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
