package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-2.1.0-rtm.5.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [{"tool": {}, "results": [{"level": "fatal"}]}]}`))
	if s.Validate(bad) == nil {
		t.Fatal("the schema accepts an invalid log: the validation proves nothing")
	}
	return s
}

// TestSARIFValid: the log of an empty run, of a small run with every kind of finding
// and of a run whose every field holds control characters validates against the SARIF
// 2.1.0 schema.
func TestSARIFValid(t *testing.T) {
	schema := sarifSchema(t)
	for name, r := range map[string]*Report{
		"empty":   {Plan: "plan.json", Gate: Gate{FailOn: finding.High}},
		"sample":  sampleReport(),
		"hostile": hostileReport(),
	} {
		out := write(t, "sarif", r, Options{})
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatalf("%s: not JSON: %v", name, err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", name, err)
		}
	}
}

type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string  `json:"name"`
				Version        *string `json:"version"`
				InformationURI string  `json:"informationUri"`
				Rules          []struct {
					ID               string                          `json:"id"`
					Name             string                          `json:"name"`
					ShortDescription struct{ Text string }           `json:"shortDescription"`
					FullDescription  struct{ Text string }           `json:"fullDescription"`
					HelpURI          string                          `json:"helpUri"`
					Help             struct{ Text, Markdown string } `json:"help"`
					Default          struct{ Level string }          `json:"defaultConfiguration"`
					Properties       map[string]any                  `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []sarifResult `json:"results"`
	} `json:"runs"`
}

type sarifResult struct {
	RuleID    string `json:"ruleId"`
	RuleIndex *int   `json:"ruleIndex"`
	Kind      string `json:"kind"`
	Level     string `json:"level"`
	Message   struct {
		Text string `json:"text"`
	} `json:"message"`
	Locations []struct {
		PhysicalLocation *struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
		LogicalLocations []struct {
			Name               string `json:"name"`
			FullyQualifiedName string `json:"fullyQualifiedName"`
			Kind               string `json:"kind"`
		} `json:"logicalLocations"`
	} `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification"`
	} `json:"suppressions"`
}

func readSARIF(t *testing.T, r *Report) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal([]byte(write(t, "sarif", r, Options{})), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	return log
}

// TestSARIFRules: one rule per catalogue entry of the report, in its order, with what
// code scanning reads: a PascalCase name, descriptions, help URI and text, the default
// level and GitHub's security-severity.
func TestSARIFRules(t *testing.T) {
	registryWritesAsDirect(t, "sarif", WriteSARIF)
	r := sampleReport()
	log := readSARIF(t, r)
	d := log.Runs[0].Tool.Driver
	if d.Name != "ekspodsec" || d.Version == nil || *d.Version != "1.2.3" || d.InformationURI != "https://github.com/ekspodsec/terraform-provider-ekspodsec" {
		t.Errorf("driver %q %v %q", d.Name, d.Version, d.InformationURI)
	}
	want := []struct{ id, name, level, severity string }{
		{"EPS001", "PrivilegedContainer", "error", "9.5"},
		{"EPS005", "MayRunAsRoot", "error", "8.0"},
		{"EPS008", "ContainerRuntimeSocketMounted", "error", "9.5"},
		{"EPS020", "ServiceAccountTokenMounted", "note", "3.0"},
	}
	if len(d.Rules) != len(want) {
		t.Fatalf("%d rules, want %d", len(d.Rules), len(want))
	}
	for i, w := range want {
		got, info := d.Rules[i], r.Rules[i]
		if got.ID != w.id || got.Name != w.name || got.Default.Level != w.level || got.Properties["security-severity"] != w.severity {
			t.Errorf("rule %d: %s %s %s %v, want %+v", i, got.ID, got.Name, got.Default.Level, got.Properties["security-severity"], w)
		}
		if got.HelpURI != HelpURI(w.id) || got.ShortDescription.Text != info.Title || got.FullDescription.Text != info.Description || got.Help.Text != info.Remediation {
			t.Errorf("rule %s: %+v", w.id, got)
		}
		if !strings.Contains(got.Help.Markdown, "**Fix:** "+info.Remediation) || !strings.Contains(got.Help.Markdown, "("+HelpURI(w.id)+")") {
			t.Errorf("rule %s help markdown %q", w.id, got.Help.Markdown)
		}
		if got.Properties["precision"] != "high" {
			t.Errorf("rule %s properties %v", w.id, got.Properties)
		}
	}
	// The other tools' checks a rule covers are listed with it.
	r.Rules[0].Related = []RelatedRule{{Tool: "Checkov", ID: "CKV_K8S_16", Title: "Do not admit privileged containers"}, {Tool: "Trivy", ID: "KSV017", Title: "Privileged"}}
	props := readSARIF(t, r).Runs[0].Tool.Driver.Rules[0].Properties
	if ids, _ := props["relatedRuleIds"].([]any); len(ids) != 2 || ids[0] != "CKV_K8S_16" || ids[1] != "KSV017" {
		t.Errorf("relatedRuleIds %v", props["relatedRuleIds"])
	}
	if rel, _ := props["relatedRules"].([]any); len(rel) != 2 || rel[1].(map[string]any)["tool"] != "Trivy" {
		t.Errorf("relatedRules %v", props["relatedRules"])
	}
	if _, ok := readSARIF(t, r).Runs[0].Tool.Driver.Rules[1].Properties["relatedRuleIds"]; ok {
		t.Error("a rule without peers lists related rules")
	}
	r.ToolVersion = ""
	if v := readSARIF(t, r).Runs[0].Tool.Driver.Version; v != nil {
		t.Errorf("a driver version without a tool version: %q", *v)
	}
}

