//go:build linux

package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// exitBound is how long a signalled process may take to exit in these tests: a
// liveness bound (the process exits instead of hanging), not a speed claim; the
// process itself allows the work InterruptGrace.
const exitBound = 5 * time.Second

type child struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{}
}

// startChild starts cmd; the test's cleanup kills it (by its pid) if it is still running.
func startChild(t *testing.T, cmd *exec.Cmd) *child {
	t.Helper()
	c := &child{cmd: cmd, done: make(chan struct{})}
	if cmd.Stdout == nil {
		cmd.Stdout = &c.stdout
	}
	cmd.Stderr = &c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			_ = cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

// interrupt sends sig and returns the exit status and how long the exit took.
func (c *child) interrupt(t *testing.T, sig syscall.Signal) (int, time.Duration) {
	t.Helper()
	select {
	case <-c.done:
		t.Fatalf("exited (%d) before the signal; stderr %q", c.cmd.ProcessState.ExitCode(), c.stderr.String())
	default:
	}
	start := time.Now()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.done:
	case <-time.After(4 * exitBound):
		t.Fatalf("still running %v after %v", 4*exitBound, sig)
	}
	return c.cmd.ProcessState.ExitCode(), time.Since(start)
}

func (c *child) expectInterrupted(t *testing.T, sig syscall.Signal) {
	t.Helper()
	code, took := c.interrupt(t, sig)
	want := 128 + int(sig)
	if code != want {
		t.Errorf("exit %d after %v, want %d; stderr %q", code, sig, want, c.stderr.String())
	}
	if took > exitBound {
		t.Errorf("took %v to exit after %v", took, sig)
	}
	errs := c.stderr.String()
	if name := signalName(sig); errs != "terraform-provider-ekspodsec: interrupted ("+name+")\n" {
		t.Errorf("stderr %q, want the one line that says it was interrupted by %s", errs, name)
	}
}

// pipeLen is how many bytes wait in a pipe (FIONREAD).
func pipeLen(t *testing.T, f *os.File) int {
	t.Helper()
	var n int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Fatal(errno)
	}
	return int(n)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var signals = []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}

// TestSignalWhileStdinNeverEnds: a plan read from a stdin that never ends (a blocked
// read the process cannot cancel) still ends with 130 / 143.
func TestSignalWhileStdinNeverEnds(t *testing.T) {
	for _, sig := range signals {
		t.Run(signalName(sig), func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			cmd := exec.Command(binary, "plan-check", "--source", "", "-")
			cmd.Stdin = r
			c := startChild(t, cmd)
			r.Close()
			if _, err := w.Write([]byte("{")); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the plan to be read", func() bool { return pipeLen(t, w) == 0 })
			c.expectInterrupted(t, sig)
		})
	}
}

// TestSignalWhileEKSHangs: an EKS endpoint that accepts and never answers; the
// signal cancels the call.
func TestSignalWhileEKSHangs(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- conn // held open, never answered
		}
	}()
	for _, sig := range signals {
		t.Run(signalName(sig), func(t *testing.T) {
			cmd := exec.Command(binary, "plan-check", "--source", "", "--eks-cluster", "prod", filepath.Join(fixtures, "fargate_violating.json"))
			cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL=http://"+l.Addr().String(), "AWS_REGION=us-east-1",
				"AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_EC2_METADATA_DISABLED=true",
				"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
			c := startChild(t, cmd)
			select {
			case conn := <-accepted:
				defer conn.Close()
			case <-time.After(30 * time.Second):
				t.Fatal("the EKS call never came")
			}
			c.expectInterrupted(t, sig)
		})
	}
}

