package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
)

// TextOptions tune the text report: the Options every writer takes (Color applies).
type TextOptions = Options

func textFormat() Format {
	return Format{
		Name:        "text",
		Description: "for people: findings by resource address, most severe first, then the verdict",
		Extension:   ".txt",
		Write:       WriteText,
	}
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiGrey   = "\x1b[90m"
	ansiGreen  = "\x1b[32m"
)

func severityColor(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return ansiRed
	case finding.Medium:
		return ansiYellow
	case finding.Low:
		return ansiBlue
	}
	return ansiGrey
}

// WriteText writes findings grouped by resource address, the most severe first in each
// group, and a one-line summary. Every field from the input (addresses, names, messages,
// paths, notes) is written with its control characters escaped (safetext), so that no
// value can start a line of its own, move the cursor or recolour the log.
func WriteText(w io.Writer, r *Report, opt TextOptions) error {
	e := safetext.Escape
	paint := func(code, s string) string {
		if !opt.Color {
			return s
		}
		return code + s + ansiReset
	}
	b := bufio.NewWriterSize(w, 64<<10)
	group := func(addr string, fs []finding.Finding) {
		sort.SliceStable(fs, func(i, j int) bool {
			if ci, cj := changeRank(fs[i].Change), changeRank(fs[j].Change); ci != cj {
				return ci < cj
			}
			return fs[i].Severity > fs[j].Severity
		})
		if isRelease(fs) {
			writeRelease(b, addr, fs, paint)
			return
		}
		first := fs[0]
		head := e(addr)
		if first.Kind != "" {
			head += "  (" + objectLabel(first)
			if first.PSSLevel != "" {
				head += ", PSS " + e(first.PSSLevel)
			}
			head += ")"
		}
		fmt.Fprintln(b, paint(ansiBold, head))
		for _, f := range fs {
			writeFinding(b, f, "  ", paint)
		}
		fmt.Fprintln(b)
	}
	if byAddress(r) {
		// Sorted by address (as plan-check sorts them): one group at a time, read in place
		// (a resource may have a million findings: they are not copied).
		n := r.NumFindings()
		for start := 0; start < n; {
			addr := r.findingAt(start).Address
			end := start + 1
			for end < n && r.findingAt(end).Address == addr {
				end++
			}
			groupAt(b, r, addr, start, end, paint, group)
			start = end
		}
	} else {
		groups := map[string][]finding.Finding{}
		var order []string
		for _, f := range r.AllFindings() {
			if _, ok := groups[f.Address]; !ok {
				order = append(order, f.Address)
			}
			groups[f.Address] = append(groups[f.Address], f)
		}
		sort.Strings(order)
		for _, addr := range order {
			group(addr, groups[addr])
		}
	}
	if len(r.Fargate) > 0 {
		fmt.Fprintln(b, paint(ansiBold, "Fargate sizing (request + 256 MB, rounded up to a Fargate configuration):"))
		for _, p := range r.Fargate {
			if p.Note != "" {
				fmt.Fprintf(b, "  %s  profile %s: %s\n", e(p.Address), e(p.Profile), e(p.Note))
				continue
			}
			fmt.Fprintf(b, "  %s  profile %s: requests %s vCPU / %d MiB -> billed %s vCPU / %s GB\n", e(p.Address), e(p.Profile),
				trimFloat(float64(p.RequestMilliCPU)/1000), p.RequestMemoryMiB, trimFloat(p.VCPU), trimFloat(p.MemoryGB))
		}
		fmt.Fprintln(b)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "note: %s\n", e(n))
	}
	if r.Compared != "" {
		fmt.Fprintln(b, changeLine(r))
	}
	fmt.Fprintln(b, summaryLine(r, paint))
	return b.Flush()
}

