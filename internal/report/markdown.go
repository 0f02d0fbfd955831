package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
)

func markdownFormat() Format {
	return Format{
		Name:        "markdown",
		Description: "for a pull-request comment (GitHub, GitLab, Atlantis, tfcmt): verdict and findings",
		Extension:   ".md",
		Write:       func(w io.Writer, r *Report, _ Options) error { return WriteMarkdown(w, r) },
	}
}

// MarkdownLimit is the most a Markdown report holds, in bytes: GitHub's limit on a
// comment's body is 65,536 characters, and a character is at least a byte.
const MarkdownLimit = 65536

// MarkdownMarker is the first line of every Markdown report, an HTML comment (not
// rendered): CI jobs find the comment to update by it.
const MarkdownMarker = "<!-- ekspodsec plan-check -->"

// WriteMarkdown writes a compact summary for a pull-request comment: a headline (the
// gate's verdict, the counts by severity and, when the run compares, by change), a table
// of the findings that fail the run (address, container, rule linked to its page,
// message), the other findings and the fixed ones folded in <details>, the Fargate sizing
// and the notes. It stays under MarkdownLimit: rows that do not fit are left out, and a
// note says how many and where the full report is.
//
// Every value comes from the report (findings redacted already, never a plan value of
// their own) and is written escaped: control characters made visible (safetext), and in a
// table cell Markdown and HTML made inert. Addresses, containers, objects and files go in
// code spans (a pipe escaped, the fence longer than any backtick run); messages are text
// with Markdown's punctuation escaped, <, > and & as entities, and @ in a code span of its
// own so that no name mentions anyone (mdText).
func WriteMarkdown(w io.Writer, r *Report) error {
	_, err := io.WriteString(w, markdown(r, MarkdownLimit))
	return err
}

// The room kept for what closes the report (a truncation note, closing tags).
const markdownReserve = 700

func markdown(r *Report, limit int) string {
	s := r.Summarize()
	m := &mdWriter{limit: limit - markdownReserve}
	m.line(MarkdownMarker)
	verdict := "✅ passed"
	if s.Failing > 0 {
		verdict = "❌ failed"
	}
	m.line("### ekspodsec plan-check " + verdict)
	m.line("")
	m.line(markdownHeadline(r, s))
	m.line("")

	var failing, other, fixed []finding.Finding
	for _, f := range r.AllFindings() {
		switch {
		case f.Change == finding.Fixed:
			fixed = append(fixed, f)
		case r.Gate.Fails(f):
			failing = append(failing, f)
		default:
			other = append(other, f)
		}
	}
	for _, fs := range [][]finding.Finding{failing, other, fixed} {
		// the most severe first; the report's order (address, rule, ...) among equals
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity > fs[j].Severity })
	}
	compared := r.Compared != ""
	if len(failing) > 0 {
		m.line(fmt.Sprintf("**%d finding%s fail%s the gate:**", len(failing), pl(len(failing)), map[bool]string{true: "s", false: ""}[len(failing) == 1]))
		m.line("")
		m.table(failing, compared, false)
	}
	if len(other) > 0 {
		what := "finding" + pl(len(other)) + " that do" + map[bool]string{true: "es", false: ""}[len(other) == 1] + " not fail the gate"
		m.details(fmt.Sprintf("%d other %s (%s)", len(other), what, kinds(other, r.Gate)), other, compared, true)
	}
	if len(fixed) > 0 {
		m.details(fmt.Sprintf("%d finding%s fixed by this change", len(fixed), pl(len(fixed))), fixed, compared, true)
	}
	if len(r.Fargate) > 0 {
		m.fargate(r.Fargate)
	}
	if len(r.Notes) > 0 {
		m.notes(r.Notes)
	}
	if m.omitted > 0 {
		m.limit = limit // the reserve is for this
		m.line("")
		m.line(fmt.Sprintf("> **%d more row%s not shown**: a comment holds at most 65,536 characters. Every finding is in this job's SARIF and JUnit reports (`--format sarif`, `--format junit`) and in `--format text` in its log.", m.omitted, pl(m.omitted)))
	}
	return m.b.String()
}

