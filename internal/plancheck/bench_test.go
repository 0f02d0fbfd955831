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

// BenchmarkCheck10k measures plan-check on a plan of 10,000 workloads, one in ten of them
// with 30 violations (the rest compliant): throughput in MB/s of plan JSON, and
// allocations. Run: make bench.
func BenchmarkCheck10k(b *testing.B) { benchCheck(b, 10000, 10) }

// BenchmarkCheck10kAllViolating is the worst case: 10,000 workloads with 30 findings each.
func BenchmarkCheck10kAllViolating(b *testing.B) { benchCheck(b, 10000, 1) }

// BenchmarkCheck1k shows that cost is linear in the plan's size (compare with 10k).
func BenchmarkCheck1k(b *testing.B) { benchCheck(b, 1000, 10) }

func benchCheck(b *testing.B, n, violatingEvery int) {
	data := plantest.LargePlan(n, violatingEvery)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := Check(data, Options{Gate: report.Gate{FailOn: finding.High}})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Objects != n {
			b.Fatalf("objects = %d", rep.Objects)
		}
	}
	b.ReportMetric(float64(len(data))/1e6, "plan-MB")
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
