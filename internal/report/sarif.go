package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func sarifFormat() Format {
	return Format{
		Name:        "sarif",
		Description: "SARIF 2.1.0 for code scanning: the rules, a result per finding at its file:line",
		Extension:   ".sarif",
		Write:       func(w io.Writer, r *Report, _ Options) error { return WriteSARIF(w, r) },
	}
}

// securitySeverity is GitHub code scanning's numeric severity for each level (its bands:
// critical over 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9).
func securitySeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "9.5"
	case finding.High:
		return "8.0"
	case finding.Medium:
		return "5.5"
	case finding.Low:
		return "3.0"
	}
	return "0.5"
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes a SARIF 2.1.0 log: one rule per catalogue ID (help URI, GitHub's
// security-severity), one result per finding with the Terraform source as physical
// location where known and the address as logical location; waived findings carry a
// suppression; unknown ones are of kind "review". When the run compares, each result has
// its baselineState, fixed findings included (absent). partialFingerprints holds two
// keys: ekspodsecFinding/v1 (the path with its list indexes, as before) and
// ekspodsecFinding/v2 (finding.Fingerprint, which --baseline matches by).
func WriteSARIF(w io.Writer, r *Report) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("ekspodsec", "https://github.com/ekspodsec/terraform-provider-ekspodsec")
	if r.ToolVersion != "" {
		v := r.ToolVersion
		run.Tool.Driver.Version = &v
	}
	index := map[string]int{}
	for i, ri := range r.Rules {
		index[ri.ID] = i
		run.AddRule(ri.ID).
			WithName(ruleName(ri.Title)).
			WithShortDescription(sarif.NewMultiformatMessageString(ri.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(ri.Description)).
			WithHelpURI(HelpURI(ri.ID)).
			WithHelp(sarif.NewMultiformatMessageString(ri.Remediation).WithMarkdown(
				"**" + ri.Title + "** (" + ri.ID + ", " + ri.Severity.String() + ")\n\n" + ri.Description + "\n\n**Fix:** " + ri.Remediation +
					"\n\nGuide: " + ri.Guide + ". More: [" + ri.ID + "](" + HelpURI(ri.ID) + ")")).
			WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: sarifLevel(ri.Severity)}).
			WithProperties(ruleProperties(ri))
	}
	for _, f := range r.AllFindings() {
		res := run.CreateResultForRule(f.RuleID).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(resultText(f)))
		if i, ok := index[f.RuleID]; ok {
			res.WithRuleIndex(i)
		} else {
			res.RuleIndex = nil // go-sarif's -1 for "no such rule" would be written as 2^64-1
		}
		if f.Status == finding.Unknown {
			res.WithKind("review")
		}
		loc := sarif.NewLocation()
		if f.File != "" {
			region := sarif.NewRegion().WithStartLine(max(f.Line, 1))
			loc.WithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(fileURI(f.File))).
				WithRegion(region))
		}
		loc.AddLogicalLocations(sarif.NewLogicalLocation().
			WithFullyQualifiedName(f.Address).
			WithName(logicalName(f)).
			WithKind("resource"))
		res.AddLocation(loc)
		res.WithPartialFingerPrints(map[string]interface{}{"ekspodsecFinding/v1": fingerprint(f), "ekspodsecFinding/v2": finding.Fingerprint(f)})
		if state := baselineState(f.Change); state != "" {
			res.WithBaselineState(state)
		}
		if f.Change == finding.Fixed {
			// Gone with the plan: the rule passes on what it leaves (§3.27.9, level none).
			res.WithKind("pass").WithLevel("none")
		}
		if f.Chart != "" || f.Template != "" {
			// A helm_release's findings: where in its chart, for code scanning's filters.
			props := sarif.Properties{"chart": f.Chart, "chartVersion": f.ChartVersion, "template": f.Template}
			if f.Hook != "" {
				props["hook"] = f.Hook
			}
			res.AttachPropertyBag(&sarif.PropertyBag{Properties: props})
		}
		if f.Status == finding.Waived && f.Waiver != nil {
			kind := "external"
			if strings.HasPrefix(f.Waiver.Source, "annotation") {
				kind = "inSource"
			}
			res.AddSuppression(sarif.NewSuppression(kind).WithStatus("accepted").
				WithJustifcation(f.Waiver.Reason + " (" + f.Waiver.Source + ")"))
		}
	}
	log.AddRun(run)
	// what log.PrettyWrite writes, without its nulls
	b, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(dropUnsetSuppressionFields(b))
	return err
}

