package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// jsonCases are documents on both sides of what encoding/json accepts: the scanner and the
// tape must agree with json.Valid on each.
var jsonCases = []string{
	// valid
	`{}`, `[]`, `0`, `-0`, `1`, `-1.5e+3`, `1E-2`, `0.0`, `"x"`, `true`, `false`, `null`,
	` {"a": [1, -2.5e3, "x\"y", true, false, null, {"b": {}}]} `,
	`{"k\u0041": 1}`, `"\ud800"`, `"\uDC00\u0000"`, "\"\xff\xfe\"", "\"\x7f\"", `"\/\b\f\n\r\t\\"`,
	`"\ud83d\ude00"`, `"\ud83d\u0041"`, `"\udc00\ud800"`, `"\ud800\ud800\udc00"`, `"\ud800\n"`, "\"\xed\xa0\x80\"", "\"\xc3\"",
	"\t\n\r {\"a\"\n:\r1 }\t", `[[],[[]],{}]`, `{"":""}`, `123456789012345678901234567890`,
	// invalid
	``, ` `, `{`, `}`, `[`, `]`, `{"a"`, `{"a":}`, `{"a":1,}`, `[1,]`, `[,1]`, `{,}`, `{"a":1,,"b":2}`,
	`{"a":[1,2}`, `{"a":"x`, `{"a":tru}`, `{} {}`, `{"host_pid" true}`, `{"a" "b"}`, `{"a":1 "b":2}`,
	`[1 2]`, `{a:1}`, `{'a':1}`, `["a"]]`, `[}`, `{]`, `truex`, `nul`, `NaN`, `Infinity`,
	`01`, `-01`, `1.`, `-`, `1e`, `1e+`, `+1`, `.5`, `1.e3`, `0x10`, `1_000`, `--1`,
	"\"\x01\"", "\"a\tb\"", "\"\x00\"", `"\q"`, `"\u12"`, `"\u12zz"`, `"\x41"`, `"\'"`, `"\`,
	"\f{}", "{}\f", "\v[]", "\u00a0[]", `[1,2]x`,
}

func TestStrictJSONAgreesWithEncodingJSON(t *testing.T) {
	deep := strings.Repeat("[", jsonMaxDepth) + strings.Repeat("]", jsonMaxDepth)
	deeper := strings.Repeat("[", jsonMaxDepth+1) + strings.Repeat("]", jsonMaxDepth+1)
	for _, s := range append(jsonCases, deep, deeper, `{"a":`+deep+`}`) {
		checkAgainstValid(t, []byte(s))
	}
}

// checkAgainstValid is the differential property: the scanner and the tape accept exactly
// what json.Valid accepts (the tape at encoding/json's depth and with duplicates allowed),
// and a tape reads the same value as encoding/json.
func checkAgainstValid(t *testing.T, data []byte) {
	t.Helper()
	want := json.Valid(data)
	err := validJSON(data)
	if (err == nil) != want {
		t.Fatalf("scanner on %.80q: err %v, json.Valid %v", data, err, want)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "invalid JSON at byte ") {
		t.Fatalf("scanner on %.80q: error %q", data, err)
	}
	tp := tape{allowDuplicates: true, maxDepth: jsonMaxDepth}
	terr := tp.parse(data)
	if (terr == nil) != want {
		t.Fatalf("tape on %.80q: err %v, json.Valid %v", data, terr, want)
	}
	if terr != nil {
		var se *syntaxError
		var de *depthError
		switch {
		case errors.As(terr, &se) && se.Offset >= 0 && se.Offset <= len(data):
		case errors.As(terr, &de) && de.offset >= 0 && de.offset <= len(data):
		default:
			t.Fatalf("tape on %.80q: error %v is not a syntax error at an offset of the input", data, terr)
		}
		return
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("encoding/json decode of a valid %.80q: %v", data, err)
	}
	if got := tp.value(0); !reflect.DeepEqual(got, v) {
		t.Fatalf("tape value of %.80q = %#v, encoding/json %#v", data, got, v)
	}
	for i, n := range tp.nodes {
		if n.start < 0 || n.end < n.start || int(n.end) > len(data) || int(n.next) <= i || int(n.next) > len(tp.nodes) {
			t.Fatalf("node %d of %.80q: %+v", i, data, n)
		}
	}
	// With plan-check's own limits: duplicates rejected, depth bounded.
	strict := tape{}
	serr := strict.parse(data)
	depth, dup := nesting(data), hasDuplicateKeys(data)
	var de *depthError
	var du *duplicateError
	switch {
	case depth > MaxDepth:
		if !errors.As(serr, &de) {
			t.Fatalf("depth %d of %.80q: %v, want a depth error", depth, data, serr)
		}
	case dup:
		if !errors.As(serr, &du) {
			t.Fatalf("duplicate keys in %.80q: %v, want a duplicate error", data, serr)
		}
	case serr != nil:
		t.Fatalf("%.80q: %v", data, serr)
	}
}

// nesting is the depth of a valid document's deepest container.
func nesting(data []byte) int {
	depth, most := 0, 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			end, _, _ := skipString(data, i)
			i = end - 1
		case '{', '[':
			depth++
			most = max(most, depth)
		case '}', ']':
			depth--
		}
	}
	return most
}

// hasDuplicateKeys is the reference for the tape's duplicate check: encoding/json's tokens,
// one key set per open object.
func hasDuplicateKeys(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type level struct {
		obj  bool
		keys map[string]bool
		key  bool // the next string token of an object is a key
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].obj {
					stack[len(stack)-1].key = true
				}
				continue
			}
			k := tok.(string)
			if top.keys[k] {
				return true
			}
			top.keys[k] = true
			top.key = false
			continue
		}
		switch d, _ := tok.(json.Delim); d {
		case '{':
			stack = append(stack, &level{obj: true, keys: map[string]bool{}, key: true})
			continue
		case '[':
			stack = append(stack, &level{})
			continue
		case '}', ']':
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].key = true
		}
	}
}

func TestTapeDuplicateKeys(t *testing.T) {
	for _, c := range []struct {
		doc  string
		dup  bool
		path string
	}{
		{`{"a":1,"b":2}`, false, ""},
		{`{"b":1,"a":2}`, false, ""},
		{`{"a":1,"a":2}`, true, ""},
		{`{"a":1,"\u0061":2}`, true, ""},
		{"{\"\xff\":1,\"\xfe\":2}", true, ""}, // both are U+FFFD to encoding/json
		{`{"x":{"k":[{"a":1,"b":2,"a":3}]}}`, true, "x.k[0]"},
		{`{"a":{"c":1},"b":{"c":2}}`, false, ""},
	} {
		var tp tape
		err := tp.parse([]byte(c.doc))
		var du *duplicateError
		if c.dup != errors.As(err, &du) {
			t.Errorf("%s: %v", c.doc, err)
			continue
		}
		if c.dup && segments(du.path, 10) != c.path {
			t.Errorf("%s: path %q, want %q", c.doc, segments(du.path, 10), c.path)
		}
		if hasDuplicateKeys([]byte(c.doc)) != c.dup {
			t.Errorf("%s: the reference disagrees", c.doc)
		}
	}
}

func TestTapeDepthLimit(t *testing.T) {
	at := func(n int) string {
		return `{"change":{"after":{"manifest":` + strings.Repeat(`{"a":`, n-3) + `1` + strings.Repeat(`}`, n-3) + `}}}`
	}
	var tp tape
	if err := tp.parse([]byte(at(MaxDepth))); err != nil {
		t.Errorf("%d levels: %v", MaxDepth, err)
	}
	err := tp.parse([]byte(at(MaxDepth + 1)))
	var de *depthError
	if !errors.As(err, &de) || len(de.path) != MaxDepth || segments(de.path, 3) != "change.after.manifest…" {
		t.Fatalf("%d levels: %v", MaxDepth+1, err)
	}
}

func TestSkipStringWordAtATime(t *testing.T) {
	// Every position of a quote, a backslash escape and a control character relative to
	// the eight-byte words.
	for n := 0; n < 24; n++ {
		for _, special := range []string{`"`, `\n`, "\x1f", `\u0041`, "\x80", "\xff"} {
			body := strings.Repeat("a", n) + special + strings.Repeat("b", 17)
			doc := []byte(`"` + body + `"`)
			checkAgainstValid(t, doc)
			if special == `"` {
				end, _, err := skipString(doc, 0)
				if err != nil || end != n+2 {
					t.Fatalf("%q: end %d err %v", doc, end, err)
				}
			}
		}
	}
}

