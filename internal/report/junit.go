package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
)

func junitFormat() Format {
	return Format{
		Name:        "junit",
		Description: "JUnit XML (GitLab, Jenkins): a test case per address, a failure per failing finding",
		Extension:   ".xml",
		Write:       func(w io.Writer, r *Report, _ Options) error { return WriteJUnit(w, r) },
	}
}

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
// address, a failure per finding that fails the run (at or above --fail-on; new or worse
// when the run compares); findings below it, unknowns that do not fail, waived, existing
// and fixed findings are listed in system-out, each with its change when the run compares.
// Every field from the input has its control characters escaped (safetext): raw ones
// are not valid XML, and a log viewer would act on them.
func WriteJUnit(w io.Writer, r *Report) error {
	e := safetext.Escape
	byAddr := map[string][]finding.Finding{}
	for _, f := range r.AllFindings() {
		byAddr[f.Address] = append(byAddr[f.Address], f)
	}
	addrs := append([]string(nil), r.Addresses...)
	for a := range byAddr {
		if !slices.Contains(addrs, a) {
			addrs = append(addrs, a)
		}
	}
	sort.Strings(addrs)
	suite := junitSuite{Name: "plan-check " + e(r.Plan)}
	for _, a := range addrs {
		c := junitCase{Name: e(a), Classname: "ekspodsec.plan-check"}
		var out []string
		for _, f := range byAddr[a] {
			if c.File == "" && f.File != "" {
				c.File, c.Line = e(f.File), f.Line
			}
			line := e(fmt.Sprintf("%s %s %s: %s", f.RuleID, strings.ToUpper(f.Severity.String()), f.Title, f.Message))
			if c := chartObject(f); c != "" {
				line += " (" + e(c) + ")"
			}
			line += e(changeSuffix(f))
			if r.Gate.Fails(f) {
				c.Failures = append(c.Failures, junitFailure{
					Message: e(fmt.Sprintf("%s %s%s%s", f.RuleID, f.Title, containerSuffix(f), changeSuffix(f))),
					Type:    e(f.Severity.String()),
					Body:    failureBody(f),
				})
				continue
			}
			switch f.Status {
			case finding.Waived:
				line += " (waived: " + e(f.Waiver.Reason) + ", " + e(f.Waiver.Source) + ")"
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

// failureBody is a failure's text: its lines are the ones written here, each field
// escaped.
func failureBody(f finding.Finding) string {
	e := safetext.Escape
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", e(f.Message))
	if c := chartObject(f); c != "" {
		fmt.Fprintf(&b, "object: %s\n", e(c))
	}
	if f.File != "" {
		fmt.Fprintf(&b, "at %s:%d (%s)\n", e(f.File), f.Line, e(f.TFPath))
	} else if f.TFPath != "" {
		fmt.Fprintf(&b, "at %s\n", e(f.TFPath))
	}
	fmt.Fprintf(&b, "fix: %s\nguide: %s\nmore: %s", e(f.Remediation), e(f.Guide), e(HelpURI(f.RuleID)))
	return b.String()
}
