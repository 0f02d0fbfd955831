package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"

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
	var one bytes.Buffer
	fenc := json.NewEncoder(&one)
	fenc.SetIndent("    ", "  ")
	fenc.SetEscapeHTML(false)
	for i, f := range r.AllFindings() {
		one.Reset()
		if err := fenc.Encode(jsonFinding{Finding: f, Fingerprint: finding.Fingerprint(f)}); err != nil {
			return err
		}
		if i > 0 {
			bw.WriteString(",\n")
		}
		bw.WriteString("    ")
		bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}
