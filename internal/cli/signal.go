package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// ExitInterrupted is the exit status of a run interrupted by SIGINT (128 + 2); SIGTERM
// gives 143 (128 + 15), as shells report a process killed by the signal.
const ExitInterrupted = 130

// InterruptGrace is how long the process lets the work return after SIGINT or SIGTERM
// before it exits anyway: a read from a stdin that never ends, a write to a full pipe or
// a parse cannot hold it longer.
const InterruptGrace = 500 * time.Millisecond

// Interrupt is the cause of a context canceled by a signal.
type Interrupt struct{ Signal os.Signal }

func (i Interrupt) Error() string { return "interrupted by " + signalName(i.Signal) }

// Code is the exit status for the signal: 128 plus its number.
func (i Interrupt) Code() int {
	if s, ok := i.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return ExitInterrupted
}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// interrupted reports whether ctx is done, and the exit status that says so: the
// signal's when a signal canceled it, ExitInterrupted otherwise.
func interrupted(ctx context.Context) (int, bool) {
	if ctx.Err() == nil {
		return 0, false
	}
	var in Interrupt
	if errors.As(context.Cause(ctx), &in) {
		return in.Code(), true
	}
	return ExitInterrupted, true
}

// Process is the binary's lifetime: a context that SIGINT and SIGTERM cancel, and one
// way out (Exit) that turns an interrupted run into exit 128+signal, whether the work
// returned or not.
type Process struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	errw   io.Writer
	exit   func(int)
	once   sync.Once
	sigs   chan os.Signal
	done   chan struct{} // closed by Exit
}

// StartProcess starts watching for SIGINT and SIGTERM. On the first, the context is
// canceled (with an Interrupt as its cause) and, if the work has not called Exit within
// grace, Exit is called anyway; a second signal does not wait. errw receives the one
// line that says the run was interrupted; exit is os.Exit outside tests.
func StartProcess(errw io.Writer, exit func(int), grace time.Duration) *Process {
	ctx, cancel := context.WithCancelCause(context.Background())
	p := &Process{ctx: ctx, cancel: cancel, errw: errw, exit: exit, sigs: make(chan os.Signal, 2), done: make(chan struct{})}
	signal.Notify(p.sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		var sig os.Signal
		select {
		case sig = <-p.sigs:
		case <-p.done:
			return
		}
		in := Interrupt{Signal: sig}
		cancel(in)
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-p.sigs:
		case <-t.C:
		case <-p.done:
			return
		}
		p.Exit(in.Code())
	}()
	return p
}

// Context is canceled by SIGINT or SIGTERM.
func (p *Process) Context() context.Context { return p.ctx }

// Exit ends the process with code or, once a signal has arrived, with the signal's code
// and a line on errw saying so. Only the first call has an effect.
func (p *Process) Exit(code int) {
	p.once.Do(func() {
		var in Interrupt
		if p.ctx.Err() != nil && errors.As(context.Cause(p.ctx), &in) {
			fmt.Fprintf(p.errw, "terraform-provider-ekspodsec: interrupted (%s)\n", signalName(in.Signal))
			code = in.Code()
		}
		signal.Stop(p.sigs)
		close(p.done)
		p.exit(code)
	})
}
