package report

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// TestMarkdownLayout pins the comment of a small run that compares: the marker, the
// verdict, the headline, the failing findings' table (rule linked to its page), the rest
// and the fixed findings folded, the Fargate sizing and the notes.
func TestMarkdownLayout(t *testing.T) {
	registryWritesAsDirect(t, "markdown", WriteMarkdown)
	want := "<!-- ekspodsec plan-check -->\n" +
		"### ekspodsec plan-check ❌ failed\n\n" +
		"**Gate:** fails on high or above, new or worse findings only · **Findings:** 4 findings (2 critical, 1 high, 1 low), 1 unknown until apply, 1 waived · **Change:** 1 new, 1 worse, 2 existing, 1 fixed (against the objects as they exist now) · **Judged:** 3 Kubernetes objects of 4 Terraform resources in `plan.json`\n\n" +
		"**1 finding fails the gate:**\n\n" +
		"| Severity | Change | Address | Container | Rule | Finding |\n" +
		"|---|---|---|---|---|---|\n" +
		"| CRITICAL | **new**: PSS level baseline → privileged | `kubernetes_deployment_v1.web`<br>Deployment apps/web<br>`main.tf:20` | `app` | [EPS001](https://github.com/ekspodsec/terraform-provider-ekspodsec/blob/main/docs/rules/EPS001.md) Privileged container | The container app runs privileged. |\n\n" +
		"<details><summary>3 other findings that do not fail the gate (1 existing, 1 unknown until apply, 1 waived)</summary>\n\n" +
		"| Severity | Status | Change | Address | Container | Rule | Finding |\n" +
		"|---|---|---|---|---|---|---|\n" +
		"| CRITICAL | waived: CI runner, reviewed | existing | `module.batch.kubernetes_pod_v1.job[\"nightly\"]`<br>Pod batch/job |  | [EPS008](https://github.com/ekspodsec/terraform-provider-ekspodsec/blob/main/docs/rules/EPS008.md) Container runtime socket mounted | Volume \"sock\" mounts /run/docker.sock. |\n" +
		"| HIGH | unknown | **worse**: severity medium → high | `module.batch.kubernetes_pod_v1.job[\"nightly\"]`<br>Pod batch/job | `worker` | [EPS005](https://github.com/ekspodsec/terraform-provider-ekspodsec/blob/main/docs/rules/EPS005.md) May run as root | run\\_as\\_non\\_root is unknown until apply. |\n" +
		"| LOW | fail | existing | `kubernetes_deployment_v1.web`<br>Deployment apps/web<br>`main.tf:12` |  | [EPS020](https://github.com/ekspodsec/terraform-provider-ekspodsec/blob/main/docs/rules/EPS020.md) Service account token mounted | The pod mounts a service account token it may not need. |\n\n" +
		"</details>\n\n" +
		"<details><summary>1 finding fixed by this change</summary>\n\n" +
		"| Severity | Status | Change | Address | Container | Rule | Finding |\n" +
		"|---|---|---|---|---|---|---|\n" +
		"| CRITICAL | fail | fixed: the plan deletes it | `kubernetes_daemon_set_v1.debug`<br>DaemonSet apps/debug | `shell` | [EPS001](https://github.com/ekspodsec/terraform-provider-ekspodsec/blob/main/docs/rules/EPS001.md) Privileged container | The container app runs privileged. |\n\n" +
		"</details>\n\n" +
		"**Fargate sizing** (request + 256 MB, rounded up to a Fargate configuration):\n\n" +
		"| Address | Profile | Requests | Billed |\n|---|---|---|---|\n" +
		"| `kubernetes_deployment_v1.web` | `apps` | 0.25 vCPU / 512 MiB | 0.25 vCPU / 1 GB |\n" +
		"| `module.batch.kubernetes_pod_v1.job[\"nightly\"]` | `batch` |  | requests unknown until apply |\n\n" +
		"<details><summary>1 note</summary>\n\n" +
		"- the waiver at .ekspodsec.hcl:9 expired on 2026\\-01\\-01\n\n" +
		"</details>\n"
	got := write(t, "markdown", comparedReport(), Options{})
	want = strings.Replace(want, "2026\\-01\\-01", "2026-01-01", 1)
	if got != want {
		t.Errorf("markdown report:\n%s\nwant:\n%s", got, want)
	}
	pass := write(t, "markdown", &Report{Plan: "p.json", Gate: Gate{FailOn: finding.High}}, Options{})
	if !strings.HasPrefix(pass, MarkdownMarker+"\n### ekspodsec plan-check ✅ passed\n") || !strings.Contains(pass, "**Findings:** no findings") || strings.Contains(pass, "<details>") {
		t.Errorf("empty run:\n%s", pass)
	}
}

