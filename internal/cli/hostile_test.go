//go:build linux

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The hostile corpus: testdata/hostile/NAME.expect.json says how to run one hostile
// input through the CLI and what must come out; NAME.json beside it, when there is one,
// is the plan ({plan}). Adding a case is dropping in a file pair (or an expect file
// whose setup builds the input). Fields of NAME.expect.json:
//
//	about       why the input is hostile and what must happen (required)
//	args        the command line; default ["plan-check", "--source", "", "{plan}"];
//	            {plan} is the plan, {dir} a fresh directory holding the setup
//	plan        another plan of the corpus to use as {plan} ("privileged-pod.json")
//	setup       files to create in {dir} first, each {"path": ...} and one of:
//	              "text" (+ "repeat" × "times" + "then"): a file with that content
//	              "symlink": a link to the target ({dir}, {plan} expanded)
//	              "fifo": true: a named pipe; "dir": true: a directory
//	              "plan": true: a copy of the plan
//	formats     run once per format, with --format F appended
//	stdin       text on stdin (in-process runs and the binary)
//	binary      run the built binary instead of cli.Run (needed for cwd, stdin_file,
//	            signal)
//	cwd         the binary's working directory, under {dir}
//	stdin_file  a file to give the binary as stdin (e.g. /dev/zero)
//	signal      "SIGINT" or "SIGTERM": sent once the binary has read the first byte of
//	            a stdin that then never ends
//	exit        the exit status (required)
//	stderr      substrings stderr must hold; stderr is exactly one line for exit 2, 130
//	            and 143, and empty for 0 and 1 unless substrings are given
//	stdout      substrings stdout must hold
//	forbid      strings that must appear in no output: stdout, stderr, or any file
//	            the run wrote in {dir}
type hostileCase struct {
	About     string      `json:"about"`
	Args      []string    `json:"args"`
	Plan      string      `json:"plan"`
	Setup     []setupStep `json:"setup"`
	Formats   []string    `json:"formats"`
	Stdin     string      `json:"stdin"`
	Binary    bool        `json:"binary"`
	Cwd       string      `json:"cwd"`
	StdinFile string      `json:"stdin_file"`
	Signal    string      `json:"signal"`
	Exit      *int        `json:"exit"`
	Stderr    []string    `json:"stderr"`
	Stdout    []string    `json:"stdout"`
	Forbid    []string    `json:"forbid"`
}

type setupStep struct {
	Path    string `json:"path"`
	Text    string `json:"text"`
	Repeat  string `json:"repeat"`
	Times   int    `json:"times"`
	Then    string `json:"then"`
	Symlink string `json:"symlink"`
	FIFO    bool   `json:"fifo"`
	Dir     bool   `json:"dir"`
	Plan    bool   `json:"plan"`
}

const hostileDir = "testdata/hostile"

func TestHostileCorpus(t *testing.T) {
	expects, err := filepath.Glob(filepath.Join(hostileDir, "*.expect.json"))
	if err != nil || len(expects) == 0 {
		t.Fatalf("no cases in %s: %v", hostileDir, err)
	}
	for _, e := range expects {
		name := strings.TrimSuffix(filepath.Base(e), ".expect.json")
		t.Run(name, func(t *testing.T) {
			var c hostileCase
			b, err := os.ReadFile(e)
			if err != nil {
				t.Fatal(err)
			}
			d := json.NewDecoder(bytes.NewReader(b))
			d.DisallowUnknownFields()
			if err := d.Decode(&c); err != nil {
				t.Fatalf("%s: %v", e, err)
			}
			if c.Exit == nil || c.About == "" {
				t.Fatalf("%s: every case says why (about) and what exit status it wants (exit)", e)
			}
			runHostile(t, name, c)
		})
	}
}

