package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
)

func githubFormat() Format {
	return Format{
		Name:        "github",
		Description: "GitHub Actions workflow commands: an annotation per finding on its line",
		Extension:   ".log",
		Write:       func(w io.Writer, r *Report, _ Options) error { return WriteGitHub(w, r) },
	}
}

// WriteGitHub writes GitHub Actions workflow commands, one per finding, so that a step
// annotates the pull request on the very line of Terraform (when --source knows it):
// ::error for findings that fail the run, ::warning for those below the threshold (and,
// when the run compares, existing ones), ::notice for unknowns and fixed findings; the
// title says the change. Waived findings are not annotated. Each field from the input has
// its control characters escaped (safetext) before the workflow command's own escaping,
// so only the separators written here are line breaks in the annotation.
func WriteGitHub(w io.Writer, r *Report) error {
	e := safetext.Escape
	// The escapers are built once a report (a Replacer builds its tables).
	escapeData, escapeProperty := dataEscaper(), propertyEscaper()
	b := bufio.NewWriterSize(w, 64<<10)
	for _, f := range r.AllFindings() {
		cmd := "warning"
		switch {
		case f.Status == finding.Waived:
			continue
		case r.Gate.Fails(f):
			cmd = "error"
		case f.Status == finding.Unknown, f.Change == finding.Fixed:
			cmd = "notice"
		}
		var props []string
		if f.File != "" {
			props = append(props, "file="+escapeProperty(e(f.File)))
			if f.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Line))
			}
		}
		props = append(props, "title="+escapeProperty(e(f.RuleID+" "+f.Title+containerSuffix(f)+changeSuffix(f))))
		msg := e(f.Message)
		switch {
		case f.Change == finding.Fixed:
			msg = "Fixed by this change: " + msg
		case f.Status == finding.Unknown:
			msg = "Unknown until apply: " + msg
		}
		msg += "\n" + e(f.Address)
		if c := chartObject(f); c != "" {
			msg += " (" + e(c) + ")"
		}
		if f.TFPath != "" {
			msg += ": " + e(f.TFPath)
		}
		msg += "\nFix: " + e(f.Remediation) + "\n" + e(HelpURI(f.RuleID))
		fmt.Fprintf(b, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(msg))
	}
	return b.Flush()
}

// dataEscaper escapes a workflow command's message.
func dataEscaper() func(string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace
}

// propertyEscaper escapes a workflow command's property value.
func propertyEscaper() func(string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace
}
