package plancheck

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
)

// fiftyReleases is a plan of 50 helm_release resources over the fixture charts (local
// paths): 25 node-agent and 25 web releases, each with its own values (a set entry that
// differs per release, some violating), so that every release is its own render; distinct
// says how many of them differ (the others repeat a release, as count or for_each
// instances with the same values do).
func fiftyReleases(t testing.TB, distinct int) []byte {
	agent, _ := filepath.Abs(filepath.Join(helmDir, "charts", "node-agent"))
	web, _ := filepath.Abs(filepath.Join(helmDir, "charts", "web"))
	var rels []testRelease
	for i := 0; i < 50; i++ {
		k := i % distinct
		chart, sets := web, []any{
			map[string]any{"name": "replicaCount", "value": fmt.Sprint(k + 1)},
			map[string]any{"name": "cronjob.enabled", "value": "true"},
			map[string]any{"name": "securityContext.privileged", "value": fmt.Sprint(k%5 == 0)},
		}
		if k%2 == 0 {
			chart, sets = agent, []any{
				map[string]any{"name": "args[0]", "value": fmt.Sprintf("--shard=%d", k)},
				map[string]any{"name": "hostNetwork", "value": fmt.Sprint(k%4 == 0)},
				map[string]any{"name": "hostPaths.varLog.enabled", "value": "true"},
			}
		}
		rels = append(rels, testRelease{name: fmt.Sprintf("r%02d", i), after: map[string]any{
			"chart": chart, "name": fmt.Sprintf("rel-%d", k), "namespace": fmt.Sprintf("ns-%d", k%7), "version": "0.1.0",
			"set": sets, "values": []any{"podAnnotations:\n  team: platform\n"}}})
	}
	return helmTestPlan(t, rels...)
}

// TestFiftyReleasesShape: the benchmark's plan renders every release and finds what its
// values ask for.
func TestFiftyReleasesShape(t *testing.T) {
	rep := checkHelm(t, fiftyReleases(t, 50), nil)
	judged, serviceLinks := map[string]bool{}, map[string]bool{}
	for _, f := range rep.Findings {
		if f.RuleID == "EPS024" {
			// The charts' pods do not set enableServiceLinks: false (info, every release).
			serviceLinks[f.Address] = true
			continue
		}
		judged[f.Address] = true
		if f.RuleID == "EPS021" {
			t.Errorf("%s: %s", f.Address, f.Message)
		}
	}
	// Every agent mounts /var/log; one web release in five is privileged (its Deployment
	// and its CronJob).
	if rep.Objects < 100 || len(judged) != 30 || len(serviceLinks) != 50 || len(findings(rep, "helm_release.r05", "EPS001")) != 2 || len(findings(rep, "helm_release.r04", "EPS010")) != 1 {
		t.Errorf("%d objects, %d releases with findings (%d with EPS024)", rep.Objects, len(judged), len(serviceLinks))
	}
}

// BenchmarkHelm50 measures plan-check on a plan of 50 helm_release resources with local
// charts: 50 distinct (chart, values), with and without tracing origins (the set entry
// behind each field: one more render per input entry), and 50 releases of 10 distinct
// (chart, values) (a render each, the rest from the memo). Charts come from disk: add the
// network's latency for remote charts (each fetched once per run). Run:
// go test -run '^$' -bench Helm50 -benchmem ./internal/plancheck/
func BenchmarkHelm50(b *testing.B) {
	for _, c := range []struct {
		name      string
		distinct  int
		noOrigins bool
	}{{"distinct", 50, false}, {"distinct-no-origins", 50, true}, {"10-distinct", 10, false}} {
		b.Run(c.name, func(b *testing.B) {
			data := fiftyReleases(b, c.distinct)
			cache := b.TempDir()
			b.ReportAllocs()
			var peak uint64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rep, err := Check(data, Options{Gate: report.Gate{FailOn: finding.High},
					Helm: HelmOptions{CacheDir: cache, NoOrigins: c.noOrigins}})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Objects < 100 {
					b.Fatalf("objects = %d", rep.Objects)
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			b.ReportMetric(float64(peak)/(1<<20), "heap-MiB")
		})
	}
}
