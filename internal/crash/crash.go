// Package crash turns a panic (an internal failure: a bug) into an ordinary error that
// prints as one line, names what was being read, and never carries data from the input.
//
// A panic's value can be anything, a string built from a plan value included, so it is
// printed only when it is a runtime.Error (index out of range, nil map, ...), whose text
// the Go runtime writes from types and integers alone. The stack is never printed: only
// the file and line of the frame that panicked, for the bug report.
package crash

import (
	"fmt"
	"path"
	"runtime"
	"strings"
)

// Error is a recovered panic.
type Error struct {
	// Where is what was being read ("kubernetes_pod_v1.web"); "" when not known.
	Where string
	// Value is the panic's value. Error prints it only when it is a runtime.Error.
	Value any
	// At is the file:line that panicked ("rules/workload.go:120"); "" when not found.
	At string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("internal error, please report")
	if e.Where != "" {
		b.WriteString(" (while reading ")
		b.WriteString(e.Where)
		b.WriteString(")")
	}
	if re, ok := e.Value.(runtime.Error); ok {
		b.WriteString(": ")
		b.WriteString(re.Error())
	}
	if e.At != "" {
		b.WriteString(" at ")
		b.WriteString(e.At)
	}
	return b.String()
}

// Guard runs fn and returns its error, or a *Error naming where when fn panics.
func Guard(where string, fn func() error) (err error) {
	defer Recover(where, &err)
	return fn()
}

// Recover, deferred, turns a panic of the function that deferred it into a *Error in
// *errp. It must be called directly by the deferred statement (defer crash.Recover(...)).
func Recover(where string, errp *error) {
	r := recover()
	if r == nil {
		return
	}
	if ce, ok := r.(*Error); ok {
		*errp = ce
		return
	}
	*errp = &Error{Where: where, Value: r, At: panicSite()}
}

// panicSite finds the frame that panicked: the first one below runtime.gopanic that is
// not the runtime's.
func panicSite() string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case panicking && !strings.HasPrefix(f.Function, "runtime.") && f.File != "":
			return fmt.Sprintf("%s:%d", path.Join(path.Base(path.Dir(f.File)), path.Base(f.File)), f.Line)
		}
		if !more {
			return ""
		}
	}
}
