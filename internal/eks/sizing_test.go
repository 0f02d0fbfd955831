package eks

import (
	"math"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestFargateSizeTable(t *testing.T) {
	mi := func(n int64) int64 { return n << 20 }
	gi := func(n float64) int64 { return int64(n * (1 << 30)) }
	cases := []struct {
		cpu  int64
		mem  int64
		want string
		ok   bool
	}{
		{0, 0, "0.25 vCPU / 0.5 GB", true},            // nothing requested: the smallest
		{100, mi(100), "0.25 vCPU / 0.5 GB", true},    // 100Mi + 256Mi fits 0.5 GB
		{250, mi(256), "0.25 vCPU / 0.5 GB", true},    // exactly 512Mi with the overhead
		{250, mi(257), "0.25 vCPU / 1 GB", true},      // one MiB over
		{250, gi(1.75), "0.25 vCPU / 2 GB", true},     // 1.75 GB + 256 MB = 2 GB: the edge of 0.25 vCPU
		{250, gi(1.76), "0.5 vCPU / 3 GB", true},      // over 2 GB: 0.25 vCPU has no more memory
		{251, 0, "0.5 vCPU / 1 GB", true},             // a hair over 0.25 vCPU
		{1000, gi(8), "2 vCPU / 9 GB", true},          // the guide's example: 8 GB + 256 MB needs 2 vCPU
		{1000, gi(7.75), "1 vCPU / 8 GB", true},       // 7.75 GB + 256 MB = 8 GB
		{4000, gi(29.75), "4 vCPU / 30 GB", true},     // the top of 4 vCPU
		{4000, gi(30), "8 vCPU / 32 GB", true},        // then 8 vCPU, in 4 GB steps
		{8000, gi(60), "16 vCPU / 64 GB", true},       // 60 GB + 256 MB: 16 vCPU, 8 GB steps
		{16000, gi(119.75), "16 vCPU / 120 GB", true}, // the largest
		{16000, gi(120), "", false},                   // too big for Fargate
		{16001, 0, "", false},                         // too many vCPU
	}
	for _, c := range cases {
		got, ok := FargateSize(c.cpu, c.mem)
		if ok != c.ok || (ok && got.String() != c.want) {
			t.Errorf("FargateSize(%dm, %d) = %s %v, want %s %v", c.cpu, c.mem, got, ok, c.want, c.ok)
		}
	}
}

func TestPodRequest(t *testing.T) {
	res := func(cpu, mem string, limitsOnly bool) corev1.ResourceRequirements {
		l := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}
		if limitsOnly {
			return corev1.ResourceRequirements{Limits: l}
		}
		return corev1.ResourceRequirements{Requests: l}
	}
	always := corev1.ContainerRestartPolicyAlways
	spec := &corev1.PodSpec{
		InitContainers: []corev1.Container{
			{Name: "migrate", Resources: res("2", "1Gi", false)},
			{Name: "proxy", RestartPolicy: &always, Resources: res("250m", "256Mi", false)},
		},
		Containers: []corev1.Container{
			{Name: "app", Resources: res("500m", "1Gi", false)},
			{Name: "side", Resources: res("250m", "512Mi", true)}, // limits stand in for requests
		},
	}
	cpu, mem := PodRequest(spec)
	// long-running: 500m + 250m + 250m (sidecar) = 1000m, 1Gi + 512Mi + 256Mi; init: 2000m, 1Gi
	if cpu != 2000 || mem != (1<<30)+(512<<20)+(256<<20) {
		t.Errorf("PodRequest = %dm %d", cpu, mem)
	}
}

