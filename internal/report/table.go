package report

import (
	"iter"
	"sort"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// Table holds a run's findings in a compact form: each finding is a row of indexes into
// one table of distinct strings. A large plan repeats the same strings over and over
// (rule titles, remediations, guide sections, paths, the messages of instances of one
// module), so a row costs about a tenth of a finding.Finding with its strings: a plan of
// 200,000 findings holds them in tens of megabytes rather than hundreds. Writers read it
// through Report.AllFindings, one finding at a time.
type Table struct {
	strs  []string
	index map[string]uint32
	rows  []row
	// waivers are the rows' waivers (row.waiver - 1).
	waivers []finding.Waiver
}

// The string fields of a finding, in a row.
const (
	colRuleID = iota
	colStatus
	colTitle
	colAddress
	colResourceType
	colKind
	colNamespace
	colName
	colContainer
	colK8sPath
	colTFPath
	colMessage
	colRemediation
	colGuide
	colPSSLevel
	colChart
	colChartVersion
	colTemplate
	colHook
	colFile
	colChange
	colChangeReason
	nCols
)

type row struct {
	s        [nCols]uint32
	severity finding.Severity
	line     int
	waiver   int // index into waivers + 1; 0 for none
}

// NewTable returns an empty table.
func NewTable() *Table {
	t := &Table{index: map[string]uint32{}}
	t.intern("")
	return t
}

func (t *Table) intern(s string) uint32 {
	if i, ok := t.index[s]; ok {
		return i
	}
	i := uint32(len(t.strs))
	t.strs = append(t.strs, s)
	t.index[s] = i
	return i
}

// Len is the number of findings.
func (t *Table) Len() int { return len(t.rows) }

// Add appends a finding.
func (t *Table) Add(f finding.Finding) {
	var r row
	t.set(&r, f)
	t.rows = append(t.rows, r)
}

// Set replaces finding i.
func (t *Table) Set(i int, f finding.Finding) {
	t.set(&t.rows[i], f)
}

func (t *Table) set(r *row, f finding.Finding) {
	for c, s := range [nCols]string{
		colRuleID: f.RuleID, colStatus: string(f.Status), colTitle: f.Title, colAddress: f.Address,
		colResourceType: f.ResourceType, colKind: f.Kind, colNamespace: f.Namespace, colName: f.Name,
		colContainer: f.Container, colK8sPath: f.K8sPath, colTFPath: f.TFPath, colMessage: f.Message,
		colRemediation: f.Remediation, colGuide: f.Guide, colPSSLevel: f.PSSLevel, colChart: f.Chart,
		colChartVersion: f.ChartVersion, colTemplate: f.Template, colHook: f.Hook, colFile: f.File,
		colChange: string(f.Change), colChangeReason: f.ChangeReason,
	} {
		r.s[c] = t.intern(s)
	}
	r.severity, r.line, r.waiver = f.Severity, f.Line, 0
	if f.Waiver != nil {
		t.waivers = append(t.waivers, *f.Waiver)
		r.waiver = len(t.waivers)
	}
}

// At returns finding i.
func (t *Table) At(i int) finding.Finding {
	r := &t.rows[i]
	s := func(c int) string { return t.strs[r.s[c]] }
	f := finding.Finding{
		RuleID: s(colRuleID), Severity: r.severity, Status: finding.Status(s(colStatus)), Title: s(colTitle),
		Address: s(colAddress), ResourceType: s(colResourceType), Kind: s(colKind), Namespace: s(colNamespace),
		Name: s(colName), Container: s(colContainer), K8sPath: s(colK8sPath), TFPath: s(colTFPath),
		Message: s(colMessage), Remediation: s(colRemediation), Guide: s(colGuide), PSSLevel: s(colPSSLevel),
		Chart: s(colChart), ChartVersion: s(colChartVersion), Template: s(colTemplate), Hook: s(colHook),
		File: s(colFile), Line: r.line, Change: finding.Change(s(colChange)), ChangeReason: s(colChangeReason),
	}
	if r.waiver > 0 {
		w := t.waivers[r.waiver-1]
		f.Waiver = &w
	}
	return f
}

// sortCols are the columns finding.Sort orders by, in its order.
var sortCols = [...]int{colAddress, colRuleID, colContainer, colK8sPath, colTemplate, colKind, colNamespace, colName, colStatus, colChange, colMessage}

// Sort orders the findings as finding.Sort does (stable: equal findings keep their order),
// comparing the strings' ranks rather than the strings.
func (t *Table) Sort() {
	order := make([]uint32, len(t.strs))
	for i := range order {
		order[i] = uint32(i)
	}
	sort.Slice(order, func(i, j int) bool { return t.strs[order[i]] < t.strs[order[j]] })
	rank := make([]uint32, len(t.strs))
	for r, i := range order {
		rank[i] = uint32(r)
	}
	sort.SliceStable(t.rows, func(i, j int) bool {
		a, b := &t.rows[i], &t.rows[j]
		for _, c := range sortCols {
			if ra, rb := rank[a.s[c]], rank[b.s[c]]; ra != rb {
				return ra < rb
			}
		}
		return false
	})
}

// AllFindings yields the report's findings in its order: Findings, or the Table's rows
// when the report has one.
func (r *Report) AllFindings() iter.Seq2[int, finding.Finding] {
	return func(yield func(int, finding.Finding) bool) {
		if r.Table != nil {
			for i := range r.Table.rows {
				if !yield(i, r.Table.At(i)) {
					return
				}
			}
			return
		}
		for i, f := range r.Findings {
			if !yield(i, f) {
				return
			}
		}
	}
}

// NumFindings is the number of findings (Findings, or the Table's).
func (r *Report) NumFindings() int {
	if r.Table != nil {
		return r.Table.Len()
	}
	return len(r.Findings)
}
