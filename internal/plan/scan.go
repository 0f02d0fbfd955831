package plan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The plan reader does not decode a whole plan into generic maps: a large plan holds every
// resource twice (planned_values and resource_changes) and decoding both would cost many
// times the plan's size in memory. Instead a small scanner checks the whole document and
// finds the byte ranges of the top-level members and of each resource_changes element, and
// only those are decoded, one at a time.
//
// The scanner is strict: it accepts exactly the documents encoding/json's json.Valid
// accepts (RFC 8259 with encoding/json's nesting limit), in every section, including the
// ones plan-check only skips, and rejects everything else with "invalid JSON at byte N".

// MaxDepth is the deepest nesting of objects and arrays plan-check reads in a resource
// change (counted from the resource change itself: change.after.manifest is depth 3). It is
// far above any real Kubernetes object; a resource change nested deeper is an error naming
// the resource and the attribute, never a resource silently dropped.
const MaxDepth = 1000

// jsonMaxDepth is encoding/json's own nesting limit, which the scanner applies to the
// sections plan-check only skips so that it accepts exactly what json.Valid accepts.
const jsonMaxDepth = 10000

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

// truncated is errTruncated at an offset (the end of the input).
func truncated(off int) error {
	return &syntaxError{Offset: off, Msg: errTruncated.Error()}
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

// unexpected describes the byte at b[i] for an error message: printable ASCII is quoted,
// anything else given by its code (an input byte is not printed raw).
func unexpected(c byte, what string) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("unexpected %q, expected %s", c, what)
	}
	return fmt.Sprintf("unexpected byte 0x%02x, expected %s", c, what)
}

// skipValue returns the offset just past the JSON value that starts at b[i] (no leading
// space), checking it strictly without allocating.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return i, truncated(i)
	}
	switch c := b[i]; {
	case c == '"':
		end, _, err := skipString(b, i)
		return end, err
	case c == '{' || c == '[':
		return skipComposite(b, i, jsonMaxDepth)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		end, _, err := skipNumber(b, i)
		return end, err
	default:
		return i, &syntaxError{Offset: i, Msg: unexpected(c, "a value")}
	}
}

func skipLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), nil
	}
	for k := 1; k < len(lit); k++ {
		if i+k >= len(b) {
			return len(b), truncated(len(b))
		}
		if b[i+k] != lit[k] {
			return i + k, &syntaxError{Offset: i + k, Msg: "invalid literal (true, false or null)"}
		}
	}
	return i + len(lit), nil
}