// groupAt writes the findings start..end of r, one address's, as group does: in the order
// of a stable sort by change, then severity (most severe first), bucket by bucket over
// the findings in place. A helm_release's findings, read by object, are copied to group.
func groupAt(b textWriter, r *Report, addr string, start, end int, paint func(code, s string) string, group func(string, []finding.Finding)) {
	e := safetext.Escape
	type bucket struct{ rank, severity int }
	var buckets []bucket
	release := false
	for i := start; i < end; i++ {
		f := r.findingAt(i)
		release = release || f.Chart != "" || f.Template != ""
		k := bucket{changeRank(f.Change), -int(f.Severity)}
		if !slices.Contains(buckets, k) {
			buckets = append(buckets, k)
		}
	}
	if release {
		fs := make([]finding.Finding, 0, end-start)
		for i := start; i < end; i++ {
			fs = append(fs, r.findingAt(i))
		}
		group(addr, fs)
		return
	}
	sort.Slice(buckets, func(i, j int) bool {
		if buckets[i].rank != buckets[j].rank {
			return buckets[i].rank < buckets[j].rank
		}
		return buckets[i].severity < buckets[j].severity
	})
	in := func(f finding.Finding, k bucket) bool {
		return changeRank(f.Change) == k.rank && -int(f.Severity) == k.severity
	}
	var first finding.Finding
	for i := start; i < end; i++ {
		if f := r.findingAt(i); in(f, buckets[0]) {
			first = f
			break
		}
	}
	head := e(addr)
	if first.Kind != "" {
		head += "  (" + objectLabel(first)
		if first.PSSLevel != "" {
			head += ", PSS " + e(first.PSSLevel)
		}
		head += ")"
	}
	fmt.Fprintln(b, paint(ansiBold, head))
	for _, k := range buckets {
		for i := start; i < end; i++ {
			if f := r.findingAt(i); in(f, k) {
				writeFinding(b, f, "  ", paint)
			}
		}
	}
	fmt.Fprintln(b)
}

// findingAt is finding i of the report (of Findings, or of the Table).
func (r *Report) findingAt(i int) finding.Finding {
	if r.Table != nil {
		return r.Table.At(i)
	}
	return r.Findings[i]
}

// textWriter is where the text report is written (a buffered writer).
type textWriter interface {
	io.Writer
	io.StringWriter
}

// byAddress reports whether the report's findings come grouped by address in ascending
// order (as plan-check sorts them).
func byAddress(r *Report) bool {
	prev := ""
	for _, f := range r.AllFindings() {
		if f.Address < prev {
			return false
		}
		prev = f.Address
	}
	return true
}

func summaryLine(r *Report, paint func(code, s string) string) string {
	s := r.Summarize()
	var parts []string
	for i := len(finding.SeverityNames()) - 1; i >= 0; i-- {
		n := finding.SeverityNames()[i]
		if c := s.BySeverity[n]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, n))
		}
	}
	counts := "no findings"
	if len(parts) > 0 {
		counts = fmt.Sprintf("%d finding%s (%s)", s.Findings, pl(s.Findings), strings.Join(parts, ", "))
	}
	extra := ""
	if u := s.ByStatus[string(finding.Unknown)]; u > 0 {
		extra += fmt.Sprintf(", %d unknown until apply", u)
	}
	if wv := s.ByStatus[string(finding.Waived)]; wv > 0 {
		extra += fmt.Sprintf(", %d waived", wv)
	}
	verdict := paint(ansiGreen, "PASS")
	gate := "at or above " + safetext.Escape(s.FailOn)
	if s.FailOnUnk {
		gate += ", unknowns included"
	}
	if r.Gate.ChangesOnly {
		gate = "new or worse " + gate
	}
	if s.Failing > 0 {
		what := "finding" + pl(s.Failing)
		if r.Gate.ChangesOnly {
			what = "new or worse finding" + pl(s.Failing)
			gate = strings.TrimPrefix(gate, "new or worse ")
		}
		verdict = paint(ansiRed, fmt.Sprintf("FAIL: %d %s %s", s.Failing, what, gate))
	} else {
		verdict += ": nothing " + gate
	}
	return fmt.Sprintf("%s in %d Kubernetes object%s of %d Terraform resource%s%s. %s", counts, s.Objects, pl(s.Objects), s.Resources, pl(s.Resources), extra, verdict)
}

// changeLine counts the findings by change: "Change: 3 new, 0 worse, 1 existing, 12
// fixed, against the objects as they exist now."
func changeLine(r *Report) string {
	s := r.Summarize()
	parts := make([]string, 0, 4)
	for _, c := range finding.Changes() {
		parts = append(parts, fmt.Sprintf("%d %s", s.ByChange[string(c)], c))
	}
	return "Change: " + strings.Join(parts, ", ") + ", against " + comparedWith(r.Compared) + "."
}

// comparedWith says what a run compared with, for people: "the objects as they exist now
// (--diff)" or "the baseline report main.json". Escaped.
func comparedWith(compared string) string {
	if compared == CompareDiff {
		return "the objects as they exist now (--diff)"
	}
	if f, ok := strings.CutPrefix(compared, "baseline "); ok {
		return "the baseline report " + safetext.Escape(f)
	}
	return safetext.Escape(compared)
}

// changeRank orders findings by change: new, worse, existing, fixed (and none).
func changeRank(c finding.Change) int {
	for i, x := range finding.Changes() {
		if c == x {
			return i
		}
	}
	return len(finding.Changes())
}

// changeColor is the colour of a change's label.
func changeColor(c finding.Change) string {
	switch c {
	case finding.New, finding.Worse:
		return ansiRed
	case finding.Fixed:
		return ansiGreen
	}
	return ansiGrey
}