// TestSARIFResults: one result per finding, in the report's order, pointing at its rule,
// at file:line when known and at the resource address always; unknowns are of kind
// review, waived findings carry a suppression.
func TestSARIFResults(t *testing.T) {
	r := sampleReport()
	res := readSARIF(t, r).Runs[0].Results
	if len(res) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(res), len(r.Findings))
	}
	wantIndex := map[string]int{"EPS001": 0, "EPS005": 1, "EPS008": 2, "EPS020": 3}
	for i, f := range r.Findings {
		got := res[i]
		if got.RuleID != f.RuleID || got.RuleIndex == nil || *got.RuleIndex != wantIndex[f.RuleID] {
			t.Errorf("result %d: rule %s index %v", i, got.RuleID, got.RuleIndex)
		}
		if len(got.Locations) != 1 || len(got.Locations[0].LogicalLocations) != 1 {
			t.Fatalf("result %d locations %+v", i, got.Locations)
		}
		l := got.Locations[0]
		if ll := l.LogicalLocations[0]; ll.FullyQualifiedName != f.Address || ll.Kind != "resource" || ll.Name != f.Kind+" "+f.Namespace+"/"+f.Name {
			t.Errorf("result %d logical location %+v", i, ll)
		}
		if (l.PhysicalLocation != nil) != (f.File != "") {
			t.Errorf("result %d: physical location %v for file %q", i, l.PhysicalLocation, f.File)
		} else if f.File != "" && (l.PhysicalLocation.ArtifactLocation.URI != f.File || l.PhysicalLocation.Region.StartLine != f.Line) {
			t.Errorf("result %d physical location %+v", i, *l.PhysicalLocation)
		}
		if !strings.Contains(got.Message.Text, f.Message) || !strings.Contains(got.Message.Text, "["+f.Address) || !strings.HasSuffix(got.Message.Text, "] Fix: "+f.Remediation) {
			t.Errorf("result %d message %q", i, got.Message.Text)
		}
		if len(got.PartialFingerprints["ekspodsecFinding/v1"]) != 32 {
			t.Errorf("result %d fingerprints %v", i, got.PartialFingerprints)
		}
	}
	byRule := map[string]sarifResult{}
	for _, x := range res {
		byRule[x.RuleID] = x
	}
	if x := byRule["EPS001"]; x.Level != "error" || x.Kind != "" || !strings.Contains(x.Message.Text, ", container app, spec[0]") {
		t.Errorf("critical failure: %+v", x)
	}
	if x := byRule["EPS020"]; x.Level != "note" {
		t.Errorf("low failure: level %s", x.Level)
	}
	if x := byRule["EPS005"]; x.Kind != "review" || !strings.HasPrefix(x.Message.Text, "Unknown until apply: ") {
		t.Errorf("unknown: kind %q message %q", x.Kind, x.Message.Text)
	}
	if x := byRule["EPS008"]; len(x.Suppressions) != 1 || x.Suppressions[0].Kind != "external" || x.Suppressions[0].Status != "accepted" ||
		x.Suppressions[0].Justification != "CI runner, reviewed (.ekspodsec.hcl:3)" {
		t.Errorf("waived: suppressions %+v", x.Suppressions)
	}
	for _, id := range []string{"EPS001", "EPS005", "EPS020"} {
		if len(byRule[id].Suppressions) != 0 {
			t.Errorf("%s: a suppression without a waiver", id)
		}
	}
}

