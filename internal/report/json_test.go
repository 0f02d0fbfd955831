package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// TestJSONShape: the JSON report is one object whose top-level keys come in a stable
// order, and which reads back into the report's own values.
func TestJSONShape(t *testing.T) {
	registryWritesAsDirect(t, "json", WriteJSON)
	r := sampleReport()
	out := write(t, "json", r, Options{})
	if !strings.HasSuffix(out, "}\n") || strings.Count(out, "\n}\n") != 1 {
		t.Errorf("not one object ending in a newline: %q", out[max(0, len(out)-20):])
	}
	// top-level keys, in this order (docs/plan-check.md)
	d := json.NewDecoder(strings.NewReader(out))
	var keys []string
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("first token %v, %v", tok, err)
	}
	for d.More() {
		k, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"version", "plan", "summary", "notes", "fargate", "findings"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}

	var got struct {
		Version  int               `json:"version"`
		Plan     string            `json:"plan"`
		Summary  Summary           `json:"summary"`
		Notes    []string          `json:"notes"`
		Fargate  []FargatePod      `json:"fargate"`
		Findings []finding.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != JSONVersion || got.Plan != "plan.json" {
		t.Errorf("version %d plan %q", got.Version, got.Plan)
	}
	if !reflect.DeepEqual(got.Summary, r.Summarize()) {
		t.Errorf("summary %+v, want %+v", got.Summary, r.Summarize())
	}
	if !reflect.DeepEqual(got.Findings, r.Findings) || !reflect.DeepEqual(got.Fargate, r.Fargate) || !reflect.DeepEqual(got.Notes, r.Notes) {
		t.Errorf("the report does not read back:\n%+v", got)
	}
	// what a finding omits when it has none: file and line, the waiver
	if strings.Count(out, `"file":`) != 2 || strings.Count(out, `"waiver":`) != 1 || strings.Count(out, `"note":`) != 1 {
		t.Errorf("optional fields: %d file, %d waiver, %d note", strings.Count(out, `"file":`), strings.Count(out, `"waiver":`), strings.Count(out, `"note":`))
	}
}

// TestJSONEmptyLists: a run without findings, notes or Fargate pods has empty lists, not
// nulls, so that consumers can iterate without a check.
func TestJSONEmptyLists(t *testing.T) {
	out := write(t, "json", &Report{Plan: "-", Gate: Gate{FailOn: finding.High}}, Options{})
	for _, want := range []string{`"notes": []`, `"fargate": []`, `"findings": []`, `"result": "pass"`} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "null") {
		t.Errorf("a null:\n%s", out)
	}
}

// TestJSONEscaping: the JSON report is valid JSON whatever the input holds: control
// characters are escaped by the encoder, invalid UTF-8 replaced; HTML characters are
// left as they are (no \u003c for a reader to decode).
func TestJSONEscaping(t *testing.T) {
	r := hostileReport()
	r.Findings[0].Message = `<script>&"x"</script> ` + fake
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !json.Valid(b.Bytes()) {
		t.Fatal("not valid JSON")
	}
	for _, c := range []string{"\x1b", "\r", "\x07", "\x7f\xff"} {
		if strings.Contains(out, c) {
			t.Errorf("a raw %q", c)
		}
	}
	if !strings.Contains(out, `\u001b[2K`) || !strings.Contains(out, `<script>&\"x\"</script>`) {
		t.Errorf("escaping:\n%s", out)
	}
	var back struct {
		Findings []finding.Finding `json:"findings"`
	}
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || !strings.HasPrefix(back.Findings[0].Message, "<script>&\"x\"</script> x\r\x1b[2K") {
		t.Errorf("does not read back: %v %q", err, back.Findings[0].Message)
	}
}