// cellCount counts a table row's cells as GitHub's and GitLab's tables (cmark-gfm) split
// them: at each pipe not right after a backslash, minus one.
func cellCount(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		if row[i] == '|' && (i == 0 || row[i-1] != '\\') {
			n++
		}
	}
	return n - 1
}

// TestMarkdownEscaping: whatever a field of the input holds (control characters, pipes,
// backticks, HTML, Markdown, a mention, a link), every table row keeps its cells, no raw
// control character or HTML of the input is written, no @ is outside a code span, and no
// link goes anywhere but the rule's page.
func TestMarkdownEscaping(t *testing.T) {
	nasty := "a|b`c``d<script>alert(1)</script>&amp;*em* _u_ [x](https://evil.example) ![i](https://evil.example/i.png) @org/team ~~s~~ $x$ \\| <!-- -->\n# heading\r\n| x | y |"
	r := hostileReport()
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Address += nasty
		f.Container += nasty
		f.Message += nasty
		f.Title += nasty
		f.File += nasty
		f.Name += nasty
		f.Change, f.ChangeReason = finding.New, nasty
	}
	r.Findings[1].Waiver.Reason += nasty
	r.Compared, r.Gate.ChangesOnly = "baseline "+nasty, true
	r.Notes = append(r.Notes, nasty)
	r.Fargate[0].Note += nasty
	out := write(t, "markdown", r, Options{})
	if c := rawControl(out); c != "" {
		t.Errorf("a raw control character %q", c)
	}
	// HTML: in a code span it is text; elsewhere only ours.
	ours := regexp.MustCompile(`<!-- ekspodsec plan-check -->|</?details>|</?summary>|<br>|</?code>`)
	if rest := ours.ReplaceAllString(stripCode(out), ""); strings.ContainsAny(rest, "<>") {
		i := strings.IndexAny(rest, "<>")
		t.Errorf("HTML of the input is written: ...%s...", rest[max(0, i-40):min(len(rest), i+40)])
	}
	want, rows := 0, 0
	for _, line := range strings.Split(out, "\n") {
		switch {
		case !strings.HasPrefix(line, "|"):
			if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "### ekspodsec") {
				t.Errorf("a line of the input became a heading: %q", line)
			}
		case strings.HasPrefix(line, "| Severity ") || strings.HasPrefix(line, "| Address "):
			want = cellCount(line) // the header's
		case strings.HasPrefix(line, "|---"):
		default:
			rows++
			if n := cellCount(line); n != want {
				t.Errorf("a row has %d cells, its table %d: %q", n, want, line)
			}
		}
	}
	if rows != len(r.Findings)+len(r.Fargate) {
		t.Errorf("%d rows for %d findings and %d Fargate pods", rows, len(r.Findings), len(r.Fargate))
	}
	// What is not in a code span: links only to the rules' pages, no @, no Markdown of
	// the input.
	text := strings.ReplaceAll(stripCode(out), "<code>@</code>", "")
	for _, m := range regexp.MustCompile(`(?:^|[^\\])\]\(([^)]*)\)`).FindAllStringSubmatch(text, -1) {
		if !strings.HasPrefix(m[1], RuleDocsURL) {
			t.Errorf("a link to %q", m[1])
		}
	}
	if i := strings.Index(text, "@"); i >= 0 {
		t.Errorf("an @ outside code: ...%s...", text[max(0, i-40):min(len(text), i+40)])
	}
	for _, md := range []string{"*em*", "~~s~~", "$x$", " _u_", "[x]("} {
		if strings.Contains(text, md) {
			t.Errorf("Markdown of the input (%s) is written as Markdown", md)
		}
	}
}