// skipNumber returns the offset just past the number at b[i] (a '-' or a digit), and
// whether it is a plain integer of at most 18 digits (exactly representable by every
// decoder plan-check uses).
func skipNumber(b []byte, i int) (int, bool, error) {
	if b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return i, false, truncated(i)
	}
	start := i
	switch c := b[i]; {
	case c == '0':
		i++
	case c >= '1' && c <= '9':
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return i, false, &syntaxError{Offset: i, Msg: "invalid number: a digit must follow '-'"}
	}
	simple := i-start <= 18
	if i < len(b) && b[i] == '.' {
		simple = false
		i++
		if i >= len(b) {
			return i, false, truncated(i)
		}
		if b[i] < '0' || b[i] > '9' {
			return i, false, &syntaxError{Offset: i, Msg: "invalid number: a digit must follow '.'"}
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		simple = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) {
			return i, false, truncated(i)
		}
		if b[i] < '0' || b[i] > '9' {
			return i, false, &syntaxError{Offset: i, Msg: "invalid number: a digit must follow the exponent"}
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i, simple, nil
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special returns a mask with the high bit set of each of the 8 bytes of x (little
// endian) that is a quote, a backslash or a control character (below 0x20), the bytes a
// string scan must stop at; its lowest set bit is exactly the first such byte (higher
// bits may be set spuriously by borrows).
func special(x uint64) uint64 {
	q, s := x^(ones*'"'), x^(ones*'\\')
	return ((x-ones*0x20)&^x | (q-ones)&^q | (s-ones)&^s) & highs
}

// skipString returns the offset just past the string starting at b[i] == '"', and whether
// it needs a closer look: escape sequences or bytes beyond ASCII (which may be invalid
// UTF-8), see needsUnquote. It rejects raw control characters and invalid escapes, as
// encoding/json does; it reads eight bytes at a time where nothing needs a look.
func skipString(b []byte, i int) (int, bool, error) {
	i++
	var seen uint64 // every word read at once, for the bytes beyond ASCII
	look := false
	for {
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			seen |= x // bytes after the stop too: at worst a needless look
			if m := special(x); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			return len(b), look, truncated(len(b))
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, look || seen&highs != 0, nil
		case c == '\\':
			look = true
			i++
			if i >= len(b) {
				return i, look, truncated(i)
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				for k := 1; k <= 4; k++ {
					if i+k >= len(b) {
						return len(b), look, truncated(len(b))
					}
					if !isHex(b[i+k]) {
						return i + k, look, &syntaxError{Offset: i + k, Msg: "invalid \\u escape in a string"}
					}
				}
				i += 5
			default:
				return i, look, &syntaxError{Offset: i, Msg: "invalid escape in a string"}
			}
		case c < 0x20:
			return i, look, &syntaxError{Offset: i, Msg: fmt.Sprintf("control character 0x%02x in a string (it must be escaped)", c)}
		default:
			look = look || c >= utf8.RuneSelf
			i++
		}
	}
}

// needsUnquote reports whether a string literal that skipString flagged decodes to other
// bytes than its own: escapes, or invalid UTF-8 (which encoding/json turns into U+FFFD).
func needsUnquote(lit []byte) bool {
	return bytes.IndexByte(lit, '\\') >= 0 || !utf8.Valid(lit)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// depthBits is a stack of container kinds (a set bit for an object) deep enough for
// jsonMaxDepth, kept in an array so that skipping never allocates.
type depthBits [jsonMaxDepth/64 + 1]uint64

func (s *depthBits) set(d int, obj bool) {
	if obj {
		s[d/64] |= 1 << (d % 64)
	} else {
		s[d/64] &^= 1 << (d % 64)
	}
}

func (s *depthBits) obj(d int) bool { return s[d/64]&(1<<(d%64)) != 0 }

// skipComposite skips the object or array at b[i] with an explicit stack (deep nesting
// cannot exhaust the goroutine stack), checking the grammar strictly: members are
// `"name": value`, separated by single commas, without a trailing one. Nesting beyond
// maxDepth is an error.
func skipComposite(b []byte, i int, maxDepth int) (int, error) {
	var stack depthBits
	depth := 0
	var err error
	var c byte
open: // b[i] is '{' or '['
	if depth >= maxDepth {
		return i, &syntaxError{Offset: i, Msg: fmt.Sprintf("nested deeper than %d levels", maxDepth)}
	}
	stack.set(depth, b[i] == '{')
	depth++
	i = skipSpace(b, i+1)
	if i >= len(b) {
		return i, truncated(i)
	}
	if stack.obj(depth - 1) {
		if b[i] == '}' {
			depth--
			i++
			goto next
		}
		goto member
	}
	if b[i] == ']' {
		depth--
		i++
		goto next
	}
	goto value
member: // b[i] should start a member name
	if i >= len(b) {
		return i, truncated(i)
	}
	if b[i] != '"' {
		return i, &syntaxError{Offset: i, Msg: unexpected(b[i], "a member name (a string)")}
	}
	if i, _, err = skipString(b, i); err != nil {
		return i, err
	}
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, truncated(i)
	}
	if b[i] != ':' {
		return i, &syntaxError{Offset: i, Msg: unexpected(b[i], "':' after a member name")}
	}
	i = skipSpace(b, i+1)
value: // b[i] should start a value
	if i >= len(b) {
		return i, truncated(i)
	}
	switch c = b[i]; {
	case c == '{' || c == '[':
		goto open
	case c == '"':
		i, _, err = skipString(b, i)
	case c == 't':
		i, err = skipLiteral(b, i, "true")
	case c == 'f':
		i, err = skipLiteral(b, i, "false")
	case c == 'n':
		i, err = skipLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		i, _, err = skipNumber(b, i)
	default:
		return i, &syntaxError{Offset: i, Msg: unexpected(c, "a value")}
	}
	if err != nil {
		return i, err
	}
next: // a value (or a whole container) just ended at i
	if depth == 0 {
		return i, nil
	}
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, truncated(i)
	}
	switch c = b[i]; {
	case c == ',':
		i = skipSpace(b, i+1)
		if stack.obj(depth - 1) {
			goto member
		}
		goto value
	case c == '}' && stack.obj(depth-1), c == ']' && !stack.obj(depth-1):
		depth--
		i++
		goto next
	case stack.obj(depth - 1):
		return i, &syntaxError{Offset: i, Msg: unexpected(c, "',' or '}'")}
	default:
		return i, &syntaxError{Offset: i, Msg: unexpected(c, "',' or ']'")}
	}
}

// unquote returns the string of the (valid) JSON string literal raw, quotes included;
// escaped says whether it needs unescaping (see needsUnquote).
func unquote(raw []byte, escaped bool) string {
	if !escaped {
		return string(raw[1 : len(raw)-1])
	}
	return string(appendUnquoted(make([]byte, 0, len(raw)), raw))
}

// appendUnquoted appends the bytes of the valid JSON string literal lit (quotes included)
// to dst, unescaped exactly as encoding/json does: a \u escape of a lone surrogate and
// invalid UTF-8 become U+FFFD.
func appendUnquoted(dst, lit []byte) []byte {
	s := lit[1 : len(lit)-1]
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return dst // unreachable for a valid literal
			}
			switch s[i+1] {
			case '"', '\\', '/':
				dst = append(dst, s[i+1])
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(s[i+2:])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, hex4(s[i+2:])); dec != unicode.ReplacementChar {
							dst = utf8.AppendRune(dst, dec)
							i += 6
							continue
						}
					}
					r = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, r)
				continue
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, unicode.ReplacementChar)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}

