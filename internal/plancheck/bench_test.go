package plancheck

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// TestLargePlanShape makes sure the benchmark's generated plan is judged like the real
// plan it copies: every workload gets the violating deployment's findings.
func TestLargePlanShape(t *testing.T) {
	rep, err := Check(plantest.LargePlan(3, 1), Options{Gate: report.Gate{FailOn: finding.High}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Objects != 3 || rep.Resources != 3 {
		t.Fatalf("objects %d resources %d, want 3 and 3", rep.Objects, rep.Resources)
	}
	per := map[string]int{}
	for _, f := range rep.Findings {
		per[f.Address]++
	}
	if len(per) != 3 {
		t.Fatalf("findings for %d addresses, want 3: %v", len(per), per)
	}
	want := per[`module.apps.kubernetes_deployment_v1.app["svc-0"]`]
	for a, n := range per {
		if n != want || n < 20 {
			t.Errorf("%s: %d findings, want %d (and at least 20)", a, n, want)
		}
	}
}

// TestLargePlanMix checks the mixed benchmark plan: one workload in ten violates.
func TestLargePlanMix(t *testing.T) {
	rep, err := Check(plantest.LargePlan(20, 10), Options{Gate: report.Gate{FailOn: finding.High}})
	if err != nil {
		t.Fatal(err)
	}
	failing := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Status == finding.Fail && f.Severity >= finding.Medium {
			failing[f.Address] = true
		}
	}
	if len(failing) != 2 || !failing[`module.apps.kubernetes_deployment_v1.app["svc-0"]`] || !failing[`module.apps.kubernetes_deployment_v1.app["svc-10"]`] {
		t.Fatalf("failing workloads = %v, want svc-0 and svc-10", failing)
	}
}