// TestMarkdownCode: a code span holds any text: pipes escaped, a fence longer than its
// backtick runs, padded when it starts or ends with a backtick.
func TestMarkdownCode(t *testing.T) {
	for in, want := range map[string]string{
		"plain":   "`plain`",
		"a|b":     "`a\\|b`",
		"a`b":     "``a`b``",
		"``x":     "``` ``x ```",
		"x\ny":    "`x\\ny`",
		"":        "",
		" space ": "`  space  `",
	} {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdText("a|b <i>@x</i> *y* 1.5"); got != "a\\|b &lt;i&gt;<code>@</code>x&lt;/i&gt; \\*y\\* 1.5" {
		t.Errorf("mdText: %q", got)
	}
}

// TestMarkdownTruncation: a run with too many findings for one comment stays under the
// limit, failing findings first, and says how many rows it left out and where they are.
func TestMarkdownTruncation(t *testing.T) {
	r := sampleReport()
	base := r.Findings[1]
	r.Findings = nil
	for i := range 3000 {
		f := base
		f.Address = fmt.Sprintf("module.apps.kubernetes_deployment_v1.app[\"svc-%04d\"]", i)
		f.Message = strings.Repeat("A long message that says what is wrong. ", 3)
		if i%2 == 1 {
			f.Severity = finding.Low
		}
		r.Findings = append(r.Findings, f)
	}
	out := write(t, "markdown", r, Options{})
	if len(out) > MarkdownLimit {
		t.Fatalf("%d bytes, over %d", len(out), MarkdownLimit)
	}
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| CRITICAL") || strings.HasPrefix(line, "| LOW") {
			rows++
		}
	}
	m := regexp.MustCompile(`\*\*(\d+) more rows not shown\*\*: a comment holds at most 65,536 characters\. Every finding is in this job's SARIF and JUnit reports`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no truncation note:\n%s", out[len(out)-600:])
	}
	var omitted int
	fmt.Sscan(m[1], &omitted)
	// the 1500 failing rows, the 1500 others, the 2 Fargate rows and the note
	if rows+omitted != 3000+2+1-countFargateAndNotes(out) {
		t.Errorf("%d rows shown + %d omitted, want 3003 in all", rows, omitted)
	}
	// the failing (critical) findings come first: every one shown before any low one
	if i, j := strings.LastIndex(out, "| CRITICAL"), strings.Index(out, "| LOW"); !strings.Contains(out, "**1500 findings fail the gate:**") || i < 0 || (j >= 0 && j < i) {
		t.Error("the failing findings are not first")
	}
	if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
		t.Error("an unclosed <details>")
	}
	// under the limit, nothing is left out
	r.Findings = r.Findings[:10]
	if out := write(t, "markdown", r, Options{}); strings.Contains(out, "not shown") {
		t.Error("a small report is truncated")
	}
}

// countFargateAndNotes counts the Fargate rows and notes a truncated report still shows.
func countFargateAndNotes(out string) int {
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| `") || strings.HasPrefix(line, "- ") {
			n++
		}
	}
	return n
}

var _ = io.Discard

// stripCode removes the code spans of Markdown text (a backslash escapes the character
// after it; a span ends at the next run of as many backticks).
func stripCode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			b.WriteByte(s[i])
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '`':
			n := 0
			for i+n < len(s) && s[i+n] == '`' {
				n++
			}
			fence := strings.Repeat("`", n)
			end := -1
			for j := i + n; j < len(s); {
				k := strings.Index(s[j:], fence)
				if k < 0 {
					break
				}
				k += j
				m := 0
				for k+m < len(s) && s[k+m] == '`' {
					m++
				}
				if m == n {
					end = k
					break
				}
				j = k + m
			}
			if end < 0 {
				b.WriteString(fence)
				i += n - 1
				continue
			}
			i = end + n - 1
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
