package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Fingerprint identifies a finding across runs, and between the objects as they are now
// and as a plan leaves them, whatever else moves: the line it is reported at (File,
// Line), the index of a list element in its path (a container, a volume or a subject moved
// up or down the list), the position of a document in a multi-document kubectl_manifest,
// its message, severity, status and waiver. It is made of:
//
//   - the rule ID,
//   - the Terraform address,
//   - the container name,
//   - the Kubernetes field path with each list index written [] ("spec.template.spec.
//     volumes[].hostPath"; map keys, redacted where sensitive, stay),
//   - where one address holds several objects (a helm_release's chart, a multi-document
//     kubectl_manifest, the items of a List), the object: template, kind, namespace, name.
//
// Two findings of one rule on two elements of one list (two hostPath volumes of a pod)
// share a fingerprint: Match pairs such findings by message, then path, then order.
func Fingerprint(f Finding) string {
	h := sha256.Sum256([]byte(fingerprintKey(f)))
	return hex.EncodeToString(h[:16])
}

// fingerprintKey is what Fingerprint hashes.
func fingerprintKey(f Finding) string {
	path, several := f.K8sPath, f.Template != "" || f.Chart != ""
	if strings.HasPrefix(path, "(") {
		// "(document 2) ...", "(items[3]) ...", "(document 2, items[0]) ..." (finish.go)
		if i := strings.Index(path, ") "); i >= 0 {
			path, several = path[i+2:], true
		}
	}
	var b strings.Builder
	b.WriteString("v1\x00" + f.RuleID + "\x00" + f.Address + "\x00" + f.Container + "\x00" + WithoutIndexes(path))
	if several {
		b.WriteString("\x00" + f.Template + "\x00" + f.Kind + "\x00" + f.Namespace + "\x00" + f.Name)
	}
	return b.String()
}

// WithoutIndexes writes every list index of a field path as []: `a.b[2].c["k[1]"]`
// becomes `a.b[].c["k[1]"]` (a quoted map key is left as it is).
func WithoutIndexes(p string) string {
	if !strings.Contains(p, "[") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); {
		c := p[i]
		if c != '[' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 < len(p) && p[i+1] == '"' {
			// a quoted key: copy through its closing quote (backslash escapes)
			j := i + 2
			for j < len(p) && p[j] != '"' {
				if p[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(p))
			b.WriteString(p[i:j])
			i = j
			continue
		}
		j := i + 1
		for j < len(p) && p[j] >= '0' && p[j] <= '9' {
			j++
		}
		if j > i+1 && j < len(p) && p[j] == ']' {
			b.WriteString("[]")
			i = j + 1
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}
