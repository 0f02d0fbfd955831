package cli

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// A plan-check run holds the plan's bytes for the whole check: a large block without
// pointers, which costs the garbage collector nothing to mark but which the default
// pacing (GOGC=100) doubles, letting as much garbage pile up as the plan is large. A
// memory limit near twice the plan keeps the process near its target (peak RSS at most
// twice the plan plus 64 MB, the binary's own pages included), but a fixed limit thrashes
// once the live heap itself comes near it: every allocation then triggers a collection
// (a plan of 100,000 kubectl documents took 42 s where it takes 2). So the limit is soft:
// after every collection it is raised, when needed, to the live heap plus room for at
// least as much new allocation as the scannable heap, so that a collection never costs
// more per byte allocated than with GOGC=100 (the collector's work is the scannable heap;
// the plan's bytes are not scanned).

// softLimitFloor is the least room the soft limit leaves above the live heap.
const softLimitFloor = 8 << 20

// planMemoryLimit is the memory limit a run starts with for a plan of n bytes: twice the
// plan and 16 MiB (the binary's mapped pages, about 40 MB, are outside the Go runtime's
// accounting but inside peak RSS).
func planMemoryLimit(n int) int64 { return 2*int64(n) + 16<<20 }

// softLimit is one run's memory limit, raised after each collection when the live heap
// needs it.
type softLimit struct {
	mu      sync.Mutex
	limit   int64
	prev    int64
	done    bool
	samples []metrics.Sample
}

// gcSentinel is garbage from the moment it is made: its finalizer runs after the next
// collection (it holds a pointer, so it is never batched with other tiny objects).
type gcSentinel struct{ s *softLimit }

// startSoftLimit sets the memory limit to limit and keeps it soft until stop is called,
// which restores the limit there was before.
func startSoftLimit(limit int64) (stop func()) {
	s := &softLimit{limit: limit, samples: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/scan/heap:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}}
	s.prev = debug.SetMemoryLimit(limit)
	s.arm()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.done = true
		debug.SetMemoryLimit(s.prev)
	}
}

func (s *softLimit) arm() {
	runtime.SetFinalizer(&gcSentinel{s: s}, func(g *gcSentinel) { g.s.afterGC() })
}

// afterGC raises the limit when the live heap leaves less room than the scannable heap
// (at least softLimitFloor), then waits for the next collection.
func (s *softLimit) afterGC() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	if need := s.need(); need > s.limit {
		s.limit = need
		debug.SetMemoryLimit(need)
	}
	s.arm()
}

// need is the limit that leaves the live heap room: live heap (and an eighth for
// fragmentation), the room, and the runtime's memory outside the heap.
func (s *softLimit) need() int64 {
	metrics.Read(s.samples)
	v := make([]int64, len(s.samples))
	for i, m := range s.samples {
		if m.Value.Kind() == metrics.KindUint64 {
			v[i] = int64(m.Value.Uint64())
		}
	}
	live, scan := v[0], v[1]
	if scan <= 0 {
		scan = live
	}
	nonHeap := v[2] - v[3] - v[4] - v[5] - v[6]
	return live + scan/8 + max(scan, softLimitFloor) + max(nonHeap, 0)
}