// hex4 reads the four hex digits at the start of b (checked by the scanner).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// eachMember calls fn for every member of the object at b[i] (after optional space), in
// order, with the member's unescaped name (the input's bytes when it has no escapes: not
// to be kept) and the offset of its value; fn returns the
// offset just past the value (skipValue, or a scan of its own). eachMember returns the
// offset just past the object.
func eachMember(b []byte, i int, fn func(key []byte, at int) (int, error)) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, truncated(i)
	}
	if b[i] != '{' {
		return i, &syntaxError{Offset: i, Msg: unexpected(b[i], "an object")}
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) {
			return i, truncated(i)
		}
		if b[i] != '"' {
			return i, &syntaxError{Offset: i, Msg: unexpected(b[i], "a member name (a string)")}
		}
		end, esc, err := skipString(b, i)
		if err != nil {
			return end, err
		}
		key := b[i+1 : end-1]
		if esc && needsUnquote(b[i:end]) {
			key = []byte(unquote(b[i:end], true))
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return i, truncated(i)
		}
		if b[i] != ':' {
			return i, &syntaxError{Offset: i, Msg: unexpected(b[i], "':' after a member name")}
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return i, truncated(i)
		}
		vend, err := fn(key, i)
		if err != nil {
			return vend, err
		}
		i = skipSpace(b, vend)
		if i >= len(b) {
			return i, truncated(i)
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, &syntaxError{Offset: i, Msg: unexpected(b[i], "',' or '}'")}
		}
	}
}

// eachElement calls fn for every element of the array at b[i] (after optional space) with
// the offset of the element; fn returns the offset just past it.
func eachElement(b []byte, i int, fn func(index, at int) (int, error)) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, truncated(i)
	}
	if b[i] != '[' {
		return i, &syntaxError{Offset: i, Msg: unexpected(b[i], "an array")}
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		if i >= len(b) {
			return i, truncated(i)
		}
		vend, err := fn(n, i)
		if err != nil {
			return vend, err
		}
		i = skipSpace(b, vend)
		if i >= len(b) {
			return i, truncated(i)
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return i + 1, nil
		default:
			return i, &syntaxError{Offset: i, Msg: unexpected(b[i], "',' or ']'")}
		}
	}
}

// trailing checks that only space follows offset i.
func trailing(b []byte, i int) error {
	if j := skipSpace(b, i); j < len(b) {
		return &syntaxError{Offset: j, Msg: "data after the end of the JSON value"}
	}
	return nil
}

// validJSON reports whether b is one JSON value (with optional space around it), as
// json.Valid does, with the offending offset when it is not.
func validJSON(b []byte) error {
	i := skipSpace(b, 0)
	end, err := skipValue(b, i)
	if err != nil {
		return err
	}
	return trailing(b, end)
}

// keySet detects duplicate member names: a few compared directly (kept without copying),
// many through a map.
type keySet struct {
	few  [16][]byte
	n    int
	many map[string]struct{}
}

// add records key and reports whether it was already there.
func (s *keySet) add(key []byte) bool {
	if s.many == nil {
		for _, k := range s.few[:s.n] {
			if bytes.Equal(k, key) {
				return true
			}
		}
		if s.n < len(s.few) {
			s.few[s.n] = key
			s.n++
			return false
		}
		s.many = make(map[string]struct{}, 2*len(s.few))
		for _, k := range s.few {
			s.many[string(k)] = struct{}{}
		}
	}
	if _, ok := s.many[string(key)]; ok {
		return true
	}
	s.many[string(key)] = struct{}{}
	return false
}
