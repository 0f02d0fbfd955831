package report

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			File      string `xml:"file,attr"`
			Line      int    `xml:"line,attr"`
			Failures  []struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, r *Report) (junitDoc, string) {
	t.Helper()
	out := write(t, "junit", r, Options{})
	if !strings.HasPrefix(out, xml.Header) || !strings.HasSuffix(out, "</testsuites>\n") {
		t.Errorf("not an XML document with its header: %q...%q", out[:min(len(out), 60)], out[max(0, len(out)-20):])
	}
	var doc junitDoc
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	return doc, out
}

// TestJUnitShape: one suite, a test case per resource address judged (in address order,
// those without findings too), a failure per finding that fails the run; the other
// findings, with why they do not fail, in system-out.
func TestJUnitShape(t *testing.T) {
	registryWritesAsDirect(t, "junit", WriteJUnit)
	doc, _ := readJUnit(t, sampleReport())
	if doc.Name != "ekspodsec" || doc.Tests != 3 || doc.Failures != 1 || len(doc.Suites) != 1 {
		t.Fatalf("testsuites %q tests %d failures %d suites %d", doc.Name, doc.Tests, doc.Failures, len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Name != "plan-check plan.json" || s.Tests != 3 || s.Failures != 1 || s.Skipped != 0 || len(s.Cases) != 3 {
		t.Fatalf("suite %q tests %d failures %d skipped %d cases %d", s.Name, s.Tests, s.Failures, s.Skipped, len(s.Cases))
	}
	var names []string
	for _, c := range s.Cases {
		names = append(names, c.Name)
		if c.Classname != "ekspodsec.plan-check" {
			t.Errorf("%s classname %q", c.Name, c.Classname)
		}
	}
	if got, want := strings.Join(names, " "), webAddr+" "+nsAddr+" "+jobAddr; got != want {
		t.Errorf("cases %s, want %s", got, want)
	}

	web, ns, job := s.Cases[0], s.Cases[1], s.Cases[2]
	// the first located finding of the address gives the case its file and line
	if web.File != "main.tf" || web.Line != 12 || len(web.Failures) != 1 {
		t.Fatalf("web: file %q line %d failures %d", web.File, web.Line, len(web.Failures))
	}
	f := web.Failures[0]
	wantBody := "The container app runs privileged.\nat main.tf:20 (spec[0].template[0].spec[0].container[0].security_context[0].privileged)\n" +
		"fix: Remove privileged = true.\nguide: EKS best practices: pod security\nmore: " + HelpURI("EPS001")
	if f.Message != "EPS001 Privileged container [app]" || f.Type != "critical" || f.Body != wantBody {
		t.Errorf("failure %q %q\n%s", f.Message, f.Type, f.Body)
	}
	if web.SystemOut != "EPS020 LOW Service account token mounted: The pod mounts a service account token it may not need." {
		t.Errorf("web system-out %q", web.SystemOut)
	}
	if ns.File != "" || len(ns.Failures) != 0 || ns.SystemOut != "" {
		t.Errorf("namespace without findings: %+v", ns)
	}
	wantOut := "EPS005 HIGH May run as root: run_as_non_root is unknown until apply. (unknown until apply)\n" +
		`EPS008 CRITICAL Container runtime socket mounted: Volume "sock" mounts /run/docker.sock. (waived: CI runner, reviewed, .ekspodsec.hcl:3)`
	if job.File != "" || len(job.Failures) != 0 || job.SystemOut != wantOut {
		t.Errorf("job: file %q failures %d system-out %q", job.File, len(job.Failures), job.SystemOut)
	}
}

// TestJUnitGate: what fails a test case follows the gate: unknowns fail with
// FailOnUnknown, and a finding whose address is not among the judged ones still gets a
// test case.
func TestJUnitGate(t *testing.T) {
	r := sampleReport()
	r.Gate = Gate{FailOn: finding.Low, FailOnUnknown: true}
	r.Addresses = []string{nsAddr}
	doc, _ := readJUnit(t, r)
	s := doc.Suites[0]
	if doc.Tests != 3 || doc.Failures != 2 || len(s.Cases) != 3 {
		t.Fatalf("tests %d failures %d cases %d", doc.Tests, doc.Failures, len(s.Cases))
	}
	for _, c := range s.Cases {
		switch c.Name {
		case webAddr:
			if len(c.Failures) != 2 || c.SystemOut != "" {
				t.Errorf("web: %d failures, system-out %q", len(c.Failures), c.SystemOut)
			}
		case jobAddr:
			// the waived finding never fails
			if len(c.Failures) != 1 || c.Failures[0].Message != "EPS005 May run as root [worker]" || !strings.Contains(c.SystemOut, "(waived: ") {
				t.Errorf("job: %+v", c)
			}
			if !strings.HasPrefix(c.Failures[0].Body, "run_as_non_root is unknown until apply.\nat spec[0].container[0]") {
				t.Errorf("job failure body %q", c.Failures[0].Body)
			}
		}
	}
}

// TestJUnitEscapesControlCharacters: control characters from the input are escaped
// (safetext) before XML encoding: raw ones are not valid XML, and a log viewer would act
// on them; none is replaced by U+FFFD.
func TestJUnitEscapesControlCharacters(t *testing.T) {
	_, out := readJUnit(t, hostileReport())
	d := xml.NewDecoder(strings.NewReader(out))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
	}
	if c := rawControl(out); c != "" {
		t.Errorf("a raw %q", c)
	}
	if strings.Contains(out, "\ufffd") {
		t.Error("a character replaced instead of escaped")
	}
	if !strings.Contains(out, `\x1b[2K`) {
		t.Error("the escaped sequence is not shown")
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "no findings") {
			t.Errorf("a line of its own from the input: %q", line)
		}
	}
}
