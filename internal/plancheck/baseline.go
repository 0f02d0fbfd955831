package plancheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
)

// Baseline is an earlier plan-check JSON report that a run compares with (--baseline):
// for a plan that creates everything (a fresh environment), main's report says what is
// already there.
type Baseline struct {
	// Name names the report in the run's reports ("main.json").
	Name string
	// Findings are the report's findings, fixed ones left out.
	Findings []finding.Finding
}

// ReadBaseline reads a JSON report of plan-check --format json (version 1). Every
// finding must name its rule and address and have a severity and status plan-check
// writes; the report's other members are not read.
func ReadBaseline(data []byte, name string) (*Baseline, error) {
	var doc struct {
		Version  *int              `json:"version"`
		Findings []json.RawMessage `json:"findings"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a plan-check JSON report (--format json): %w", jsonProblem(err))
	}
	if dec.More() {
		return nil, errors.New("not a plan-check JSON report (--format json): more than one JSON value")
	}
	switch {
	case doc.Version == nil:
		return nil, errors.New("not a plan-check JSON report (--format json): it has no version")
	case *doc.Version != report.JSONVersion:
		return nil, fmt.Errorf("a JSON report of version %d: plan-check reads version %d", *doc.Version, report.JSONVersion)
	case doc.Findings == nil:
		return nil, errors.New("not a plan-check JSON report (--format json): it has no findings list")
	}
	b := &Baseline{Name: name}
	for i, raw := range doc.Findings {
		var f finding.Finding
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("findings[%d]: %w", i, jsonProblem(err))
		}
		switch {
		case f.RuleID == "":
			return nil, fmt.Errorf("findings[%d] has no rule_id", i)
		case f.Address == "":
			return nil, fmt.Errorf("findings[%d] has no address", i)
		case f.Status != finding.Fail && f.Status != finding.Unknown && f.Status != finding.Waived:
			return nil, fmt.Errorf("findings[%d]: status is fail, unknown or waived", i)
		}
		if f.Change == finding.Fixed {
			continue // gone already when that report was written
		}
		f.Change, f.ChangeReason = "", ""
		b.Findings = append(b.Findings, f)
	}
	return b, nil
}

// jsonProblem describes a JSON decoding error without quoting the input.
func jsonProblem(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te) && te.Field != "":
		return fmt.Errorf("%s is not %s", te.Field, te.Type.String())
	case errors.As(err, &te):
		return fmt.Errorf("a value is %s, not %s", te.Value, te.Type.String())
	}
	return errors.New("a value is not in the format of a plan-check report")
}
