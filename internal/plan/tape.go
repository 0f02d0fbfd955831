package plan

import (
	"encoding/json"
	"strings"
)

// tape is a flat index of the tokens of one JSON value, built in a single pass, so that
// walking nested objects never rescans their bytes (as splitting them level by level
// would). It is how the converter reads a planned value without decoding it into maps.
type tape struct {
	src   []byte
	nodes []tnode
	stack []int32
}

// tnode is one value: an object, array, string, number or literal.
type tnode struct {
	kind  byte  // '{', '[', '"', '0' (number), 't', 'f', 'n' (null)
	start int32 // first byte of the value in src
	end   int32 // one past its last byte
	next  int32 // index of the node that follows this value's subtree
}

// absent is the node index of a value that is not there.
const absent = -1

// parse indexes b, reusing the tape's memory.
func (t *tape) parse(b []byte) error {
	_, err := t.parseValue(b, false)
	return err
}

// parseValue indexes the JSON value at the start of b. With prefix, bytes after the
// value are allowed and the value's end offset is returned.
func (t *tape) parseValue(b []byte, prefix bool) (int, error) {
	t.src, t.nodes, t.stack = b, t.nodes[:0], t.stack[:0]
	i := skipSpace(b, 0)
	if i >= len(b) {
		return len(b), errTruncated
	}
	for {
		if i >= len(b) {
			return len(b), errTruncated
		}
		c := b[i]
		switch {
		case c == '{' || c == '[':
			t.stack = append(t.stack, int32(len(t.nodes)))
			t.nodes = append(t.nodes, tnode{kind: c, start: int32(i)})
			i = skipSpace(b, i+1)
			if i < len(b) && (b[i] == '}' || b[i] == ']') {
				continue // empty container: closed below
			}
			continue
		case c == '}' || c == ']':
			if len(t.stack) == 0 {
				return i, &syntaxError{Offset: i, Msg: "unbalanced brackets"}
			}
			open := t.stack[len(t.stack)-1]
			t.stack = t.stack[:len(t.stack)-1]
			if (t.nodes[open].kind == '{') != (c == '}') {
				return i, &syntaxError{Offset: i, Msg: "mismatched brackets"}
			}
			t.nodes[open].end = int32(i + 1)
			t.nodes[open].next = int32(len(t.nodes))
			i++
		case c == '"':
			end, err := skipString(b, i)
			if err != nil {
				return i, err
			}
			t.nodes = append(t.nodes, tnode{kind: '"', start: int32(i), end: int32(end), next: int32(len(t.nodes) + 1)})
			i = skipSpace(b, end)
			if len(t.stack) > 0 && t.nodes[t.stack[len(t.stack)-1]].kind == '{' && i < len(b) && b[i] == ':' {
				i = skipSpace(b, i+1) // a member name: its value follows
				continue
			}
		default:
			end, err := skipValue(b, i)
			if err != nil {
				return i, err
			}
			kind := c
			if c == '-' || (c >= '0' && c <= '9') {
				kind = '0'
			}
			t.nodes = append(t.nodes, tnode{kind: kind, start: int32(i), end: int32(end), next: int32(len(t.nodes) + 1)})
			i = end
		}
		if len(t.stack) == 0 {
			if prefix {
				return i, nil
			}
			return i, trailing(b, i)
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
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

// key returns the member name of string node n, unescaped.
func (t *tape) key(n int32) string {
	r := t.raw(n)
	s := string(r[1 : len(r)-1])
	if strings.IndexByte(s, '\\') >= 0 {
		_ = json.Unmarshal(r, &s)
	}
	return s
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

// member returns the value node of member name in object n, or absent.
func (t *tape) member(n int32, name string) int32 {
	found := int32(absent)
	t.each(n, func(_ int, key, val int32) bool {
		r := t.raw(key)
		if string(r[1:len(r)-1]) == name || t.key(key) == name {
			found = val
			return false
		}
		return true
	})
	return found
}

// index returns element i of array n, or absent.
func (t *tape) index(n int32, i int) int32 {
	found := int32(absent)
	t.each(n, func(j int, _, val int32) bool {
		if j == i {
			found = val
			return false
		}
		return true
	})
	return found
}

// count returns the number of members or elements of container n.
func (t *tape) count(n int32) int {
	c := 0
	t.each(n, func(int, int32, int32) bool { c++; return true })
	return c
}

// value decodes node n generically (rarely needed: sensitive values, constants).
func (t *tape) value(n int32) any {
	if t.isNull(n) {
		return nil
	}
	var v any
	_ = json.Unmarshal(t.raw(n), &v)
	return v
}
