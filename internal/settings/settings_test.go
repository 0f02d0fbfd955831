package settings

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

const good = `fail_on = "medium"
allowed_host_paths = ["/var/log"]
rule "EPS020" { severity = "info" }
rule "EPS017" { enabled = false }

waiver {
  rule    = "EPS005"
  address = "module.logging.kubernetes_daemon_set_v1.*"
  reason  = "fluent-bit reads node logs read-only"
  expires = "2027-06-30"
}
`

func TestParse(t *testing.T) {
	s, err := Parse([]byte(good), ".ekspodsec.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if s.FailOn == nil || *s.FailOn != finding.Medium {
		t.Errorf("fail_on %v", s.FailOn)
	}
	if len(s.AllowedHostPaths) != 1 || s.AllowedHostPaths[0].PathPrefix != "/var/log" || !s.AllowedHostPaths[0].ReadOnly {
		t.Errorf("allowed_host_paths %+v", s.AllowedHostPaths)
	}
	if o := s.Overrides["EPS020"]; o.Severity == nil || *o.Severity != finding.Info {
		t.Errorf("EPS020 override %+v", o)
	}
	if !s.Overrides["EPS017"].Disabled {
		t.Error("EPS017 not disabled")
	}
	if len(s.Waivers) != 1 || s.Waivers[0].Source != ".ekspodsec.hcl:6" || s.Waivers[0].Expires.Format("2006-01-02") != "2027-06-30" {
		t.Errorf("waivers %+v", s.Waivers)
	}
}

// TestParseErrors: every mistake is an error with file:line.
func TestParseErrors(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"waiver without reason": {`waiver {
  rule    = "EPS005"
  address = "x"
  expires = "2027-06-30"
}`, ".ekspodsec.hcl:1: waiver needs reason"},
		"empty reason": {`waiver {
  rule    = "EPS005"
  address = "x"
  reason  = "  "
  expires = "2027-06-30"
}`, ".ekspodsec.hcl:4: waiver reason is empty"},
		"bad date": {`waiver {
  rule    = "EPS005"
  address = "x"
  reason  = "r"
  expires = "30/06/2027"
}`, ".ekspodsec.hcl:5: waiver expires \"30/06/2027\" is not a date"},
		"no expiry": {`waiver {
  rule    = "EPS005"
  address = "x"
  reason  = "r"
}`, "waivers must expire"},
		"unknown rule in waiver": {`waiver {
  rule    = "EPS999"
  address = "x"
  reason  = "r"
  expires = "2027-06-30"
}`, ".ekspodsec.hcl:2: waiver rule \"EPS999\" is not in the catalogue"},
		"unknown rule block":   {"rule \"EPS998\" { enabled = false }\n", ".ekspodsec.hcl:1: rule \"EPS998\""},
		"bad severity":         {"rule \"EPS020\" {\n  severity = \"severe\"\n}\n", ".ekspodsec.hcl:1: rule EPS020: unknown severity"},
		"unknown attribute":    {"fail_on = \"high\"\nfailon = \"x\"\n", ".ekspodsec.hcl:2"},
		"syntax error":         {"waiver {\n  rule = \n}\n", ".ekspodsec.hcl:2"},
		"relative host path":   {"allowed_host_paths = [\"var/log\"]\n", "not absolute"},
		"bad fail_on":          {"fail_on = \"severe\"\n", "fail_on"},
		"unknown waiver field": {"waiver {\n  rule = \"EPS005\"\n  address = \"x\"\n  reason = \"r\"\n  expires = \"2027-01-01\"\n  owner = \"me\"\n}\n", ".ekspodsec.hcl:6"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src), ".ekspodsec.hcl")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestApplyWaivers(t *testing.T) {
	s, err := Parse([]byte(`
waiver {
  rule    = "EPS005"
  address = "module.logging.kubernetes_daemon_set_v1.*"
  reason  = "fluent-bit reads node logs read-only"
  expires = "2027-06-30"
}
waiver {
  rule    = "EPS006"
  address = "kubernetes_pod_v1.x"
  reason  = "old"
  expires = "2026-01-31"
}
waiver {
  rule    = "EPS001"
  address = "nothing.matches"
  reason  = "stale"
  expires = "2027-01-01"
}
`), "s.hcl")
	if err != nil {
		t.Fatal(err)
	}
	fs := []finding.Finding{
		{RuleID: "EPS005", Status: finding.Fail, Address: `module.logging.kubernetes_daemon_set_v1.fluent["a"]`},
		{RuleID: "EPS005", Status: finding.Fail, Address: "module.other.kubernetes_daemon_set_v1.fluent"},
		{RuleID: "EPS006", Status: finding.Fail, Address: "kubernetes_pod_v1.x"},
		{RuleID: "EPS006", Status: finding.Unknown, Address: "module.logging.kubernetes_daemon_set_v1.fluent"},
	}
	notes := s.Apply(fs, time.Date(2027, 6, 30, 23, 0, 0, 0, time.UTC))
	if fs[0].Status != finding.Waived || fs[0].Waiver == nil || fs[0].Waiver.Source != "s.hcl:2" || fs[0].Waiver.Reason == "" {
		t.Errorf("glob waiver on its last day: %+v", fs[0])
	}
	if fs[1].Status != finding.Fail || fs[2].Status != finding.Fail || fs[3].Status != finding.Unknown {
		t.Errorf("other findings must keep their status: %+v", fs[1:])
	}
	joined := strings.Join(notes, "\n")
	if !strings.Contains(joined, "s.hcl:8") || !strings.Contains(joined, "expired on 2026-01-31") || !strings.Contains(joined, "s.hcl:14") {
		t.Errorf("notes %q", joined)
	}
	// the day after expiry it no longer applies
	fs[0].Status, fs[0].Waiver = finding.Fail, nil
	s.Apply(fs, time.Date(2027, 7, 1, 0, 0, 1, 0, time.UTC))
	if fs[0].Status != finding.Fail {
		t.Error("an expired waiver applied")
	}
}