func runHostile(t *testing.T, name string, c hostileCase) {
	plan := c.Plan
	if plan == "" {
		plan = name + ".json"
	}
	plan, err := filepath.Abs(filepath.Join(hostileDir, plan))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	expand := func(s string) string {
		return strings.NewReplacer("{dir}", dir, "{plan}", plan).Replace(s)
	}
	created := map[string]bool{}
	for _, s := range c.Setup {
		p := filepath.Join(dir, s.Path)
		created[p] = true
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		switch {
		case s.Symlink != "":
			err = os.Symlink(expand(s.Symlink), p)
		case s.FIFO:
			err = syscall.Mkfifo(p, 0o600)
		case s.Dir:
			err = os.MkdirAll(p, 0o755)
		case s.Plan:
			var b []byte
			if b, err = os.ReadFile(plan); err == nil {
				err = os.WriteFile(p, b, 0o600)
			}
		default:
			err = os.WriteFile(p, []byte(s.Text+strings.Repeat(s.Repeat, s.Times)+s.Then), 0o600)
		}
		if err != nil {
			t.Fatalf("setup %s: %v", s.Path, err)
		}
	}
	args := c.Args
	if args == nil {
		args = []string{"plan-check", "--source", "", "{plan}"}
	}
	var base []string
	for _, a := range args {
		base = append(base, expand(a))
	}
	runs := [][]string{base}
	if c.Formats != nil {
		runs = nil
		for _, f := range c.Formats {
			runs = append(runs, append(append([]string(nil), base...), "--format", f))
		}
	}
	for _, args := range runs {
		var code int
		var stdout, stderr string
		if c.Binary || c.Cwd != "" || c.StdinFile != "" || c.Signal != "" {
			code, stdout, stderr = runHostileBinary(t, c, dir, args)
		} else {
			var out, errb bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			code = Run(ctx, args, Stdio{In: strings.NewReader(c.Stdin), Out: &out, Err: &errb})
			cancel()
			stdout, stderr = out.String(), errb.String()
		}
		label := strings.Join(args, " ")
		if code != *c.Exit {
			t.Errorf("%s: exit %d, want %d\nstderr: %q\nstdout: %.2000q", label, code, *c.Exit, stderr, stdout)
		}
		switch {
		case code == ExitUsage || code >= 128:
			if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
				t.Errorf("%s: stderr is not exactly one line: %q", label, stderr)
			}
		case len(c.Stderr) == 0 && stderr != "":
			t.Errorf("%s: unexpected stderr %q", label, stderr)
		}
		for _, want := range c.Stderr {
			if !strings.Contains(stderr, expand(want)) {
				t.Errorf("%s: stderr %q lacks %q", label, stderr, expand(want))
			}
		}
		for _, want := range c.Stdout {
			if !strings.Contains(stdout, expand(want)) {
				t.Errorf("%s: stdout lacks %q:\n%.3000s", label, expand(want), stdout)
			}
		}
		outputs := map[string]string{"stdout": stdout, "stderr": stderr}
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && !created[p] {
				if b, err := os.ReadFile(p); err == nil {
					outputs[p] = string(b)
				}
			}
			return nil
		})
		names := make([]string, 0, len(outputs))
		for n := range outputs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, bad := range c.Forbid {
			for _, n := range names {
				if i := strings.Index(outputs[n], bad); i >= 0 {
					t.Errorf("%s: %s holds forbidden %q: ...%q...", label, n, bad, outputs[n][max(0, i-60):min(len(outputs[n]), i+len(bad)+60)])
				}
			}
		}
	}
}

// runHostileBinary runs the built binary for a case that needs a process of its own.
func runHostileBinary(t *testing.T, c hostileCase, dir string, args []string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	if c.Cwd != "" {
		cmd.Dir = filepath.Join(dir, c.Cwd)
	}
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	var stdinW *os.File
	switch {
	case c.StdinFile != "":
		f, err := os.Open(c.StdinFile)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd.Stdin = f
	case c.Signal != "":
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		defer w.Close()
		cmd.Stdin, stdinW = r, w
	default:
		cmd.Stdin = strings.NewReader(c.Stdin)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if c.Signal != "" {
		sig := map[string]syscall.Signal{"SIGINT": syscall.SIGINT, "SIGTERM": syscall.SIGTERM}[c.Signal]
		if sig == 0 {
			_ = cmd.Process.Kill()
			t.Fatalf("signal %q: want SIGINT or SIGTERM", c.Signal)
		}
		if _, err := stdinW.Write([]byte("{")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "stdin to be read", func() bool { return pipeLen(t, stdinW) == 0 })
		start := time.Now()
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		select {
		case <-done:
		case <-time.After(4 * exitBound):
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("still running %v after %s", 4*exitBound, c.Signal)
		}
		if took := time.Since(start); took > exitBound {
			t.Errorf("took %v to exit after %s", took, c.Signal)
		}
	} else {
		select {
		case <-done:
		case <-time.After(time.Minute):
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("%v does not end", args)
		}
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}
