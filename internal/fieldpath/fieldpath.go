// Package fieldpath writes and reads the field paths ekspodsec uses to name a place in an
// object: Kubernetes paths ("spec.template.spec.containers[0].securityContext") and
// Terraform attribute paths ("spec[0].template[0].container[0].security_context[0]").
// Names that are identifiers are joined with dots; list indexes are [N]; every other map
// key is a Go-quoted string in brackets (`metadata.labels["app.kubernetes.io/name"]`), so
// any key, with dots, quotes, backslashes or newlines in it, round-trips.
package fieldpath

import (
	"strconv"
	"strings"
)

// Segment is one step of a path: a name, or a list index when IsIndex.
type Segment struct {
	Name    string
	Index   int
	IsIndex bool
	// Quoted is set when the name was written as a quoted key.
	Quoted bool
}

// IsIdent reports whether name can be written as .name in a path.
func IsIdent(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Join appends a field name or map key to a path.
func Join(p, name string) string {
	if !IsIdent(name) {
		return p + "[" + strconv.Quote(name) + "]"
	}
	if p == "" {
		return name
	}
	return p + "." + name
}

// Index appends a list index to a path.
func Index(p string, i int) string { return p + "[" + strconv.Itoa(i) + "]" }

// Concat appends a relative path to p ("" + "a.b", "x" + "[0].y").
func Concat(p, rel string) string {
	switch {
	case rel == "":
		return p
	case p == "":
		return rel
	case strings.HasPrefix(rel, "["):
		return p + rel
	}
	return p + "." + rel
}

// Parse splits a path into its segments. It never fails: text that is not a well-formed
// segment is kept as a name, so a malformed path still compares and prints as written.
func Parse(p string) []Segment {
	var out []Segment
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			i++
		case '[':
			if i+1 < len(p) && p[i+1] == '"' {
				if end := quotedEnd(p, i+1); end >= 0 {
					key, err := strconv.Unquote(p[i+1 : end+1])
					if err != nil {
						key = p[i+2 : end]
					}
					out = append(out, Segment{Name: key, Quoted: true})
					i = end + 2
					continue
				}
			}
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				out = append(out, Segment{Name: p[i:]})
				return out
			}
			if n, err := strconv.Atoi(p[i+1 : i+j]); err == nil && n >= 0 {
				out = append(out, Segment{Index: n, IsIndex: true})
			} else {
				out = append(out, Segment{Name: p[i+1 : i+j], Quoted: true})
			}
			i += j + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			out = append(out, Segment{Name: p[i:j]})
			i = j
		}
	}
	return out
}

// quotedEnd returns the index of the quote that closes the Go-quoted string starting at
// p[start] == '"' and is followed by ']', or -1.
func quotedEnd(p string, start int) int {
	for j := start + 1; j < len(p); j++ {
		switch p[j] {
		case '\\':
			j++
		case '"':
			if j+1 < len(p) && p[j+1] == ']' {
				return j
			}
			return -1
		}
	}
	return -1
}

// String writes segments back as a path.
func String(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		switch {
		case s.IsIndex:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		case s.Quoted || !IsIdent(s.Name):
			b.WriteString("[" + strconv.Quote(s.Name) + "]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		}
	}
	return b.String()
}

// Parent drops the last segment of a path; ok is false for the empty path. It scans
// forward, segment by segment as Parse does, so a quoted key holding dots, brackets or
// quotes (`["a.b"]`, `["]"]`, `["x\\"]`) is one segment wherever it stands.
func Parent(p string) (parent string, ok bool) {
	if p == "" {
		return "", false
	}
	last := 0
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			last = i
			i++
		case '[':
			last = i
			i = BracketEnd(p, i)
		default:
			i++
		}
	}
	return p[:last], true
}

// BracketEnd returns the offset just past the bracketed segment at p[i] == '[': an
// index, or a Go-quoted key (in which a backslash escapes the next byte), as field paths
// and Terraform instance keys (`[0]`, `["a.b"]`) write them. An unterminated segment runs
// to the end of p.
func BracketEnd(p string, i int) int {
	if i+1 < len(p) && p[i+1] == '"' {
		if end := quotedEnd(p, i+1); end >= 0 {
			return end + 2
		}
	}
	if j := strings.IndexByte(p[i:], ']'); j >= 0 {
		return i + j + 1
	}
	return len(p)
}

// IsBelow reports whether p is strictly below ancestor.
func IsBelow(p, ancestor string) bool {
	if ancestor == "" {
		return p != ""
	}
	if len(p) <= len(ancestor) || !strings.HasPrefix(p, ancestor) {
		return false
	}
	c := p[len(ancestor)]
	return c == '.' || c == '['
}

// Leaf returns the last segment's name ("" for an index).
func Leaf(p string) string {
	segs := Parse(p)
	for i := len(segs) - 1; i >= 0; i-- {
		if !segs[i].IsIndex {
			return segs[i].Name
		}
	}
	return ""
}

// mapFields are the Kubernetes fields whose values are maps with user keys: a segment after
// one of them is a map key even when it is written as an identifier (`metadata.labels.tier`).
var mapFields = map[string]bool{
	"labels": true, "annotations": true, "nodeSelector": true, "limits": true, "requests": true,
	"data": true, "stringData": true, "binaryData": true, "matchLabels": true, "hard": true,
	"capacity": true, "parameters": true, "default": true, "defaultRequest": true, "max": true, "min": true,
}

// RedactKeys rewrites the map keys of path p that lie inside a sensitive map (the keys of a
// sensitive map are as secret as its values) as replacement: a quoted key, or an
// identifier after a field whose values are maps (labels, annotations, limits, ...), whose
// map sensitive reports true for. `metadata.labels["token"]` becomes
// `metadata.labels["(sensitive value)"]`.
func RedactKeys(p string, sensitive func(mapPath string) bool, replacement string) string {
	if p == "" {
		return p
	}
	segs := Parse(p)
	changed := false
	for i := 1; i < len(segs); i++ {
		s := segs[i]
		if s.IsIndex {
			continue
		}
		prev := segs[i-1]
		if !s.Quoted && (prev.IsIndex || !mapFields[prev.Name]) {
			continue
		}
		if sensitive(String(segs[:i])) {
			segs[i] = Segment{Name: replacement, Quoted: true}
			changed = true
		}
	}
	if !changed {
		return p
	}
	return String(segs)
}