func TestKubernetesVersion(t *testing.T) {
	s, err := Parse([]byte(`kubernetes_version = "v1.24.3"`), "x.hcl")
	if err != nil || s.KubernetesVersion != "1.24" {
		t.Fatalf("got %q, %v", s.KubernetesVersion, err)
	}
	if _, err := Parse([]byte(`kubernetes_version = "one"`), "x.hcl"); err == nil || !strings.Contains(err.Error(), "kubernetes_version") {
		t.Fatalf("a bad version must be an error naming the setting: %v", err)
	}
}

// TestHelmBlock: the helm block gives the chart cache (resolved against the settings
// file's directory), offline mode and the request timeout; mistakes name file:line.
func TestHelmBlock(t *testing.T) {
	s, err := Parse([]byte("helm {\n  cache   = \"ci/cache\"\n  offline = true\n  timeout = \"1m30s\"\n}\n"), filepath.Join("repo", "infra", FileName))
	if err != nil {
		t.Fatal(err)
	}
	if s.Helm.CacheDir != filepath.Join("repo", "infra", "ci", "cache") || s.Helm.Offline == nil || !*s.Helm.Offline || s.Helm.Timeout != 90*time.Second {
		t.Errorf("helm block: %+v", s.Helm)
	}
	abs, err := Parse([]byte("helm {\n  cache = \"/var/cache/charts\"\n}\n"), FileName)
	if err != nil || abs.Helm.CacheDir != "/var/cache/charts" || abs.Helm.Offline != nil || abs.Helm.Timeout != 0 {
		t.Errorf("absolute cache: %+v %v", abs.Helm, err)
	}
	none, err := Parse([]byte(`fail_on = "high"`), FileName)
	if err != nil || none.Helm != (Helm{}) {
		t.Errorf("no helm block: %+v %v", none.Helm, err)
	}
	for src, want := range map[string]string{
		"helm {\n  timeout = \"soon\"\n}\n":  FileName + ":1: helm timeout \"soon\" is not a positive duration",
		"helm {\n  timeout = \"0s\"\n}\n":    "is not a positive duration",
		"helm {\n  cache = \" \"\n}\n":       FileName + ":1: helm cache is empty",
		"helm {\n}\nhelm {\n}\n":             FileName + ":3: a second helm block",
		"helm {\n  offline = \"maybe\"\n}\n": FileName + ":2:",
		"helm {\n  registry = \"x\"\n}\n":    FileName + ":2:",
		"helm \"label\" {\n}\n":              FileName + ":1:",
	} {
		if _, err := Parse([]byte(src), FileName); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
}

// TestDiff: `diff = true` (or false) is read; unset is nil; a non-boolean is an error
// with file:line.
func TestDiff(t *testing.T) {
	for src, want := range map[string]string{"diff = true\n": "true", "diff = false\n": "false", "fail_on = \"high\"\n": "unset"} {
		s, err := Parse([]byte(src), FileName)
		if err != nil {
			t.Fatal(err)
		}
		got := "unset"
		if s.Diff != nil {
			got = map[bool]string{true: "true", false: "false"}[*s.Diff]
		}
		if got != want {
			t.Errorf("%q: diff %s, want %s", src, got, want)
		}
	}
	if _, err := Parse([]byte("fail_on = \"high\"\ndiff = \"yes please\"\n"), FileName); err == nil || !strings.Contains(err.Error(), FileName+":2") {
		t.Errorf("a non-boolean diff: %v", err)
	}
}
