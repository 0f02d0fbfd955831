package plancheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
)

// The redaction property: whatever leaf of a resource's planned value the plan marks
// sensitive, its value appears in no byte of any report format, and not in the error of
// a plan that cannot be read. Each leaf is replaced by a unique sentinel (short or long,
// with quotes, backslashes, control characters and Unicode) and marked sensitive in
// after_sensitive: one leaf at a time, every leaf at once, and the whole resource at once.

// leaf is the path of one string or number in a resource change's `after`.
type leaf []any // string keys and int indexes

// sentinel returns the n-th sentinel string and the core that identifies it in output.
// The core is one character of Unicode's private use area, unique per n, so even a
// one-character value is recognisable in any output.
func sentinel(n int) (value, core string) {
	core = string(rune(0xE000 + n%6400))
	switch n % 5 {
	case 0:
		return core, core // one character
	case 1:
		return `a"` + core + `\`, core // quote and backslash
	case 2:
		return "secret-" + core + "-value with spaces and ünïcödé", core
	case 3:
		return "\x1b[31m" + core + "\n", core // control characters
	default:
		return "x" + core, core // two characters
	}
}

// numberSentinel returns the n-th unique number sentinel.
func numberSentinel(n int) json.Number { return json.Number(strconv.Itoa(9_000_000 + 7*n)) }

// encodings are the forms in which a writer could print a sentinel's core.
func encodings(core string) []string {
	r := []rune(core)[0]
	return []string{
		core,
		fmt.Sprintf(`\u%04x`, r), fmt.Sprintf(`\u%04X`, r),
		fmt.Sprintf("&#x%X;", r), fmt.Sprintf("&#%d;", r),
		strings.Trim(strconv.QuoteToASCII(core), `"`),
	}
}

func decodePlan(t *testing.T, data []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var p map[string]any
	if err := dec.Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// leaves lists the string and number leaves of v.
func leaves(v any, at leaf, out *[]leaf) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			leaves(t[k], append(append(leaf{}, at...), k), out)
		}
	case []any:
		for i, c := range t {
			leaves(c, append(append(leaf{}, at...), i), out)
		}
	case string, json.Number:
		*out = append(*out, append(leaf{}, at...))
	}
}

