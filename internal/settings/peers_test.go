package settings

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// TestPeerIDs: a rule block or waiver written with another tool's ID applies to the EPS
// rules that cover it, with a note that says so; a check no rule covers, or an ID nobody
// knows, is an error naming the file and line.
func TestPeerIDs(t *testing.T) {
	s, err := Parse([]byte(`rule "CKV_K8S_16" { severity = "high" }
rule "AVD-KSV-0030" { enabled = false }

waiver {
  rule    = "CKV_K8S_30"
  address = "kubernetes_deployment_v1.legacy"
  reason  = "migrated from Checkov's skip list"
  expires = "2027-06-30"
}
`), ".ekspodsec.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if o := s.Overrides["EPS001"]; o.Severity == nil || *o.Severity != finding.High {
		t.Errorf("CKV_K8S_16 is EPS001's: %+v", s.Overrides)
	}
	if !s.Overrides["EPS016"].Disabled {
		t.Errorf("KSV030 (written AVD-KSV-0030) is EPS016's: %+v", s.Overrides)
	}
	if len(s.Waivers) != 1 || s.Waivers[0].Peer != "CKV_K8S_30" || !reflect.DeepEqual(s.Waivers[0].Rules, []string{"EPS002", "EPS013"}) {
		t.Fatalf("waiver %+v", s.Waivers)
	}
	notes := strings.Join(s.Notes, "\n")
	for _, want := range []string{
		`.ekspodsec.hcl:1: rule "CKV_K8S_16": Checkov's CKV_K8S_16 (Do not admit privileged containers) is applied to EPS001`,
		`rule "AVD-KSV-0030": Trivy's KSV030`,
		"waiver .ekspodsec.hcl:4: Checkov's CKV_K8S_30 (Apply security context to your pods and containers) is applied to EPS002, EPS013",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	fs := []finding.Finding{
		{RuleID: "EPS002", Status: finding.Fail, Address: "kubernetes_deployment_v1.legacy"},
		{RuleID: "EPS013", Status: finding.Fail, Address: "kubernetes_deployment_v1.legacy"},
		{RuleID: "EPS001", Status: finding.Fail, Address: "kubernetes_deployment_v1.legacy"},
	}
	applied := s.Apply(fs, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if fs[0].Status != finding.Waived || fs[1].Status != finding.Waived || fs[2].Status != finding.Fail {
		t.Errorf("the peer waiver waives what its EPS rules report, nothing else: %+v", fs)
	}
	if !strings.Contains(strings.Join(applied, "\n"), "is applied to EPS002, EPS013") {
		t.Errorf("Apply must pass the mapping notes to the report: %q", applied)
	}

	for name, tc := range map[string]struct{ src, want string }{
		"not covered": {"rule \"CKV_K8S_34\" { enabled = false }\n",
			`.ekspodsec.hcl:1: rule "CKV_K8S_34" is Checkov's "Ensure that Tiller (Helm v2) is not deployed", which no EPS rule covers: Helm v2's Tiller`},
		"unknown peer": {"rule \"CKV_K8S_999\" { enabled = false }\n", `.ekspodsec.hcl:1: rule "CKV_K8S_999" is not in the catalogue (docs/plan-check.md), nor a Checkov, KICS, Trivy`},
		"waiver not covered": {"waiver {\n  rule = \"KSV020\"\n  address = \"x\"\n  reason = \"r\"\n  expires = \"2027-01-01\"\n}\n",
			`.ekspodsec.hcl:1: waiver rule "KSV020" is Trivy's "Runs with UID <= 10000", which no EPS rule covers`},
	} {
		if _, err := Parse([]byte(tc.src), ".ekspodsec.hcl"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
}

// TestEnableRule: enabled = true turns on a rule that is off by default; enabled = false
// turns any rule off.
func TestEnableRule(t *testing.T) {
	s, err := Parse([]byte("rule \"EPS001\" { enabled = true }\nrule \"EPS002\" { enabled = false }\n"), "s.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if o := s.Overrides["EPS001"]; !o.Enabled || o.Disabled {
		t.Errorf("EPS001 %+v", o)
	}
	if o := s.Overrides["EPS002"]; o.Enabled || !o.Disabled {
		t.Errorf("EPS002 %+v", o)
	}
}