// TestSignalWhileRenderWrites: render blocked writing to a full pipe nobody reads.
func TestSignalWhileRenderWrites(t *testing.T) {
	args := []string{"render", "rbac", "--policy", "restricted"}
	for i := range 3000 {
		args = append(args, "--namespace", fmt.Sprintf("namespace-%04d", i))
	}
	for _, sig := range signals {
		t.Run(signalName(sig), func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			cmd := exec.Command(binary, args...)
			cmd.Stdout = w
			c := startChild(t, cmd)
			w.Close()
			waitFor(t, "the manifests to be written", func() bool { return pipeLen(t, r) > 0 })
			c.expectInterrupted(t, sig)
		})
	}
}

// TestSignalProvider: the provider server (go-plugin ignores SIGINT on its own) and the
// provider in -debug mode exit on the signal too.
func TestSignalProvider(t *testing.T) {
	for _, debug := range []bool{false, true} {
		for _, sig := range signals {
			t.Run(fmt.Sprintf("debug=%v/%s", debug, signalName(sig)), func(t *testing.T) {
				var cmd *exec.Cmd
				ready := "|grpc"
				if debug {
					cmd = exec.Command(binary, "-debug")
					ready = "TF_REATTACH_PROVIDERS"
				} else {
					cmd = exec.Command(binary)
					cmd.Env = append(os.Environ(), "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
						"PLUGIN_PROTOCOL_VERSIONS=6", "TF_LOG=")
				}
				cmd.Dir = t.TempDir()
				c := startChild(t, cmd)
				waitFor(t, "the server to start", func() bool { return strings.Contains(c.stdout.String(), ready) })
				code, took := c.interrupt(t, sig)
				if code != 128+int(sig) || took > exitBound {
					t.Errorf("exit %d after %v (in %v); stdout %q stderr %q", code, sig, took, c.stdout.String(), c.stderr.String())
				}
			})
		}
	}
}

// procRead is how many bytes a process has read (/proc/PID/io rchar).
func procRead(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "rchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// TestSignalWhileChecking: a signal while a large plan is being judged stops the
// check (the context is checked before each object).
func TestSignalWhileChecking(t *testing.T) {
	plan := filepath.Join(t.TempDir(), "plan.json")
	data := plantest.LargePlan(3000, 1)
	if err := os.WriteFile(plan, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "plan-check", "--source", "", "--format", "json", "--output", os.DevNull, plan)
	c := startChild(t, cmd)
	waitFor(t, "the plan to be read", func() bool {
		select {
		case <-c.done:
			return true
		default:
			return procRead(cmd.Process.Pid) >= int64(len(data))
		}
	})
	select {
	case <-c.done:
		t.Skipf("the check finished (exit %d) before the signal could be sent", cmd.ProcessState.ExitCode())
	default:
	}
	c.expectInterrupted(t, syscall.SIGTERM)
}

// TestProcessExit: Exit gives the work's status, or the signal's once one arrived,
// exactly once.
func TestProcessExit(t *testing.T) {
	var codes []int
	var errb bytes.Buffer
	p := StartProcess(&errb, func(c int) { codes = append(codes, c) }, time.Hour)
	p.Exit(1)
	p.Exit(2)
	if len(codes) != 1 || codes[0] != 1 || errb.Len() != 0 {
		t.Errorf("codes %v, stderr %q", codes, errb.String())
	}

	codes = nil
	p = StartProcess(&errb, func(c int) { codes = append(codes, c) }, time.Hour)
	p.cancel(Interrupt{Signal: syscall.SIGTERM})
	if !isDone(p.Context()) {
		t.Fatal("context not canceled")
	}
	p.Exit(0)
	if len(codes) != 1 || codes[0] != 143 || errb.String() != "terraform-provider-ekspodsec: interrupted (SIGTERM)\n" {
		t.Errorf("codes %v, stderr %q", codes, errb.String())
	}
	if code, ok := interrupted(p.Context()); !ok || code != 143 {
		t.Errorf("interrupted = %d %v", code, ok)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code, ok := interrupted(ctx); !ok || code != ExitInterrupted {
		t.Errorf("plain cancel: %d %v", code, ok)
	}
}

func isDone(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}