// markdownHeadline is the line under the title: what decided, and the counts.
func markdownHeadline(r *Report, s Summary) string {
	var parts []string
	gate := "fails on " + mdText(s.FailOn) + " or above"
	if s.FailOnUnk {
		gate += ", unknowns included"
	}
	if r.Gate.ChangesOnly {
		gate += ", new or worse findings only"
	}
	parts = append(parts, "**Gate:** "+gate)
	var sev []string
	for i := len(finding.SeverityNames()) - 1; i >= 0; i-- {
		n := finding.SeverityNames()[i]
		if c := s.BySeverity[n]; c > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", c, n))
		}
	}
	counts := "no findings"
	if len(sev) > 0 {
		counts = fmt.Sprintf("%d finding%s (%s)", s.Findings, pl(s.Findings), strings.Join(sev, ", "))
	}
	if u := s.ByStatus[string(finding.Unknown)]; u > 0 {
		counts += fmt.Sprintf(", %d unknown until apply", u)
	}
	if wv := s.ByStatus[string(finding.Waived)]; wv > 0 {
		counts += fmt.Sprintf(", %d waived", wv)
	}
	parts = append(parts, "**Findings:** "+counts)
	if r.Compared != "" {
		var ch []string
		for _, c := range finding.Changes() {
			ch = append(ch, fmt.Sprintf("%d %s", s.ByChange[string(c)], c))
		}
		against := "the objects as they exist now"
		if f, ok := strings.CutPrefix(r.Compared, "baseline "); ok {
			against = "the baseline report " + mdCode(f)
		}
		parts = append(parts, "**Change:** "+strings.Join(ch, ", ")+" (against "+against+")")
	}
	parts = append(parts, fmt.Sprintf("**Judged:** %d Kubernetes object%s of %d Terraform resource%s in %s", s.Objects, pl(s.Objects), s.Resources, pl(s.Resources), mdCode(r.Plan)))
	return strings.Join(parts, " · ")
}