// TestSARIFEdges: a waiver from the annotation is an in-source suppression with nothing
// but its kind, status and justification; a file without a line starts at line 1; a
// file name a URI cannot hold raw is percent-encoded; a rule the report does not
// describe gets no index.
func TestSARIFEdges(t *testing.T) {
	r := sampleReport()
	r.Findings = r.Findings[1:2] // the critical one, at main.tf:20
	r.Findings[0].Status = finding.Waived
	r.Findings[0].Waiver = &finding.Waiver{Reason: "node agent", Source: "annotation ekspodsec.io/waive"}
	r.Findings[0].Line = 0
	r.Findings[0].File = "modules/my pods/100%.tf"
	out := write(t, "sarif", r, Options{})
	if strings.Contains(out, "null") {
		t.Errorf("a null member:\n%s", out)
	}
	x := readSARIF(t, r).Runs[0].Results[0]
	if len(x.Suppressions) != 1 || x.Suppressions[0].Kind != "inSource" || x.Suppressions[0].Justification != "node agent (annotation ekspodsec.io/waive)" {
		t.Errorf("annotation waiver: %+v", x.Suppressions)
	}
	if p := x.Locations[0].PhysicalLocation; p == nil || p.Region.StartLine != 1 || p.ArtifactLocation.URI != "modules/my%20pods/100%25.tf" {
		t.Errorf("file without a line: %+v", p)
	}
	r.Rules = nil
	if x := readSARIF(t, r).Runs[0].Results[0]; x.RuleIndex != nil || x.RuleID != "EPS001" {
		t.Errorf("without rules: rule %s, index %v", x.RuleID, x.RuleIndex)
	}
}

// TestSARIFFingerprint: a finding keeps its fingerprint when only its line or its
// message moves, and gets another when it is on another container, field, resource or
// rule, so code scanning follows findings across runs.
func TestSARIFFingerprint(t *testing.T) {
	base := sampleReport().Findings[1]
	same := base
	same.Line, same.File, same.Message, same.Severity = 99, "other.tf", "reworded", finding.High
	if fingerprint(same) != fingerprint(base) {
		t.Error("the fingerprint depends on the line, the file, the message or the severity")
	}
	for name, change := range map[string]func(*finding.Finding){
		"container": func(f *finding.Finding) { f.Container = "sidecar" },
		"path":      func(f *finding.Finding) { f.K8sPath += "x" },
		"address":   func(f *finding.Finding) { f.Address += "2" },
		"rule":      func(f *finding.Finding) { f.RuleID = "EPS002" },
	} {
		other := base
		change(&other)
		if fingerprint(other) == fingerprint(base) {
			t.Errorf("another %s, the same fingerprint", name)
		}
	}
}

func TestRuleName(t *testing.T) {
	for in, want := range map[string]string{
		"Privileged container":                  "PrivilegedContainer",
		"hostPath volume (read-write)":          "HostPathVolumeReadWrite",
		"Capabilities not dropped: ALL":         "CapabilitiesNotDroppedALL",
		"Seccomp profile unset or 'Unconfined'": "SeccompProfileUnsetOrUnconfined",
		"":                                      "",
	} {
		if got := ruleName(in); got != want {
			t.Errorf("ruleName(%q) = %q, want %q", in, got, want)
		}
	}
}
