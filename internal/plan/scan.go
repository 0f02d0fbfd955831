package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The plan reader does not decode a whole plan into generic maps: a large plan holds every
// resource twice (planned_values and resource_changes) and decoding both would cost many
// times the plan's size in memory. Instead a small scanner finds the byte ranges of the
// top-level members and of each resource_changes element, and only those are decoded, one
// at a time, with terraform-json's types.

// errTruncated is returned when the input ends inside a value.
var errTruncated = errors.New("unexpected end of input (the file looks truncated)")

// syntaxError reports malformed JSON at a byte offset.
type syntaxError struct {
	Offset int
	Msg    string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

// skipSpace returns the offset of the first non-space byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue returns the offset just past the JSON value that starts at b[i] (no leading
// space). It checks structure (balanced brackets, strings, literals) without allocating.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return i, errTruncated
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		return skipComposite(b, i)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return skipNumber(b, i)
	default:
		return i, &syntaxError{Offset: i, Msg: fmt.Sprintf("unexpected character %q", c)}
	}
}

func skipLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) {
		return len(b), errTruncated
	}
	if string(b[i:i+len(lit)]) != lit {
		return i, &syntaxError{Offset: i, Msg: "invalid literal"}
	}
	return i + len(lit), nil
}

func skipNumber(b []byte, i int) (int, error) {
	start := i
	for i < len(b) {
		switch c := b[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			i++
		default:
			if i == start {
				return i, &syntaxError{Offset: i, Msg: "invalid number"}
			}
			return i, nil
		}
	}
	return i, nil
}

// skipString returns the offset just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b), errTruncated
		}
		end := i + j
		// The quote ends the string unless an odd number of backslashes escapes it.
		k := end - 1
		for k >= i && b[k] == '\\' {
			k--
		}
		if (end-1-k)%2 == 0 {
			return end + 1, nil
		}
		i = end + 1
	}
}

// skipComposite skips an object or array with an explicit stack, so deep nesting cannot
// exhaust the goroutine stack.
func skipComposite(b []byte, i int) (int, error) {
	stack := make([]byte, 0, 32)
	for i < len(b) {
		switch c := b[i]; c {
		case '{', '[':
			stack = append(stack, c)
			i++
		case '}', ']':
			if len(stack) == 0 {
				return i, &syntaxError{Offset: i, Msg: "unbalanced brackets"}
			}
			open := stack[len(stack)-1]
			if (open == '{') != (c == '}') {
				return i, &syntaxError{Offset: i, Msg: fmt.Sprintf("mismatched %q", c)}
			}
			stack = stack[:len(stack)-1]
			i++
			if len(stack) == 0 {
				return i, nil
			}
		case '"':
			var err error
			if i, err = skipString(b, i); err != nil {
				return i, err
			}
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		case 't', 'f', 'n':
			var err error
			if i, err = skipLiteral(b, i, literalFor(c)); err != nil {
				return i, err
			}
		default:
			if c == '-' || (c >= '0' && c <= '9') {
				var err error
				if i, err = skipNumber(b, i); err != nil {
					return i, err
				}
				continue
			}
			return i, &syntaxError{Offset: i, Msg: fmt.Sprintf("unexpected character %q", c)}
		}
	}
	return len(b), errTruncated
}

// member is one top-level member of a JSON object: its key and the raw bytes of its value.
type member struct {
	Key   string
	Value []byte
}

// objectMembers splits the JSON object in b into its members (keys unescaped only when
// they are plain, which every Terraform key is).
func objectMembers(b []byte) ([]member, error) {
	i := skipSpace(b, 0)
	if i >= len(b) {
		return nil, errEmpty
	}
	if b[i] != '{' {
		return nil, &syntaxError{Offset: i, Msg: "a plan is a JSON object; this input is not"}
	}
	i = skipSpace(b, i+1)
	var out []member
	if i < len(b) && b[i] == '}' {
		return out, trailing(b, i+1)
	}
	for {
		if i >= len(b) {
			return nil, errTruncated
		}
		if b[i] != '"' {
			return nil, &syntaxError{Offset: i, Msg: "expected a member name"}
		}
		end, err := skipString(b, i)
		if err != nil {
			return nil, err
		}
		key := string(b[i+1 : end-1])
		if strings.IndexByte(key, '\\') >= 0 {
			if err := json.Unmarshal(b[i:end], &key); err != nil {
				return nil, &syntaxError{Offset: i, Msg: "invalid member name"}
			}
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return nil, errTruncated
		}
		if b[i] != ':' {
			return nil, &syntaxError{Offset: i, Msg: "expected ':'"}
		}
		i = skipSpace(b, i+1)
		vend, err := skipValue(b, i)
		if err != nil {
			return nil, err
		}
		out = append(out, member{Key: key, Value: b[i:vend]})
		i = skipSpace(b, vend)
		if i >= len(b) {
			return nil, errTruncated
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return out, trailing(b, i+1)
		default:
			return nil, &syntaxError{Offset: i, Msg: "expected ',' or '}'"}
		}
	}
}

// arrayElements returns the raw bytes of each element of the JSON array in b.
func arrayElements(b []byte) ([][]byte, error) {
	i := skipSpace(b, 0)
	if i >= len(b) {
		return nil, errTruncated
	}
	if b[i] == 'n' {
		return nil, nil // null
	}
	if b[i] != '[' {
		return nil, &syntaxError{Offset: i, Msg: "expected an array"}
	}
	i = skipSpace(b, i+1)
	var out [][]byte
	if i < len(b) && b[i] == ']' {
		return out, nil
	}
	for {
		end, err := skipValue(b, i)
		if err != nil {
			return nil, err
		}
		out = append(out, b[i:end])
		i = skipSpace(b, end)
		if i >= len(b) {
			return nil, errTruncated
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return out, nil
		default:
			return nil, &syntaxError{Offset: i, Msg: "expected ',' or ']'"}
		}
	}
}

func trailing(b []byte, i int) error {
	if j := skipSpace(b, i); j < len(b) {
		return &syntaxError{Offset: j, Msg: "data after the end of the plan object"}
	}
	return nil
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

// leadingMembers returns the members of the object in b up to and including the first
// whose key satisfies stop (or all of them); for the stopping member, Value is the raw
// value only when it is not an object (an object's bytes are returned unscanned, from its
// opening brace to the end of b, for the caller to read its leading members in turn).
func leadingMembers(b []byte, stop func(key string) bool) ([]member, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, &syntaxError{Offset: i, Msg: "expected an object"}
	}
	i = skipSpace(b, i+1)
	var out []member
	for i < len(b) && b[i] != '}' {
		if b[i] != '"' {
			return nil, &syntaxError{Offset: i, Msg: "expected a member name"}
		}
		end, err := skipString(b, i)
		if err != nil {
			return nil, err
		}
		key := string(b[i+1 : end-1])
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, &syntaxError{Offset: i, Msg: "expected ':'"}
		}
		i = skipSpace(b, i+1)
		if stop(key) {
			if i < len(b) && b[i] == '{' {
				return append(out, member{Key: key, Value: b[i:]}), nil
			}
			vend, err := skipValue(b, i)
			if err != nil {
				return nil, err
			}
			return append(out, member{Key: key, Value: b[i:vend]}), nil
		}
		vend, err := skipValue(b, i)
		if err != nil {
			return nil, err
		}
		out = append(out, member{Key: key, Value: b[i:vend]})
		i = skipSpace(b, vend)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return out, nil
}
