package plancheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// The benchmarks of make bench: plan-check over plans written as Terraform writes them
// (plantest.Presets: every resource in the configuration section, for_each modules, a mix
// of kinds), side by side with a bare generic decode of the same bytes (encoding/json into
// any), the bar plan-check is held to. Compare MB/s and B/op; benchstat before/after.

var benchPlans = map[string][]byte{}

func benchPlan(name string) []byte {
	if p, ok := benchPlans[name]; ok {
		return p
	}
	p := plantest.Realistic(plantest.Presets[name])
	benchPlans[name] = p
	return p
}

// cpuTime is the process's user and system CPU time so far (garbage collection workers
// included): on a shared machine it varies far less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op, the CPU time per op since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func benchCheck(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	var findings int
	for i := 0; i < b.N; i++ {
		// As the CLI runs: findings in the compact table.
		rep, err := Check(data, Options{Gate: report.Gate{FailOn: finding.High}, Compact: true})
		if err != nil {
			b.Fatal(err)
		}
		findings = rep.NumFindings()
	}
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(len(data))/1e6, "plan-MB")
}

func benchDecodeAny(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for i := 0; i < b.N; i++ {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanCheck is plan-check on the deployments (~23 MB) and mix (~32 MB) presets.
func BenchmarkPlanCheck(b *testing.B) {
	for _, name := range []string{"deployments", "mix"} {
		b.Run(name, func(b *testing.B) { benchCheck(b, benchPlan(name)) })
	}
}

// BenchmarkGenericDecode is encoding/json into any on the same plans.
func BenchmarkGenericDecode(b *testing.B) {
	for _, name := range []string{"deployments", "mix"} {
		b.Run(name, func(b *testing.B) { benchDecodeAny(b, benchPlan(name)) })
	}
}

// BenchmarkPlanCheckWorst is the all-violating ~200 MB plan (every kind, every group from
// the violating fixture).
func BenchmarkPlanCheckWorst(b *testing.B) { benchCheck(b, benchPlan("worst")) }

// BenchmarkPlanCheckScale shows cost linear in the number of workloads: MB/s stays flat
// from 1,000 to 20,000 Deployments (the deployments preset's shape).
func BenchmarkPlanCheckScale(b *testing.B) {
	for _, n := range []int{1000, 20000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			o := plantest.Presets["deployments"]
			o.N = n
			benchCheck(b, plantest.Realistic(o))
		})
	}
}

// TestRealisticPlanShape makes sure the generated plans are judged like the real plans
// they copy: per kind, the compliant and the violating group get the findings (rule,
// container) of their fixture plan's resources, under their suffixed addresses.
func TestRealisticPlanShape(t *testing.T) {
	fixtures := map[string]string{
		"deployment": "deployment_v1", "daemonset": "daemon_set_v1", "statefulset": "stateful_set_v1",
		"pod": "pod_v1", "cronjob": "cron_job_v1", "job": "job_v1", "rbac": "rbac",
		"namespace": "namespace_policy", "manifest": "stub_manifest",
	}
	for kind, fix := range fixtures {
		t.Run(kind, func(t *testing.T) {
			data := plantest.Realistic(plantest.RealisticOptions{N: 2, Kinds: []string{kind}, Violating: 0.5})
			got := findingsBy(t, data, func(a string) string {
				// kubernetes_role_v1.reader_00001 → kubernetes_role_v1.reader, and the group
				for _, g := range []string{"_00000", "_00001"} {
					if strings.HasSuffix(a, g) {
						return strings.TrimSuffix(a, g) + map[string]string{"_00000": " compliant", "_00001": " violating"}[g]
					}
				}
				return a
			})
			want := map[string][]string{}
			for _, v := range []string{"compliant", "violating"} {
				for a, fs := range findingsBy(t, fixturePlan(t, fix+"_"+v), func(a string) string { return a + " " + v }) {
					want[a] = fs
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("findings by resource:\n got %v\nwant %v", got, want)
			}
			if len(want) == 0 {
				t.Fatal("the fixtures have no findings: nothing compared")
			}
		})
	}
}

// TestRealisticKubectl checks the kubectl kind: the stub_manifest fixture's Deployment
// written as a kubectl_manifest gets the kubernetes_manifest's findings.
func TestRealisticKubectl(t *testing.T) {
	data := plantest.Realistic(plantest.RealisticOptions{N: 2, Kinds: []string{"kubectl"}, Violating: 0.5})
	got := findingsBy(t, data, func(a string) string { return a })
	want := map[string][]string{}
	for _, v := range []string{"compliant", "violating"} {
		fs := findingsBy(t, fixturePlan(t, "stub_manifest_"+v), func(a string) string { return a })
		sfx := map[string]string{"compliant": "_00000", "violating": "_00001"}[v]
		if d, ok := fs["kubernetes_manifest.deployment"]; ok {
			want["kubectl_manifest.deployment"+sfx] = d
		}
	}
	if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings by resource:\n got %v\nwant %v", got, want)
	}
}

// findingsBy lists each resource's findings (rule and container), sorted, by key(address).
// The generator suffixes the fixtures' object names wherever the whole string appears: a
// container named like its object ("migrate") is compared without the suffix.
func findingsBy(t *testing.T, data []byte, key func(string) string) map[string][]string {
	t.Helper()
	rep, err := Check(data, Options{Gate: report.Gate{FailOn: finding.High}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, f := range rep.Findings {
		k := key(f.Address)
		c := strings.TrimSuffix(strings.TrimSuffix(f.Container, "-00000"), "-00001")
		out[k] = append(out[k], f.RuleID+"/"+c+"/"+string(f.Status))
	}
	for _, fs := range out {
		sort.Strings(fs)
	}
	return out
}

func fixturePlan(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "plans", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