// ruleProperties is a rule's property bag: GitHub's security-severity, tags, and the other
// tools' checks the rule covers (relatedRuleIds, and relatedRules with each one's tool and
// title), so a team coming from Checkov, KICS or Trivy finds its IDs.
func ruleProperties(ri RuleInfo) sarif.Properties {
	p := sarif.Properties{
		"security-severity": securitySeverity(ri.Severity),
		"tags":              []string{"security", "kubernetes", "eks", "terraform"},
		"precision":         "high",
	}
	if len(ri.Related) > 0 {
		ids := make([]string, 0, len(ri.Related))
		related := make([]map[string]string, 0, len(ri.Related))
		for _, r := range ri.Related {
			ids = append(ids, r.ID)
			related = append(related, map[string]string{"tool": r.Tool, "id": r.ID, "title": r.Title})
		}
		p["relatedRuleIds"] = ids
		p["relatedRules"] = related
	}
	return p
}

// dropUnsetSuppressionFields removes the members go-sarif v2 writes as null for a
// suppression's location and guid when they are not set (its fields lack omitempty):
// the schema wants an object and a string there, or nothing. A JSON string holds no raw
// newline, so a line that is only such a member is one.
func dropUnsetSuppressionFields(b []byte) []byte {
	if !bytes.Contains(b, []byte("\": null,\n")) {
		return b
	}
	out := make([]byte, 0, len(b))
	for line := range bytes.Lines(b) {
		switch string(bytes.TrimLeft(line, " ")) {
		case "\"location\": null,\n", "\"guid\": null,\n":
			continue
		}
		out = append(out, line...)
	}
	return out
}

// fileURI is a file's path as a relative URI reference: slashes, and each character a
// URI path cannot hold raw (a space, %, a control character) percent-encoded.
func fileURI(path string) string {
	return (&url.URL{Path: filepath.ToSlash(path)}).String()
}

func resultText(f finding.Finding) string {
	s := f.Message
	if f.Status == finding.Unknown {
		s = "Unknown until apply: " + s
	}
	s += " [" + f.Address
	if c := chartObject(f); c != "" {
		s += ": " + c
	}
	if f.Container != "" {
		s += ", container " + f.Container
	}
	if f.TFPath != "" {
		s += ", " + f.TFPath
	}
	return s + "] Fix: " + f.Remediation
}

func logicalName(f finding.Finding) string {
	if f.Kind == "" {
		return f.Address
	}
	if f.Namespace != "" {
		return f.Kind + " " + f.Namespace + "/" + f.Name
	}
	return f.Kind + " " + f.Name
}

// baselineState is SARIF's word for a finding's change (§3.27.24): a new finding is new,
// a worse one updated (there before, and it changed), an existing one unchanged, a fixed
// one absent (in the baseline, not in this run); "" when the run does not compare.
func baselineState(c finding.Change) string {
	switch c {
	case finding.New:
		return "new"
	case finding.Worse:
		return "updated"
	case finding.Existing:
		return "unchanged"
	case finding.Fixed:
		return "absent"
	}
	return ""
}

// fingerprint identifies a finding across runs independently of line numbers; the
// objects of one helm_release share its address, so theirs adds the object.
func fingerprint(f finding.Finding) string {
	key := f.RuleID + "|" + f.Address + "|" + f.Container + "|" + f.K8sPath
	if f.Template != "" || f.Chart != "" {
		key += "|" + f.Template + "|" + f.Kind + "|" + f.Namespace + "|" + f.Name
	}
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:16])
}

// ruleName turns a title into SARIF's PascalCase rule name.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}
