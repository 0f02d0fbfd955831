package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// TestSoftLimitDoesNotThrash holds a live heap far above the starting limit and allocates
// garbage: a fixed limit would collect on almost every allocation; the soft one rises
// after the first collections, so their number stays near what GOGC=100 gives.
func TestSoftLimitDoesNotThrash(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	stop := startSoftLimit(4 << 20)
	live := make([][]*int, 0, 4096)
	for i := 0; i < 4096; i++ { // 64 MiB of scannable live heap
		live = append(live, make([]*int, 2048))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gcs := ms.NumGC
	var sink []byte
	for i := 0; i < 16384; i++ { // 1 GiB of garbage
		sink = make([]byte, 64<<10)
	}
	_ = sink
	runtime.ReadMemStats(&ms)
	n := ms.NumGC - gcs
	raised := debug.SetMemoryLimit(-1)
	stop()
	runtime.KeepAlive(live)
	// GOGC=100 alone would collect about 1 GiB / 64 MiB = 16 times; a limit stuck at
	// 4 MiB, once per allocation (16,384).
	t.Logf("%d collections, limit %d", n, raised)
	if n > 200 {
		t.Errorf("%d collections for 1 GiB of garbage over a 64 MiB live heap: the limit thrashes", n)
	}
	if raised < 64<<20 {
		t.Errorf("limit %d: not raised above the live heap", raised)
	}
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after stop = %d, want the one before (%d)", got, before)
	}
}