// TestHugeRequests: requests beyond what int64 milli-CPU or bytes hold saturate and are
// too large for Fargate, never wrapped around into a small size (1e19 bytes once sized
// as 0 MiB, the smallest configuration).
func TestHugeRequests(t *testing.T) {
	for _, q := range []string{"1e19", "99999999999999999999999999Ei", "8Ei", "9223372036854775807", "9.3E", "1e400"} {
		spec := &corev1.PodSpec{Containers: []corev1.Container{
			{Name: "a", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(q), corev1.ResourceMemory: resource.MustParse(q)}}},
			{Name: "b", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(q), corev1.ResourceMemory: resource.MustParse(q)}}},
		}}
		cpu, mem := PodRequest(spec)
		if cpu != math.MaxInt64 || mem != math.MaxInt64 {
			t.Errorf("%s: PodRequest = %d, %d; want both saturated", q, cpu, mem)
		}
		if s, ok := FargateSize(cpu, mem); ok {
			t.Errorf("%s: sized %s", q, s)
		}
		if s, ok := FargateSize(0, mem); ok {
			t.Errorf("%s memory alone: sized %s", q, s)
		}
		if s, ok := FargateSize(cpu, 0); ok {
			t.Errorf("%s CPU alone: sized %s", q, s)
		}
	}
	for _, c := range []struct{ cpu, mem int64 }{{math.MaxInt64, 0}, {0, math.MaxInt64}, {0, math.MaxInt64 - 1<<19}, {math.MaxInt64 / 1000 * 999, 1}} {
		if s, ok := FargateSize(c.cpu, c.mem); ok {
			t.Errorf("FargateSize(%d, %d) = %s", c.cpu, c.mem, s)
		}
	}
	// negative requests (invalid, the API server refuses them) count as nothing
	if s, ok := FargateSize(-5, -1<<40); !ok || s.String() != "0.25 vCPU / 0.5 GB" {
		t.Errorf("negative: %s %v", s, ok)
	}
	neg := &corev1.PodSpec{Containers: []corev1.Container{{Name: "a", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse("-1"), corev1.ResourceMemory: resource.MustParse("-1Gi")}}}}}
	if cpu, mem := PodRequest(neg); cpu != 0 || mem != 0 {
		t.Errorf("negative requests: %d, %d", cpu, mem)
	}
	for in, want := range map[int64]int64{0: 0, -1: 0, 1: 1, 1 << 20: 1, 1<<20 + 1: 2, math.MaxInt64: 1 << 43} {
		if got := MiB(in); got != want {
			t.Errorf("MiB(%d) = %d, want %d", in, got, want)
		}
	}
}

// TestHugeExponents: a quantity with a huge decimal exponent saturates at once (its
// power of ten was multiplied out: 1E20600000 took seconds).
func TestHugeExponents(t *testing.T) {
	for _, s := range []string{"1E20600000", "5e100", "1e20"} {
		q := resource.MustParse(s)
		if MilliValue(q) != math.MaxInt64 || Value(q) != math.MaxInt64 {
			t.Errorf("%s: %d milli, %d", s, MilliValue(q), Value(q))
		}
	}
	for s, want := range map[string]int64{"9e18": 9e18, "1e9": 1e9, "0e99999": 0} {
		if got := Value(resource.MustParse(s)); got != want {
			t.Errorf("Value(%s) = %d, want %d", s, got, want)
		}
	}
}

func FuzzFargateSize(f *testing.F) {
	f.Add(int64(250), int64(512<<20))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64))
	f.Add(int64(-1), int64(math.MinInt64))
	f.Fuzz(func(t *testing.T, cpu, mem int64) {
		s, ok := FargateSize(cpu, mem)
		if !ok {
			if cpu <= 16000 && MiB(mem)+FargateOverheadMiB <= 120<<10 {
				t.Fatalf("FargateSize(%d, %d) refused a request Fargate's largest size holds", cpu, mem)
			}
			return
		}
		if s.MilliCPU < max(cpu, 0) || (mem > 0 && s.MemoryMiB < MiB(mem)+FargateOverheadMiB) || s.MemoryMiB < 512 {
			t.Fatalf("FargateSize(%d, %d) = %+v does not hold the request", cpu, mem, s)
		}
	})
}

func BenchmarkPodRequest(b *testing.B) {
	q := func(s string) resource.Quantity { return resource.MustParse(s) }
	spec := &corev1.PodSpec{Containers: []corev1.Container{
		{Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("250m"), corev1.ResourceMemory: q("512Mi")}}},
		{Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("1"), corev1.ResourceMemory: q("1Gi")}}},
	}}
	b.ReportAllocs()
	for b.Loop() {
		PodRequest(spec)
	}
}
