package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	File      string         `xml:"file,attr,omitempty"`
	Line      int            `xml:"line,attr,omitempty"`
	Failures  []junitFailure `xml:"failure"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes a JUnit XML report (GitLab, Jenkins): one test case per resource
// address, a failure per finding that fails the run (at or above --fail-on); findings
// below it, unknowns that do not fail and waived findings are listed in system-out.
func WriteJUnit(w io.Writer, r *Report) error {
	byAddr := map[string][]finding.Finding{}
	for _, f := range r.Findings {
		byAddr[f.Address] = append(byAddr[f.Address], f)
	}
	addrs := append([]string(nil), r.Addresses...)
	for a := range byAddr {
		if !slices.Contains(addrs, a) {
			addrs = append(addrs, a)
		}
	}
	sort.Strings(addrs)
	suite := junitSuite{Name: "plan-check " + r.Plan}
	for _, a := range addrs {
		c := junitCase{Name: a, Classname: "ekspodsec.plan-check"}
		var out []string
		for _, f := range byAddr[a] {
			if c.File == "" && f.File != "" {
				c.File, c.Line = f.File, f.Line
			}
			line := fmt.Sprintf("%s %s %s: %s", f.RuleID, strings.ToUpper(f.Severity.String()), f.Title, f.Message)
			if r.Gate.Fails(f) {
				c.Failures = append(c.Failures, junitFailure{
					Message: fmt.Sprintf("%s %s%s", f.RuleID, f.Title, containerSuffix(f)),
					Type:    f.Severity.String(),
					Body:    failureBody(f),
				})
				continue
			}
			switch f.Status {
			case finding.Waived:
				line += " (waived: " + f.Waiver.Reason + ", " + f.Waiver.Source + ")"
			case finding.Unknown:
				line += " (unknown until apply)"
			}
			out = append(out, line)
		}
		c.SystemOut = strings.Join(out, "\n")
		suite.Tests++
		if len(c.Failures) > 0 {
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, c)
	}
	doc := junitSuites{Name: "ekspodsec", Tests: suite.Tests, Failures: suite.Failures, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func containerSuffix(f finding.Finding) string {
	if f.Container == "" {
		return ""
	}
	return " [" + f.Container + "]"
}

func failureBody(f finding.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", f.Message)
	if f.File != "" {
		fmt.Fprintf(&b, "at %s:%d (%s)\n", f.File, f.Line, f.TFPath)
	} else if f.TFPath != "" {
		fmt.Fprintf(&b, "at %s\n", f.TFPath)
	}
	fmt.Fprintf(&b, "fix: %s\nguide: %s\nmore: %s", f.Remediation, f.Guide, HelpURI(f.RuleID))
	return b.String()
}
