package plan

import (
	"sort"
	"strconv"
	"strings"
)

// Fields remembers, for one Kubernetes object read from a plan, which of its fields
// Terraform does not know yet, which are sensitive, and how a Kubernetes field path
// translates into the Terraform attribute path the user edits.
//
// Paths use Kubernetes JSON names: "spec.template.spec.containers[0].securityContext".
// Map keys that are not plain identifiers are quoted: `metadata.labels["app.kubernetes.io/name"]`.
type Fields struct {
	unknown   map[string]struct{}
	sensitive map[string]struct{}
	// root translates paths through the provider schema table; nil means the Kubernetes
	// path is the Terraform path below tfPrefix (kubernetes_manifest).
	root     *spec
	tfPrefix string
	// secrets are the string values under sensitive paths, so that reports can make sure
	// none of them is ever printed.
	secrets map[string]struct{}
	// opaque is set when the Terraform attribute is a document (kubectl_manifest's
	// yaml_body) and no path inside it can be expressed in Terraform terms.
	opaque bool
}

func newFields(root *spec, tfPrefix string) *Fields {
	return &Fields{root: root, tfPrefix: tfPrefix}
}

func (f *Fields) markUnknown(p string) {
	if f.unknown == nil {
		f.unknown = make(map[string]struct{})
	}
	f.unknown[p] = struct{}{}
}

func (f *Fields) markSensitive(p string) {
	if f.sensitive == nil {
		f.sensitive = make(map[string]struct{})
	}
	f.sensitive[p] = struct{}{}
}

// MarkUnknown records that the field at path p is not known until apply.
func (f *Fields) MarkUnknown(p string) { f.markUnknown(p) }

// Unknown reports whether the value at p is unknown: p itself, or an object or list that
// contains it, is unknown until apply.
func (f *Fields) Unknown(p string) bool {
	return f != nil && len(f.unknown) > 0 && hasSelfOrAncestor(f.unknown, p)
}

// UnknownWithin reports whether p or anything below it (or above it) is unknown: a list
// with one unknown element, a map with one unknown key.
func (f *Fields) UnknownWithin(p string) bool {
	if f == nil || len(f.unknown) == 0 {
		return false
	}
	if hasSelfOrAncestor(f.unknown, p) {
		return true
	}
	for u := range f.unknown {
		if isBelow(u, p) {
			return true
		}
	}
	return false
}

// UnknownPaths returns every unknown path, for reports and tests.
func (f *Fields) UnknownPaths() []string { return sortedSet(f.unknown) }

// Sensitive reports whether the value at p, or an object that contains it, is marked
// sensitive in the plan. Sensitive values are judged but never printed.
func (f *Fields) Sensitive(p string) bool {
	return f != nil && len(f.sensitive) > 0 && hasSelfOrAncestor(f.sensitive, p)
}

// SensitiveWithin reports whether p, anything above it or anything below it is sensitive.
func (f *Fields) SensitiveWithin(p string) bool {
	if f == nil || len(f.sensitive) == 0 {
		return false
	}
	if hasSelfOrAncestor(f.sensitive, p) {
		return true
	}
	for s := range f.sensitive {
		if isBelow(s, p) {
			return true
		}
	}
	return false
}

// addSecrets remembers every string (and number) inside a sensitive value.
func (f *Fields) addSecrets(v any) {
	switch t := v.(type) {
	case string:
		if t != "" {
			if f.secrets == nil {
				f.secrets = make(map[string]struct{})
			}
			f.secrets[t] = struct{}{}
		}
	case float64:
		f.addSecrets(strconv.FormatFloat(t, 'f', -1, 64))
	case map[string]any:
		for _, c := range t {
			f.addSecrets(c)
		}
	case []any:
		for _, c := range t {
			f.addSecrets(c)
		}
	}
}

