package plan

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// readAll is what plan-check does with a plan: both passes, each object dropped once seen.
func readAll(tb testing.TB, data []byte) int {
	p, err := Parse(data)
	if err != nil {
		tb.Fatal(err)
	}
	inv, pending, err := NewReader().ReadContext(p)
	if err != nil {
		tb.Fatal(err)
	}
	n := len(inv.Objects)
	if err := pending.Each(func(*Object) error { n++; return nil }); err != nil {
		tb.Fatal(err)
	}
	return n
}

func benchRead(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		readAll(b, data)
	}
}

// The Linear benchmarks read one shape at two sizes a hundred times apart: a linear reader
// takes a hundred times longer on the larger (compare ns/op, or MB/s which stays flat).
func BenchmarkLinearContainerArgs(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		data := plantest.ContainerArgs(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchRead(b, data) })
	}
}

func BenchmarkLinearSensitiveLabels(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		data := plantest.SensitiveLabels(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchRead(b, data) })
	}
}

func BenchmarkLinearTypedContainers(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		data := plantest.TypedPodContainers(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchRead(b, data) })
	}
}

func BenchmarkLinearManifestContainers(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		data := plantest.ManifestContainers(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchRead(b, data) })
	}
}

func BenchmarkLinearUnknownEnv(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		data := plantest.UnknownEnv(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchRead(b, data) })
	}
}

func BenchmarkLinearKubectlDocuments(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		data := plantest.KubectlDocuments(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchRead(b, data) })
	}
}

// BenchmarkParse is the scanner alone on the 1k-workload plan.
func BenchmarkParse(b *testing.B) {
	data := plantest.LargePlan(1000, 10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTape is the tape alone on one resource change of the large plan.
func BenchmarkTape(b *testing.B) {
	p, err := Parse(plantest.LargePlan(1, 1))
	if err != nil {
		b.Fatal(err)
	}
	raw := p.raw(0)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	var t tape
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := t.parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPeakHeap reports the peak heap of reading (both passes, objects dropped as
// they come) generated plans: peak-heap-MB is the largest heap seen (live data and
// garbage not yet collected), peak-live-MB the largest live heap after a collection.
func BenchmarkPeakHeap(b *testing.B) {
	for _, c := range []struct {
		name string
		gen  func() []byte
	}{
		{"kubectl-1e5-docs", func() []byte { return plantest.KubectlDocuments(100000) }},
		{"kubectl-1e5-resources", func() []byte { return plantest.KubectlManifests(100000) }},
		{"manifest-pod-20k-containers", func() []byte { return plantest.ManifestContainers(20000) }},
		{"typed-pod-20k-containers", func() []byte { return plantest.TypedPodContainers(20000) }},
		{"typed-10k-deployments", func() []byte { return plantest.LargePlan(10000, 10) }},
	} {
		data := c.gen()
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var heap, live uint64
			for i := 0; i < b.N; i++ {
				h, l := peakHeap(func() { readAll(b, data) })
				heap, live = max(heap, h), max(live, l)
			}
			b.ReportMetric(float64(len(data))/1e6, "plan-MB")
			b.ReportMetric(float64(heap)/1e6, "peak-heap-MB")
			b.ReportMetric(float64(live)/1e6, "peak-live-MB")
		})
	}
}

// peakHeap runs fn while sampling the heap every 100µs; the plan itself is counted.
func peakHeap(fn func()) (heap, live uint64) {
	runtime.GC()
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			heap, live = max(heap, samples[0].Value.Uint64()), max(live, samples[1].Value.Uint64())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	runtime.GC()
	close(stop)
	wg.Wait()
	return heap, live
}
