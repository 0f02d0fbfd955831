package crash

import (
	"errors"
	"strings"
	"testing"
)

func indexPastEnd(s []int, i int) int { return s[i] }

func TestGuard(t *testing.T) {
	if err := Guard("x", func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	plain := errors.New("plain")
	if err := Guard("x", func() error { return plain }); err != plain {
		t.Fatalf("error not passed through: %v", err)
	}

	err := Guard("kubernetes_pod_v1.web", func() error { indexPastEnd([]int{1}, 3); return nil })
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("%T %v", err, err)
	}
	msg := err.Error()
	for _, want := range []string{"internal error, please report", "kubernetes_pod_v1.web", "index out of range [3] with length 1", "crash/crash_test.go:"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine") {
		t.Errorf("not one line: %q", msg)
	}
}

// TestNeverPrintsThePanicValue: a value that is not a runtime error (a string, an error
// built from input) is never printed.
func TestNeverPrintsThePanicValue(t *testing.T) {
	for _, v := range []any{"s3cr3t value", errors.New("s3cr3t error"), 42, struct{ S string }{"s3cr3t"}} {
		err := Guard("", func() error { panic(v) })
		if err == nil || strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "42") {
			t.Errorf("panic(%v) printed as %q", v, err)
		}
		if !strings.HasPrefix(err.Error(), "internal error, please report") {
			t.Errorf("%q", err)
		}
	}
}

// TestNested: the innermost Guard names the address; an outer one keeps it.
func TestNested(t *testing.T) {
	err := Guard("outer", func() error {
		inner := Guard("inner", func() error { var m map[string]int; m["a"] = 1; return nil }) //lint:ignore SA5000 a nil-map write is the panic under test
		panic(inner)
	})
	if err == nil || !strings.Contains(err.Error(), "inner") || strings.Contains(err.Error(), "outer") {
		t.Errorf("%v", err)
	}
}
