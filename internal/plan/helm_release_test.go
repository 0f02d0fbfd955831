package plan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func helmPlan(t *testing.T, name string) *Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "plancheck", "testdata", "helm", "plans", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHelmReleases(t *testing.T) {
	hrs, err := helmPlan(t, "helm_module_for_each.json").HelmReleases()
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, hr := range hrs {
		addrs = append(addrs, hr.Address)
		if hr.After == nil || hr.Upgrade || hr.Written == nil || !hr.Written["chart"] {
			t.Errorf("%s: after %v upgrade %v written %v", hr.Address, hr.After != nil, hr.Upgrade, hr.Written)
		}
	}
	want := []string{"helm_release.agent[0]", "helm_release.agent[1]", `module.tenant["alpha"].helm_release.this`, `module.tenant["beta"].helm_release.this`}
	slices.Sort(addrs)
	if !slices.Equal(addrs, want) {
		t.Errorf("releases %v, want %v", addrs, want)
	}
	for _, hr := range hrs {
		if strings.HasPrefix(hr.Address, "module.") && (hr.Module != `module.tenant["alpha"]` && hr.Module != `module.tenant["beta"]`) {
			t.Errorf("module %q", hr.Module)
		}
	}
	up, err := helmPlan(t, "helm_upgrade_escalation.json").HelmReleases()
	if err != nil || len(up) != 1 || !up[0].Upgrade {
		t.Errorf("update plan: %+v %v", up, err)
	}
}

func TestSensitiveVariableValues(t *testing.T) {
	got, err := helmPlan(t, "helm_set_sensitive.json").SensitiveVariableValues()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if len(got) != 2 || got[1] != "s3cr3t-build-7f3a9c" || !strings.Contains(got[0], "pw-S3cr3t-4411") {
		t.Errorf("sensitive variables: %d values", len(got))
	}
	none, err := helmPlan(t, "helm_set_overrides.json").SensitiveVariableValues()
	if err != nil || len(none) != 0 {
		t.Errorf("a plan without sensitive variables: %d, %v", len(none), err)
	}
}

func TestModuleCallNames(t *testing.T) {
	for addr, want := range map[string]string{
		"":                                   "",
		"module.a":                           "a",
		`module.a[0].module.b["x.y]z"]`:      "a,b",
		`module.tenant["beta"]`:              "tenant",
		`module.a["k"].module.b.module.c[1]`: "a,b,c",
	} {
		if got := strings.Join(moduleCallNames(addr), ","); got != want {
			t.Errorf("%s: %q, want %q", addr, got, want)
		}
	}
}
