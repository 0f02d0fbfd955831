package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// TestAppendFinding holds the JSON report's hand-written finding encoder to encoding/json's
// (the encoder with SetIndent("    ", "  ") and SetEscapeHTML(false) the whole report
// used): every field, set and empty, and strings with every character class a plan can
// carry into a finding (quotes, backslashes, control characters, DEL, HTML, invalid UTF-8,
// U+2028/U+2029, non-ASCII).
func TestAppendFinding(t *testing.T) {
	strs := []string{"", "plain", `q"uote\\back`, "ctl\x00\x01\x08\x0c\n\r\t\x1f\x7f", "<html>&amp;", "bad\xff\xfeutf8\xc3", "sep\u2028\u2029", "ünï©ødé 日本", strings.Repeat("x", 300)}
	var fs []finding.Finding
	for i, s := range strs {
		f := finding.Finding{RuleID: "EPS001", Severity: finding.Severity(i % 5), Status: finding.Fail, Title: s, Address: s, ResourceType: s,
			Kind: s, Namespace: s, Name: s, Container: s, K8sPath: s, TFPath: s, Message: s, Remediation: s, Guide: s, PSSLevel: s}
		fs = append(fs, f)
		g := f
		g.Chart, g.ChartVersion, g.Template, g.Hook, g.File, g.Line = s+"c", s+"v", s+"t", s+"h", s+"f", i+1
		g.Waiver = &finding.Waiver{Reason: s, Source: s + "src", Expires: s}
		g.Change, g.ChangeReason = finding.Change("new"+s), "why"+s
		fs = append(fs, g)
		h := f
		h.Waiver = &finding.Waiver{Reason: s, Source: s}
		h.Line = -3
		fs = append(fs, h)
	}
	for _, f := range append(fs, sampleReport().Findings...) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("    ", "  ")
		enc.SetEscapeHTML(false)
		fp := finding.Fingerprint(f)
		if err := enc.Encode(jsonFinding{Finding: f, Fingerprint: fp}); err != nil {
			t.Fatal(err)
		}
		w := "    " + strings.TrimSuffix(want.String(), "\n")
		if got := string(appendFinding(nil, f, fp)); got != w {
			t.Errorf("finding %q:\n got %s\nwant %s", f.Title, got, w)
		}
	}
}