func get(v any, p leaf) any {
	for _, s := range p {
		switch k := s.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

func set(v any, p leaf, x any) {
	parent := get(v, p[:len(p)-1])
	switch k := p[len(p)-1].(type) {
	case string:
		parent.(map[string]any)[k] = x
	case int:
		parent.([]any)[k] = x
	}
}

// markSensitive returns the after_sensitive tree `marks` with the leaf at p marked true,
// building the objects and lists on the way (shaped like `after`).
func markSensitive(marks, after any, p leaf) any {
	if len(p) == 0 || marks == true {
		return true
	}
	switch k := p[0].(type) {
	case string:
		m, ok := marks.(map[string]any)
		if !ok {
			m = map[string]any{}
		}
		m[k] = markSensitive(m[k], after.(map[string]any)[k], p[1:])
		return m
	case int:
		l, ok := marks.([]any)
		a := after.([]any)
		if !ok || len(l) < len(a) {
			nl := make([]any, len(a))
			for i := range nl {
				nl[i] = map[string]any{}
				if i < len(l) {
					nl[i] = l[i]
				}
			}
			l = nl
		}
		l[k] = markSensitive(l[k], a[k], p[1:])
		return l
	}
	return marks
}

// runAll runs plan-check on a plan and returns every byte it would print: each report
// format, or the error.
func runAll(t *testing.T, p map[string]any) string { return runAllWith(t, p, false) }

// runAllWith is runAll, with --diff when diff is set.
func runAllWith(t *testing.T, p map[string]any, diff bool) string {
	t.Helper()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Check(data, Options{PlanName: "plan.json", Gate: report.Gate{FailOn: finding.High}, ToolVersion: "test", Diff: diff})
	if err != nil {
		return "error: " + err.Error()
	}
	var b bytes.Buffer
	for _, name := range []string{"json", "sarif", "junit", "gh", "txt", "md"} {
		if err := writers[name](&b, rep); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func assertNotPrinted(t *testing.T, out, what string, cores []string) {
	t.Helper()
	for _, c := range cores {
		for _, e := range encodings(c) {
			if i := strings.Index(out, e); i >= 0 {
				lo, hi := max(0, i-120), min(len(out), i+60)
				t.Errorf("%s: a sensitive value is printed (as %q): ...%s...", what, e, out[lo:hi])
				return
			}
		}
	}
}

// changes returns the resource changes of a decoded plan that have an object `after`.
func changes(p map[string]any) []map[string]any {
	var out []map[string]any
	rcs, _ := p["resource_changes"].([]any)
	for _, rc := range rcs {
		m, _ := rc.(map[string]any)
		ch, _ := m["change"].(map[string]any)
		if _, ok := ch["after"].(map[string]any); ok {
			out = append(out, ch)
		}
	}
	return out
}

func redactionPlans(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/plans/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no plans: %v", err)
	}
	return files
}

// TestSensitiveLeafNeverPrinted marks every leaf of every resource sensitive, one at a time.
func TestSensitiveLeafNeverPrinted(t *testing.T) {
	n := 0
	for _, file := range redactionPlans(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		base := decodePlan(t, data)
		for ci := range changes(base) {
			var ls []leaf
			leaves(changes(base)[ci]["after"], nil, &ls)
			for _, l := range ls {
				if testing.Short() && n%7 != 0 {
					n++
					continue
				}
				p := decodePlan(t, data)
				ch := changes(p)[ci]
				after := ch["after"]
				var cores []string
				switch get(after, l).(type) {
				case string:
					v, core := sentinel(n)
					set(after, l, v)
					cores = append(cores, core)
				case json.Number:
					v := numberSentinel(n)
					set(after, l, v)
					cores = append(cores, v.String())
				}
				ch["after_sensitive"] = markSensitive(ch["after_sensitive"], after, l)
				assertNotPrinted(t, runAll(t, p), fmt.Sprintf("%s: %v", filepath.Base(file), l), cores)
				n++
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d leaves tried", n)
	}
}

// TestSensitiveEverythingNeverPrinted marks every leaf of every resource sensitive at
// once, then every resource sensitive as a whole.
func TestSensitiveEverythingNeverPrinted(t *testing.T) {
	for _, whole := range []bool{false, true} {
		for _, file := range redactionPlans(t) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p := decodePlan(t, data)
			var cores []string
			n := 0
			for _, ch := range changes(p) {
				after := ch["after"]
				var ls []leaf
				leaves(after, nil, &ls)
				for _, l := range ls {
					switch get(after, l).(type) {
					case string:
						v, core := sentinel(n)
						set(after, l, v)
						cores = append(cores, core)
					case json.Number:
						v := numberSentinel(n)
						set(after, l, v)
						cores = append(cores, v.String())
					}
					if !whole {
						ch["after_sensitive"] = markSensitive(ch["after_sensitive"], after, l)
					}
					n++
				}
				if whole {
					ch["after_sensitive"] = true
				}
			}
			assertNotPrinted(t, runAll(t, p), fmt.Sprintf("%s (whole=%v)", filepath.Base(file), whole), cores)
		}
	}
}

// priorChanges returns the resource changes of a decoded plan that have an object
// `before` (updates, no-ops, replacements, deletes).
func priorChanges(p map[string]any) []map[string]any {
	var out []map[string]any
	rcs, _ := p["resource_changes"].([]any)
	for _, rc := range rcs {
		m, _ := rc.(map[string]any)
		ch, _ := m["change"].(map[string]any)
		if _, ok := ch["before"].(map[string]any); ok {
			out = append(out, ch)
		}
	}
	return out
}

func updatePlanFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/plans/update_*.json")
	if err != nil || len(files) < 8 {
		t.Fatalf("update plans: %v %v", files, err)
	}
	return files
}

// TestSensitiveBeforeLeafNeverPrinted is the redaction property for prior values: with
// --diff, whatever leaf of a resource's before the plan marks sensitive (before_sensitive),
// its value appears in no byte of any report format (Markdown included), nor in an error;
// one leaf at a time.
func TestSensitiveBeforeLeafNeverPrinted(t *testing.T) {
	n, shown := 0, 0
	for _, file := range updatePlanFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		base := decodePlan(t, data)
		for ci := range priorChanges(base) {
			var ls []leaf
			leaves(priorChanges(base)[ci]["before"], nil, &ls)
			for _, l := range ls {
				if testing.Short() && n%7 != 0 {
					n++
					continue
				}
				p := decodePlan(t, data)
				ch := priorChanges(p)[ci]
				before := ch["before"]
				var cores []string
				switch get(before, l).(type) {
				case string:
					v, core := sentinel(n)
					set(before, l, v)
					cores = append(cores, core)
				case json.Number:
					v := numberSentinel(n)
					set(before, l, v)
					cores = append(cores, v.String())
				}
				if n%3 == 0 && strings.Contains(runAllWith(t, p, true), cores[0]) {
					shown++ // unmarked, the value is printed: the prior side reaches the reports
				}
				ch["before_sensitive"] = markSensitive(ch["before_sensitive"], before, l)
				assertNotPrinted(t, runAllWith(t, p, true), fmt.Sprintf("%s: before %v", filepath.Base(file), l), cores)
				n++
			}
		}
	}
	if n < 500 {
		t.Fatalf("only %d leaves tried", n)
	}
	if shown < 10 && !testing.Short() {
		t.Fatalf("only %d prior values printed when not marked: the test proves little", shown)
	}
}

// TestSensitiveBeforeEverythingNeverPrinted marks every leaf of every prior value
// sensitive at once (and every planned value: a no-op's before and after are the same
// values), then every prior value sensitive as a whole.
func TestSensitiveBeforeEverythingNeverPrinted(t *testing.T) {
	for _, whole := range []bool{false, true} {
		for _, file := range updatePlanFiles(t) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p := decodePlan(t, data)
			var cores []string
			n := 0
			plant := func(ch map[string]any, value, marks string) {
				v := ch[value]
				var ls []leaf
				leaves(v, nil, &ls)
				for _, l := range ls {
					switch get(v, l).(type) {
					case string:
						s, core := sentinel(n)
						set(v, l, s)
						cores = append(cores, core)
					case json.Number:
						s := numberSentinel(n)
						set(v, l, s)
						cores = append(cores, s.String())
					}
					if !whole {
						ch[marks] = markSensitive(ch[marks], v, l)
					}
					n++
				}
				if whole {
					ch[marks] = true
				}
			}
			for _, ch := range priorChanges(p) {
				plant(ch, "before", "before_sensitive")
			}
			for _, ch := range changes(p) {
				plant(ch, "after", "after_sensitive")
			}
			assertNotPrinted(t, runAllWith(t, p, true), fmt.Sprintf("%s (whole=%v)", filepath.Base(file), whole), cores)
		}
	}
}
