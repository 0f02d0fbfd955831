package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// panicWriter fails the way a bug would, with a value that must never be printed
// (values can carry plan data) or with a runtime error (whose text is safe).
type panicWriter struct{ runtime bool }

func (p panicWriter) Write([]byte) (int, error) {
	if p.runtime {
		var m map[string]int
		//lint:ignore SA5000 the test needs a real runtime error
		m["x"]++
	}
	panic("s3cr3t value from a plan")
}

// TestRunNeverTraces: a panic anywhere in a command is exit 2 with one line that asks
// for a report, says what failed when it is a runtime error, and never prints an
// arbitrary panic value or a stack.
func TestRunNeverTraces(t *testing.T) {
	plan := filepath.Join(fixtures, "pod_v1_violating.json")
	for _, rt := range []bool{false, true} {
		var errb bytes.Buffer
		code := Run(context.Background(), []string{"plan-check", "--source", "", plan}, Stdio{In: strings.NewReader(""), Out: panicWriter{rt}, Err: &errb})
		errs := errb.String()
		if code != ExitUsage || !strings.HasPrefix(errs, "plan-check: internal error, please report") || strings.Count(errs, "\n") != 1 {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
		if strings.Contains(errs, "s3cr3t") || strings.Contains(errs, "goroutine") {
			t.Errorf("stderr prints the panic value or a trace: %q", errs)
		}
		if rt != strings.Contains(errs, "assignment to entry in nil map") {
			t.Errorf("runtime error shown: %v, want %v: %q", !rt, rt, errs)
		}
	}
	var errb bytes.Buffer
	if code := Run(context.Background(), []string{"render", "psp", "--kubernetes-version", "1.24"}, Stdio{Out: panicWriter{}, Err: &errb}); code != ExitUsage || !strings.HasPrefix(errb.String(), "render: internal error") {
		t.Errorf("render: exit %d, stderr %q", code, errb.String())
	}
}