func pl(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.3f", f)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// objectLabel is "Kind namespace/name" (or "Kind name"), escaped.
func objectLabel(f finding.Finding) string {
	e := safetext.Escape
	obj := e(f.Kind)
	if f.Namespace != "" {
		obj += " " + e(f.Namespace) + "/" + e(f.Name)
	} else if f.Name != "" {
		obj += " " + e(f.Name)
	}
	return obj
}

// writeFinding writes one finding, its first line indented by indent.
func writeFinding(b textWriter, f finding.Finding, indent string, paint func(code, s string) string) {
	e := safetext.Escape
	label := strings.ToUpper(f.Severity.String())
	if f.Status != finding.Fail {
		label += " " + strings.ToUpper(string(f.Status))
	}
	where := ""
	if f.Container != "" {
		where = " [" + e(f.Container) + "]"
	}
	more := indent + "    "
	change := ""
	if f.Change != "" {
		change = paint(changeColor(f.Change), fmt.Sprintf("%-8s", strings.ToUpper(string(f.Change)))) + " "
	}
	fmt.Fprintf(b, "%s%s%s %s %s%s\n", indent, change, paint(severityColor(f.Severity), fmt.Sprintf("%-16s", label)), e(f.RuleID), e(f.Title), where)
	fmt.Fprintf(b, "%s%s\n", more, e(f.Message))
	if f.ChangeReason != "" {
		fmt.Fprintf(b, "%s%s %s\n", more, paint(ansiGrey, string(f.Change)+":"), e(f.ChangeReason))
	}
	switch {
	case f.File != "" && f.TFPath != "":
		fmt.Fprintf(b, "%s%s %s:%d %s\n", more, paint(ansiGrey, "at"), e(f.File), f.Line, paint(ansiGrey, e(f.TFPath)))
	case f.File != "":
		fmt.Fprintf(b, "%s%s %s:%d\n", more, paint(ansiGrey, "at"), e(f.File), f.Line)
	case f.TFPath != "":
		fmt.Fprintf(b, "%s%s %s\n", more, paint(ansiGrey, "at"), e(f.TFPath))
	}
	if f.Waiver != nil {
		fmt.Fprintf(b, "%s%s %s (%s)\n", more, paint(ansiGrey, "waived"), e(f.Waiver.Reason), e(f.Waiver.Source))
	}
	fmt.Fprintf(b, "%s%s %s\n", more, paint(ansiGrey, "fix"), e(f.Remediation))
}

// isRelease reports whether an address's findings are a helm_release's: objects rendered
// from a chart, each on a line of its own.
func isRelease(fs []finding.Finding) bool {
	for _, f := range fs {
		if f.Chart != "" || f.Template != "" {
			return true
		}
	}
	return false
}

// writeRelease writes a helm_release's findings: the release and its chart, then the
// findings on the release as a whole, then each object (kind, namespace/name, template,
// hook events, PSS level) with its findings, the object with the most severe finding
// first.
func writeRelease(b textWriter, addr string, fs []finding.Finding, paint func(code, s string) string) {
	e := safetext.Escape
	head := e(addr)
	for _, f := range fs {
		if f.Chart != "" {
			head += "  (chart " + e(f.Chart)
			if f.ChartVersion != "" {
				head += " " + e(f.ChartVersion)
			}
			head += ")"
			break
		}
	}
	fmt.Fprintln(b, paint(ansiBold, head))
	type object struct {
		label string
		fs    []finding.Finding
	}
	var objects []*object
	byKey := map[string]*object{}
	for _, f := range fs {
		if f.Kind == "" && f.Template == "" {
			writeFinding(b, f, "  ", paint)
			continue
		}
		key := f.Template + "\x00" + f.Kind + "\x00" + f.Namespace + "\x00" + f.Name
		o := byKey[key]
		if o == nil {
			var attrs []string
			if f.Template != "" {
				attrs = append(attrs, e(f.Template))
			}
			if f.Hook != "" {
				attrs = append(attrs, "hook "+e(f.Hook))
			}
			if f.PSSLevel != "" {
				attrs = append(attrs, "PSS "+e(f.PSSLevel))
			}
			label := objectLabel(f)
			if len(attrs) > 0 {
				label += "  (" + strings.Join(attrs, ", ") + ")"
			}
			o = &object{label: label}
			byKey[key] = o
			objects = append(objects, o)
		}
		o.fs = append(o.fs, f)
	}
	for _, o := range objects {
		fmt.Fprintln(b, "  "+paint(ansiBold, o.label))
		for _, f := range o.fs {
			writeFinding(b, f, "    ", paint)
		}
	}
	fmt.Fprintln(b)
}
