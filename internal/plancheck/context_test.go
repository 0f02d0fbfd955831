package plancheck

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// cancelAfter is a context whose Err reports cancellation from the n-th call on.
type cancelAfter struct {
	context.Context
	n, calls atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.calls.Add(1) >= c.n.Load() {
		return context.Canceled
	}
	return nil
}
func (c *cancelAfter) Done() <-chan struct{}       { return nil }
func (c *cancelAfter) Deadline() (time.Time, bool) { return time.Time{}, false }

// TestCheckContext: a done context stops the check before the next object, so a signal
// is acted on while a large plan is judged.
func TestCheckContext(t *testing.T) {
	data := plantest.LargePlan(200, 10)
	opts := Options{Gate: report.Gate{FailOn: finding.High}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CheckContext(ctx, data, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled before: %v", err)
	}
	c := &cancelAfter{Context: context.Background()}
	c.n.Store(1 << 40)
	if _, err := CheckContext(c, data, opts); err != nil {
		t.Fatal(err)
	}
	perRun := c.calls.Load()
	if perRun < 200 {
		t.Fatalf("ctx checked %d times for 200 workloads: not per object", perRun)
	}
	// cancelled half way: the check stops there with the context's error
	c = &cancelAfter{Context: context.Background()}
	c.n.Store(perRun / 2)
	if _, err := CheckContext(c, data, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled half way: %v", err)
	}
	if c.calls.Load() != perRun/2 {
		t.Errorf("went on after the cancellation: %d checks, cancelled at %d", c.calls.Load(), perRun/2)
	}
}
