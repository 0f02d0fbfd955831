package report

import (
	"encoding/json"
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

// WriteJSON writes the report as indented JSON, with a stable field order.
func WriteJSON(w io.Writer, r *Report) error {
	out := jsonReport{Version: JSONVersion, Plan: r.Plan, Summary: r.Summarize(), Notes: r.Notes, Fargate: r.Fargate,
		Findings: make([]jsonFinding, len(r.Findings))}
	for i, f := range r.Findings {
		out.Findings[i] = jsonFinding{Finding: f, Fingerprint: finding.Fingerprint(f)}
	}
	if out.Fargate == nil {
		out.Fargate = []FargatePod{}
	}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