func TestParseRejectsInvalidJSONInSkippedSections(t *testing.T) {
	for _, section := range []string{"planned_values", "configuration", "prior_state", "resource_drift", "output_changes"} {
		doc := `{"format_version":"1.2","resource_changes":[],"` + section + `":{"a" 1}}`
		_, err := Parse([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), "invalid JSON at byte ") {
			t.Errorf("%s: %v", section, err)
		}
	}
}

func TestExactInt(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		err  error
	}{
		{"0", 0, nil}, {"-0", 0, nil}, {"1000", 1000, nil}, {"1e3", 1000, nil}, {"1.0", 1, nil},
		{"1.5e1", 15, nil}, {"100e-2", 1, nil}, {"0.0e5", 0, nil}, {"-9223372036854775808", -9223372036854775808, nil},
		{"9223372036854775807", 9223372036854775807, nil}, {"922337203685477580.7e1", 9223372036854775807, nil},
		{"1.5", 0, errNotInteger}, {"1e-1", 0, errNotInteger}, {"1.0000000000000000001", 0, errNotInteger},
		{"9223372036854775808", 0, errOutOfRange}, {"1e19", 0, errOutOfRange}, {"1e400", 0, errOutOfRange},
		{"-9223372036854775809", 0, errOutOfRange}, {"1e999999999999", 0, errOutOfRange}, {"1e-999999999999", 0, errNotInteger},
		{"0e999999999999", 0, nil},
	} {
		got, err := exactInt(c.in)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("exactInt(%s) = %d, %v; want %d, %v", c.in, got, err, c.want, c.err)
		}
	}
}

// FuzzTape: the scanner and the tape accept exactly what encoding/json accepts, read the
// same values, and with plan-check's limits reject exactly the deep and the ambiguous.
func FuzzTape(f *testing.F) {
	for _, s := range jsonCases {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"a":{"b":[1,{"c":"d","c":"e"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgainstValid(t, data)
	})
}
