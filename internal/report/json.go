package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// JSONVersion is the version of the JSON report's shape (docs/plan-check.md).
const JSONVersion = 1

func jsonFormat() Format {
	return Format{
		Name:        "json",
		Description: "for machines: one object (version 1): summary, notes, Fargate sizing, findings",
		Extension:   ".json",
		Write:       func(w io.Writer, r *Report, _ Options) error { return WriteJSON(w, r) },
	}
}

type jsonReport struct {
	Version  int           `json:"version"`
	Plan     string        `json:"plan"`
	Summary  Summary       `json:"summary"`
	Notes    []string      `json:"notes"`
	Fargate  []FargatePod  `json:"fargate"`
	Findings []jsonFinding `json:"findings"`
}

// jsonFinding is a finding with its fingerprint (finding.Fingerprint), which --baseline
// and other tools match findings of two reports by.
type jsonFinding struct {
	finding.Finding
	Fingerprint string `json:"fingerprint"`
}

// WriteJSON writes the report as indented JSON, with a stable field order. The findings
// are encoded one at a time, as they come (AllFindings), into the document a whole-report
// encoding would give, byte for byte.
func WriteJSON(w io.Writer, r *Report) error {
	out := jsonReport{Version: JSONVersion, Plan: r.Plan, Summary: r.Summarize(), Notes: r.Notes, Fargate: r.Fargate,
		Findings: []jsonFinding{}}
	if out.Fargate == nil {
		out.Fargate = []FargatePod{}
	}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return err
	}
	// The document ends with the empty list of findings: `"findings": []` `}` and a newline.
	const tail = "[]\n}\n"
	doc := head.Bytes()
	if !bytes.HasSuffix(doc, []byte(tail)) {
		return errors.New("the JSON report's head does not end with its findings")
	}
	if r.NumFindings() == 0 {
		_, err := w.Write(doc)
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(doc[:len(doc)-len(tail)])
	bw.WriteString("[\n")
	var one []byte
	for i, f := range r.AllFindings() {
		if i > 0 {
			bw.WriteString(",\n")
		}
		one = appendFinding(one[:0], f, finding.Fingerprint(f))
		bw.Write(one)
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

// appendFinding appends finding f with its fingerprint as the report's encoder writes a
// jsonFinding at depth 2 (indented by four spaces, two per level, HTML characters not
// escaped): the same bytes, without reflection (TestAppendFinding holds it to
// encoding/json's).
func appendFinding(b []byte, f finding.Finding, fingerprint string) []byte {
	const in = "\n      "
	b = append(b, "    {"...)
	str := func(name, v string) {
		b = append(b, in...)
		b = appendJSONString(append(append(append(b, '"'), name...), '"', ':', ' '), v)
		b = append(b, ',')
	}
	str("rule_id", f.RuleID)
	str("severity", f.Severity.String())
	str("status", string(f.Status))
	str("title", f.Title)
	str("address", f.Address)
	str("resource_type", f.ResourceType)
	str("kind", f.Kind)
	str("namespace", f.Namespace)
	str("name", f.Name)
	str("container", f.Container)
	str("k8s_path", f.K8sPath)
	str("tf_path", f.TFPath)
	str("message", f.Message)
	str("remediation", f.Remediation)
	str("guide", f.Guide)
	str("pss_level", f.PSSLevel)
	for _, o := range [...]struct{ name, v string }{{"chart", f.Chart}, {"chart_version", f.ChartVersion}, {"template", f.Template}, {"hook", f.Hook}, {"file", f.File}} {
		if o.v != "" {
			str(o.name, o.v)
		}
	}
	if f.Line != 0 {
		b = append(b, in...)
		b = strconv.AppendInt(append(b, `"line": `...), int64(f.Line), 10)
		b = append(b, ',')
	}
	if w := f.Waiver; w != nil {
		b = append(b, in...)
		b = append(b, `"waiver": {`...)
		b = append(b, in+"  \"reason\": "...)
		b = appendJSONString(b, w.Reason)
		b = append(b, ","+in+"  \"source\": "...)
		b = appendJSONString(b, w.Source)
		if w.Expires != "" {
			b = append(b, ","+in+"  \"expires\": "...)
			b = appendJSONString(b, w.Expires)
		}
		b = append(b, in...)
		b = append(b, "},"...)
	}
	if f.Change != "" {
		str("change", string(f.Change))
	}
	if f.ChangeReason != "" {
		str("change_reason", f.ChangeReason)
	}
	b = append(b, in...)
	b = appendJSONString(append(b, `"fingerprint": `...), fingerprint)
	return append(b, "\n    }"...)
}

// appendJSONString appends s as encoding/json writes a string with HTML escaping off:
// quotes, backslashes and control characters escaped (\b \f \n \r \t, else \u00XX),
// invalid UTF-8 as \ufffd, U+2028 and U+2029 as \u2028 and \u2029.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