// Secrets returns the sensitive string values, longest first (so that replacing them in
// text never leaves part of a longer one behind).
func (f *Fields) Secrets() []string {
	out := sortedSet(f.secrets)
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// AnySensitive reports whether any value of the object is sensitive.
func (f *Fields) AnySensitive() bool { return f != nil && len(f.sensitive) > 0 }

func hasSelfOrAncestor(set map[string]struct{}, p string) bool {
	if len(set) <= 8 {
		// Few entries (the usual case): compare each with p directly.
		for u := range set {
			if u == "" || u == p || isBelow(p, u) {
				return true
			}
		}
		return false
	}
	for {
		if _, ok := set[p]; ok {
			return true
		}
		parent, ok := parentPath(p)
		if !ok {
			return false
		}
		p = parent
	}
}

// isBelow reports whether p is strictly below ancestor.
func isBelow(p, ancestor string) bool {
	if ancestor == "" {
		return p != ""
	}
	if len(p) <= len(ancestor) || !strings.HasPrefix(p, ancestor) {
		return false
	}
	c := p[len(ancestor)]
	return c == '.' || c == '['
}

// parentPath drops the last segment of a path.
func parentPath(p string) (string, bool) {
	if p == "" {
		return "", false
	}
	if strings.HasSuffix(p, "]") {
		// `[3]` or `["key"]`: find the matching '[' outside quotes.
		if i := lastBracket(p); i >= 0 {
			return p[:i], true
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i], true
	}
	return "", true
}

func lastBracket(p string) int {
	inQuote := false
	for i := len(p) - 2; i >= 0; i-- {
		switch p[i] {
		case '"':
			if i == 0 || p[i-1] != '\\' {
				inQuote = !inQuote
			}
		case '[':
			if !inQuote {
				return i
			}
		}
	}
	return -1
}

// isIdent reports whether key can be written as .key in a path (else it is quoted).
func isIdent(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Join appends a field or map key to a path.
func Join(p, key string) string {
	if !isIdent(key) {
		return p + "[" + strconv.Quote(key) + "]"
	}
	if p == "" {
		return key
	}
	return p + "." + key
}

// Index appends a list index to a path.
func Index(p string, i int) string { return p + "[" + strconv.Itoa(i) + "]" }

// pathToken is one segment of a path: a name, a quoted key or an index.
type pathToken struct {
	name  string
	index int
	isIdx bool
	quote bool
}

func tokenize(p string) []pathToken {
	var out []pathToken
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			i++
		case '[':
			end := i + 1
			if end < len(p) && p[end] == '"' {
				// quoted key
				j := end + 1
				for j < len(p) && !(p[j] == '"' && p[j-1] != '\\') {
					j++
				}
				key, err := strconv.Unquote(p[end : j+1])
				if err != nil {
					key = p[end+1 : j]
				}
				out = append(out, pathToken{name: key, quote: true})
				i = j + 2
				continue
			}
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return out
			}
			n, _ := strconv.Atoi(p[i+1 : i+j])
			out = append(out, pathToken{index: n, isIdx: true})
			i += j + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			out = append(out, pathToken{name: p[i:j]})
			i = j
		}
	}
	return out
}

// TFPath translates a Kubernetes field path of this object into the Terraform attribute
// path: "spec.template.spec.containers[0].securityContext.privileged" becomes
// "spec[0].template[0].spec[0].container[0].security_context[0].privileged".
func (f *Fields) TFPath(k8sPath string) string {
	if f == nil {
		return ""
	}
	if f.opaque {
		return f.tfPrefix
	}
	if f.root == nil {
		if k8sPath == "" {
			return f.tfPrefix
		}
		if strings.HasPrefix(k8sPath, "[") {
			return f.tfPrefix + k8sPath
		}
		return f.tfPrefix + "." + k8sPath
	}
	var b strings.Builder
	cur := f.root
	toks := tokenize(k8sPath)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if cur == nil || cur.fields == nil || t.isIdx {
			// Below the table (a map key, a list element): keep the rest as written.
			writeToken(&b, t)
			continue
		}
		tfName, child := cur.byK8s(t.name)
		if child == nil {
			writeToken(&b, t)
			cur = nil
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tfName)
		switch child.shape {
		case object:
			b.WriteString("[0]")
		case array:
			if i+1 < len(toks) && toks[i+1].isIdx {
				i++
				b.WriteString("[" + strconv.Itoa(toks[i].index) + "]")
			}
		}
		cur = child
	}
	return b.String()
}

func writeToken(b *strings.Builder, t pathToken) {
	switch {
	case t.isIdx:
		b.WriteString("[" + strconv.Itoa(t.index) + "]")
	case t.quote || !isIdent(t.name):
		b.WriteString("[" + strconv.Quote(t.name) + "]")
	default:
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t.name)
	}
}
