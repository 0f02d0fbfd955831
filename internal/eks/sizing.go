package eks

import (
	"fmt"
	"math"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Fargate sizing, as the EKS user guide describes it ("Understand Fargate Pod
// configuration details", https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html):
//
//   - the largest request of any init container is the init request;
//   - the requests of all long-running containers are added up;
//   - the larger of the two is the pod's request;
//   - Fargate adds 256 MB of memory for kubelet, kube-proxy and containerd;
//   - the result rounds up to the closest vCPU/memory combination below;
//   - a pod that requests nothing gets the smallest, 0.25 vCPU and 0.5 GB.
//
// GB here are GiB (0.5 GB = 512 MiB), as Fargate bills them.

// Size is a Fargate compute configuration.
type Size struct {
	// MilliCPU is the vCPU count in thousandths (250 = 0.25 vCPU).
	MilliCPU int64
	// MemoryMiB is the memory in MiB (512 = 0.5 GB).
	MemoryMiB int64
}

func (s Size) String() string {
	return fmt.Sprintf("%s vCPU / %s GB", trim(float64(s.MilliCPU)/1000), trim(float64(s.MemoryMiB)/1024))
}

func trim(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// FargateOverheadMiB is the memory Fargate adds to every pod.
const FargateOverheadMiB = 256

// fargateSizes lists every vCPU/memory combination Fargate offers, smallest first.
func fargateSizes() []Size {
	var out []Size
	add := func(milli int64, fromGiB, toGiB, stepGiB float64) {
		for g := fromGiB; g <= toGiB+1e-9; g += stepGiB {
			out = append(out, Size{MilliCPU: milli, MemoryMiB: int64(g * 1024)})
		}
	}
	out = append(out, Size{250, 512}, Size{250, 1024}, Size{250, 2048})
	add(500, 1, 4, 1)
	add(1000, 2, 8, 1)
	add(2000, 4, 16, 1)
	add(4000, 8, 30, 1)
	add(8000, 16, 60, 4)
	add(16000, 32, 120, 8)
	return out
}

// FargateSize rounds a pod's request (plus Fargate's 256 MB) up to the smallest
// configuration that holds it. ok is false when the pod needs more than Fargate's
// largest configuration (16 vCPU, 120 GB).
//
// Any int64 is sized: a huge request (PodRequest saturates at math.MaxInt64) is too large,
// never wrapped around into a small one; a negative one counts as nothing.
func FargateSize(milliCPU, memoryBytes int64) (Size, bool) {
	milliCPU, memoryBytes = max(milliCPU, 0), max(memoryBytes, 0)
	needMiB := MiB(memoryBytes) + FargateOverheadMiB
	if milliCPU == 0 && memoryBytes == 0 {
		needMiB = 0 // nothing requested: the smallest configuration
	}
	for _, s := range fargateSizes() {
		if s.MilliCPU >= milliCPU && s.MemoryMiB >= needMiB {
			return s, true
		}
	}
	return Size{}, false
}

// MiB is bytes in MiB, rounded up, without overflow (a negative count is 0).
func MiB(bytes int64) int64 {
	if bytes <= 0 {
		return 0
	}
	mib := bytes >> 20
	if bytes&(1<<20-1) != 0 {
		mib++
	}
	return mib
}

var (
	maxBytes = resource.NewQuantity(math.MaxInt64, resource.BinarySI)
	maxMilli = resource.NewMilliQuantity(math.MaxInt64, resource.DecimalSI)
)

// MilliValue is q in thousandths, rounded up, saturating at math.MaxInt64 instead of
// wrapping around (resource.Quantity.MilliValue of 1e19 is negative); a negative
// quantity is 0.
func MilliValue(q resource.Quantity) int64 {
	switch {
	case q.Sign() <= 0:
		return 0
	case huge(q) || q.Cmp(*maxMilli) > 0:
		return math.MaxInt64
	}
	return q.MilliValue()
}

// Value is q rounded up, saturating at math.MaxInt64 instead of wrapping around
// (resource.Quantity.Value of 1e19 is 0); a negative quantity is 0.
func Value(q resource.Quantity) int64 {
	switch {
	case q.Sign() <= 0:
		return 0
	case huge(q) || q.Cmp(*maxBytes) > 0:
		return math.MaxInt64
	}
	return q.Value()
}

// huge reports whether a positive q is far beyond math.MaxInt64 (10^20 or more), from
// its digits and exponent as a float: comparing it with a limit would multiply out the
// power of ten (1E20600000 took seconds). Below 10^20 the exact comparison is cheap.
func huge(q resource.Quantity) bool {
	return q.AsApproximateFloat64() >= 1e20
}

// addSat is a+b for non-negative a and b, saturating at math.MaxInt64.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// PodRequest is a pod's request as Fargate computes it: the larger of the largest init
// container request and the sum of the long-running containers (sidecars, init
// containers with restartPolicy Always, count as long-running). A container's limit
// stands in for a missing request (the API server copies it). The sums saturate at
// math.MaxInt64: a pod that asks for more than int64 holds is too large, never small.
func PodRequest(spec *corev1.PodSpec) (milliCPU, memoryBytes int64) {
	req := func(c *corev1.Container, name corev1.ResourceName) *resource.Quantity {
		if q, ok := c.Resources.Requests[name]; ok {
			return &q
		}
		if q, ok := c.Resources.Limits[name]; ok {
			return &q
		}
		return nil
	}
	var runCPU, runMem, initCPU, initMem int64
	for i := range spec.Containers {
		if q := req(&spec.Containers[i], corev1.ResourceCPU); q != nil {
			runCPU = addSat(runCPU, MilliValue(*q))
		}
		if q := req(&spec.Containers[i], corev1.ResourceMemory); q != nil {
			runMem = addSat(runMem, Value(*q))
		}
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		sidecar := c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
		cpu, mem := int64(0), int64(0)
		if q := req(c, corev1.ResourceCPU); q != nil {
			cpu = MilliValue(*q)
		}
		if q := req(c, corev1.ResourceMemory); q != nil {
			mem = Value(*q)
		}
		if sidecar {
			runCPU, runMem = addSat(runCPU, cpu), addSat(runMem, mem)
			continue
		}
		initCPU, initMem = max(initCPU, cpu), max(initMem, mem)
	}
	return max(runCPU, initCPU), max(runMem, initMem)
}
