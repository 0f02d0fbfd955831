package finding

import "testing"

func TestWithoutIndexes(t *testing.T) {
	for in, want := range map[string]string{
		"spec.template.spec.containers[0].securityContext.privileged": "spec.template.spec.containers[].securityContext.privileged",
		"subjects[12]":                       "subjects[]",
		`metadata.annotations["a[1]"]`:       `metadata.annotations["a[1]"]`,
		`metadata.labels["x\"]"].y[3]`:       `metadata.labels["x\"]"].y[]`,
		"spec.volumes[2].hostPath":           "spec.volumes[].hostPath",
		"a[x]":                               "a[x]",
		"a[":                                 "a[",
		"":                                   "",
		"rules[0].verbs[1]":                  "rules[].verbs[]",
		`items[3].spec["(sensitive value)"]`: `items[].spec["(sensitive value)"]`,
	} {
		if got := WithoutIndexes(in); got != want {
			t.Errorf("WithoutIndexes(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFingerprint: a finding keeps its fingerprint whatever its line, file, message,
// severity, status, change, waiver or list indexes; it gets another on another rule,
// address, container or field, and, where an address holds several objects, another
// object.
func TestFingerprint(t *testing.T) {
	base := Finding{RuleID: "EPS001", Address: "kubernetes_deployment_v1.web", Container: "app", Kind: "Deployment", Namespace: "apps", Name: "web",
		K8sPath: "spec.template.spec.containers[0].securityContext.privileged", Message: "m", Severity: Critical, Status: Fail, File: "main.tf", Line: 20}
	same := base
	same.Line, same.File, same.Message, same.Severity, same.Status, same.Change = 99, "other.tf", "reworded", High, Waived, Existing
	same.K8sPath = "spec.template.spec.containers[3].securityContext.privileged"
	same.Waiver = &Waiver{Reason: "r"}
	same.Name = "web-renamed" // one object per address: its name is not part of it
	if Fingerprint(same) != Fingerprint(base) {
		t.Error("the fingerprint depends on what it must not")
	}
	if len(Fingerprint(base)) != 32 {
		t.Errorf("fingerprint %q", Fingerprint(base))
	}
	for name, change := range map[string]func(*Finding){
		"rule":      func(f *Finding) { f.RuleID = "EPS002" },
		"address":   func(f *Finding) { f.Address += "2" },
		"container": func(f *Finding) { f.Container = "sidecar" },
		"field":     func(f *Finding) { f.K8sPath = "spec.template.spec.initContainers[0].securityContext.privileged" },
	} {
		other := base
		change(&other)
		if Fingerprint(other) == Fingerprint(base) {
			t.Errorf("another %s, the same fingerprint", name)
		}
	}
	// the documents of one kubectl_manifest, the objects of one chart: the object counts,
	// the document's position does not
	doc := base
	doc.K8sPath = "(document 2) spec.template.spec.containers[0].securityContext.privileged"
	moved := doc
	moved.K8sPath = "(document 5) spec.template.spec.containers[0].securityContext.privileged"
	if Fingerprint(doc) != Fingerprint(moved) {
		t.Error("a document that moves gets another fingerprint")
	}
	other := doc
	other.Name = "api"
	if Fingerprint(other) == Fingerprint(doc) {
		t.Error("two objects of one address share a fingerprint")
	}
	chart := base
	chart.Template, chart.Chart = "templates/deployment.yaml", "web"
	chart2 := chart
	chart2.Template = "templates/other.yaml"
	if Fingerprint(chart) == Fingerprint(chart2) {
		t.Error("two templates of one chart share a fingerprint")
	}
}