// kinds says what the findings that do not fail are: "2 existing, 1 below high".
func kinds(fs []finding.Finding, g Gate) string {
	var existing, below, unknown, waived int
	for _, f := range fs {
		switch {
		case f.Status == finding.Waived:
			waived++
		case g.ChangesOnly && f.Change != finding.New && f.Change != finding.Worse:
			existing++
		case f.Severity < g.FailOn:
			below++
		default:
			unknown++
		}
	}
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{existing, "existing"}, {below, "below " + g.FailOn.String()}, {unknown, "unknown until apply"}, {waived, "waived"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return strings.Join(parts, ", ")
}

// mdWriter builds the report within a byte limit, counting the rows left out.
type mdWriter struct {
	b       strings.Builder
	limit   int
	omitted int
}

func (m *mdWriter) line(s string) { m.b.WriteString(s + "\n") }

// fits reports whether s (and the closing text after it) still fits.
func (m *mdWriter) fits(s string, closing int) bool { return m.b.Len()+len(s)+closing <= m.limit }

// table writes a table of findings, row by row while they fit.
func (m *mdWriter) table(fs []finding.Finding, compared, status bool) {
	head, rule := "| Severity |", "|---|"
	if status {
		head, rule = head+" Status |", rule+"---|"
	}
	if compared {
		head, rule = head+" Change |", rule+"---|"
	}
	head, rule = head+" Address | Container | Rule | Finding |", rule+"---|---|---|---|"
	const closing = len("\n</details>\n")
	if !m.fits(head+rule+"\n\n", closing) {
		m.omitted += len(fs)
		return
	}
	m.line(head)
	m.line(rule)
	for i, f := range fs {
		row := mdRow(f, compared, status)
		if !m.fits(row+"\n", closing) {
			m.omitted += len(fs) - i
			break
		}
		m.line(row)
	}
	m.line("")
}

// details writes a folded table.
func (m *mdWriter) details(summary string, fs []finding.Finding, compared, status bool) {
	open := "<details><summary>" + summary + "</summary>\n\n"
	if !m.fits(open, len("</details>\n\n")) {
		m.omitted += len(fs)
		return
	}
	m.b.WriteString(open)
	m.table(fs, compared, status)
	m.line("</details>")
	m.line("")
}

// fargate writes the Fargate sizing table.
func (m *mdWriter) fargate(ps []FargatePod) {
	head := "**Fargate sizing** (request + 256 MB, rounded up to a Fargate configuration):\n\n| Address | Profile | Requests | Billed |\n|---|---|---|---|\n"
	if !m.fits(head, 1) {
		m.omitted += len(ps)
		return
	}
	m.b.WriteString(head)
	for i, p := range ps {
		req, billed := "", mdText(p.Note)
		if p.Note == "" {
			req = fmt.Sprintf("%s vCPU / %d MiB", trimFloat(float64(p.RequestMilliCPU)/1000), p.RequestMemoryMiB)
			billed = fmt.Sprintf("%s vCPU / %s GB", trimFloat(p.VCPU), trimFloat(p.MemoryGB))
		}
		row := "| " + mdCode(p.Address) + " | " + mdCode(p.Profile) + " | " + req + " | " + billed + " |"
		if !m.fits(row+"\n", 1) {
			m.omitted += len(ps) - i
			break
		}
		m.line(row)
	}
	m.line("")
}

// notes writes the run's notes, folded.
func (m *mdWriter) notes(ns []string) {
	open := fmt.Sprintf("<details><summary>%d note%s</summary>\n\n", len(ns), pl(len(ns)))
	if !m.fits(open, len("</details>\n")) {
		m.omitted += len(ns)
		return
	}
	m.b.WriteString(open)
	for i, n := range ns {
		item := "- " + mdText(clipRunes(n, 1000))
		if !m.fits(item+"\n", len("\n</details>\n")) {
			m.omitted += len(ns) - i
			break
		}
		m.line(item)
	}
	m.line("")
	m.line("</details>")
}

// mdRow is one finding as a table row.
func mdRow(f finding.Finding, compared, status bool) string {
	cells := []string{strings.ToUpper(f.Severity.String())}
	if status {
		st := string(f.Status)
		if f.Status == finding.Waived && f.Waiver != nil {
			st += ": " + mdText(clipRunes(f.Waiver.Reason, 200))
		}
		cells = append(cells, st)
	}
	if compared {
		ch := "**" + string(f.Change) + "**"
		if f.Change == finding.Existing || f.Change == finding.Fixed {
			ch = string(f.Change)
		}
		if f.ChangeReason != "" {
			ch += ": " + mdText(f.ChangeReason)
		}
		cells = append(cells, ch)
	}
	addr := mdCode(f.Address)
	if c := chartObject(f); c != "" {
		addr += "<br>" + mdText(clipRunes(c, 300))
	} else if f.Kind != "" && f.Name != "" {
		obj := f.Kind + " " + f.Name
		if f.Namespace != "" {
			obj = f.Kind + " " + f.Namespace + "/" + f.Name
		}
		addr += "<br>" + mdText(clipRunes(obj, 300))
	}
	if f.File != "" {
		addr += "<br>" + mdCode(fmt.Sprintf("%s:%d", f.File, f.Line))
	}
	container := ""
	if f.Container != "" {
		container = mdCode(f.Container)
	}
	cells = append(cells, addr, container, mdRule(f.RuleID, f.Title), mdText(clipRunes(f.Message, 1000)))
	return "| " + strings.Join(cells, " | ") + " |"
}

// mdRule is the rule's ID linked to its page, and its title.
func mdRule(id, title string) string {
	t := mdText(clipRunes(title, 200))
	if !plainID(id) {
		return mdCode(id) + " " + t
	}
	return "[" + id + "](" + HelpURI(id) + ") " + t
}

// plainID reports whether a rule ID is letters, digits and dashes (the catalogue's): only
// such an ID goes into a link.
func plainID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// clipRunes shortens s to at most n runes (an ellipsis marks the cut).
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// mdText writes untrusted text inert in a Markdown table cell: control characters
// visible (safetext); the characters that start emphasis, code, links, strikethrough or
// math (\ ` * _ [ ] ~ $) backslash-escaped, and the pipe (it would end the cell); <, >
// and & as entities (no HTML); @ in a code span of its own (no mention). What GitHub
// still links in text (a URL, #123) links to what the text says.
func mdText(s string) string {
	s = safetext.Escape(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '@':
			b.WriteString("<code>@</code>")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode writes untrusted text as a code span in a table cell: control characters
// visible (safetext), cut to 300 characters, the pipe escaped (GitHub and GitLab read
// \| as a pipe even in a code span), and a fence of more backticks than any run inside.
func mdCode(s string) string {
	s = strings.ReplaceAll(safetext.Escape(clipRunes(s, 300)), "|", `\|`)
	if s == "" {
		return ""
	}
	run, longest := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}
