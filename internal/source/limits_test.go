package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/hcldepth"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
)

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

const pod = `resource "kubernetes_pod_v1" "x" {
  spec {
    container {
      security_context {
        privileged = true
      }
    }
  }
}
`

// loadWithin fails the test when Load does not return in time (a hang, a fan-out).
func loadWithin(t *testing.T, dir string, lim Limits) (*Index, error) {
	t.Helper()
	type result struct {
		idx *Index
		err error
	}
	done := make(chan result, 1)
	go func() {
		idx, err := LoadContext(context.Background(), dir, lim)
		done <- result{idx, err}
	}()
	select {
	case r := <-done:
		return r.idx, r.err
	case <-time.After(20 * time.Second):
		t.Fatal("Load does not return")
		return nil, nil
	}
}

// TestSymlinkLoops: module directories that are symbolic links back to the root (or to
// each other) are read once; addresses through them still locate.
func TestSymlinkLoops(t *testing.T) {
	dir := t.TempDir()
	calls := ""
	for _, n := range []string{"a", "b", "c", "d"} {
		if err := os.Symlink(".", filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
		calls += fmt.Sprintf("module %q {\n  source = \"./%s\"\n}\n", n, n)
	}
	write(t, filepath.Join(dir, "main.tf"), calls+pod)
	write(t, filepath.Join(dir, "sub", "main.tf"), "module \"up\" {\n  source = \"../\"\n}\n"+pod)
	write(t, filepath.Join(dir, "calls.tf"), "module \"sub\" {\n  source = \"./sub\"\n}\n")
	idx, err := loadWithin(t, dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.modules) != 2 {
		t.Errorf("%d modules indexed, want 2 (the root and sub)", len(idx.modules))
	}
	want := lineOf(t, filepath.Join(dir, "main.tf"), "privileged = true", 0)
	for _, addr := range []string{
		"kubernetes_pod_v1.x",
		"module.a.kubernetes_pod_v1.x",
		"module.a.module.b.module.c.module.d.module.a.kubernetes_pod_v1.x",
		"module.sub.module.up.module.a.kubernetes_pod_v1.x",
	} {
		loc, ok := idx.Locate(addr, "spec[0].container[0].security_context[0].privileged")
		if !ok || loc.Line != want || filepath.Base(loc.File) != "main.tf" {
			t.Errorf("Locate(%s) = %+v %v, want main.tf:%d", addr, loc, ok, want)
		}
	}
	loc, ok := idx.Locate("module.sub.kubernetes_pod_v1.x", "")
	if !ok || loc.File != filepath.Join(dir, "sub", "main.tf") {
		t.Errorf("module.sub: %+v %v", loc, ok)
	}
}

func TestLimits(t *testing.T) {
	dir := t.TempDir()
	calls := ""
	for i := range 5 {
		calls += fmt.Sprintf("module \"m%d\" {\n  source = \"./m%d\"\n}\n", i, i)
		write(t, filepath.Join(dir, fmt.Sprintf("m%d", i), "main.tf"), pod)
	}
	write(t, filepath.Join(dir, "main.tf"), calls)
	if _, err := loadWithin(t, dir, Limits{}); err != nil {
		t.Fatal(err)
	}
	_, err := loadWithin(t, dir, Limits{MaxModules: 3})
	if err == nil || !strings.Contains(err.Error(), "more than 3 local module directories") {
		t.Errorf("MaxModules: %v", err)
	}
	_, err = loadWithin(t, dir, Limits{MaxFiles: 4})
	if err == nil || !strings.Contains(err.Error(), "more than 4 .tf files") {
		t.Errorf("MaxFiles: %v", err)
	}
	_, err = loadWithin(t, dir, Limits{MaxBytes: int64(len(calls) + 2*len(pod))})
	var tl *inputfile.TooLargeError
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), "--max-input-size") || !strings.Contains(err.Error(), dir) {
		t.Errorf("MaxBytes: %v", err)
	}
}

// TestNotRegularFiles: a .tf that is a named pipe or a device is an error naming it,
// never a read that blocks or fills memory; a directory named x.tf and the files
// Terraform ignores (editor locks, which may be dangling links) are skipped.
func TestNotRegularFiles(t *testing.T) {
	fifo := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(fifo, "pipe.tf"), 0o600); err != nil {
		t.Fatal(err)
	}
	zero := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(zero, "zero.tf")); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]string{fifo: "pipe.tf is a named pipe", zero: "zero.tf is a character device"} {
		if _, err := loadWithin(t, dir, Limits{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v, want %q", err, want)
		}
	}
	ok := t.TempDir()
	write(t, filepath.Join(ok, "main.tf"), pod)
	if err := os.Mkdir(filepath.Join(ok, "dir.tf"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{".#main.tf", "#main.tf#", "main.tf~"} {
		if err := os.Symlink("/nonexistent", filepath.Join(ok, n)); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(ok, ".hidden.tf"), "not hcl {{{")
	if _, err := loadWithin(t, ok, Limits{}); err != nil {
		t.Errorf("skipped files: %v", err)
	}
}

func TestDeepNesting(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.tf"), "locals {\n  x = "+strings.Repeat("[", 60000)+strings.Repeat("]", 60000)+"\n}\n")
	_, err := loadWithin(t, dir, Limits{})
	var e *hcldepth.Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), filepath.Join(dir, "main.tf")+":2:") {
		t.Errorf("deep nesting: %v", err)
	}
}

func TestLoadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadContext(ctx, "testdata/root", Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled Load: %v", err)
	}
}

// TestLocateIsLazy: Load keeps where blocks are, not their syntax: Locate reads the
// block again, and a file changed since says not found rather than a wrong line.
func TestLocateIsLazy(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "main.tf")
	write(t, p, pod)
	idx := load(t, dir)
	if _, ok := idx.Locate("kubernetes_pod_v1.x", "spec[0]"); !ok {
		t.Fatal("not found")
	}
	idx = load(t, dir)
	write(t, p, strings.Repeat("#", len(pod)))
	if loc, ok := idx.Locate("kubernetes_pod_v1.x", "spec[0]"); ok {
		t.Errorf("changed file located: %+v", loc)
	}
	write(t, p, "x")
	if loc, ok := idx.Locate("kubernetes_pod_v1.x", "spec[0]"); ok {
		t.Errorf("truncated file located: %+v", loc)
	}
}

// wholeIndex is what indexing the file in one parse finds.
func wholeIndex(t testing.TB, src []byte) ([]entry, error) {
	var entries []entry
	err := indexWhole(src, "f.tf", func(body *hclsyntax.Body) {
		entries = append(entries, collectEntries(body, "f.tf", ".")...)
	})
	return entries, err
}

// TestIndexByPieces: a file is indexed a top-level block at a time, with the same
// result as one parse of the whole file, also where a lone "}" line is not the end of a
// block (a heredoc, unformatted code).
func TestIndexByPieces(t *testing.T) {
	for name, src := range map[string]string{
		"formatted":   pod + "\n# comment\n" + strings.Replace(pod, `"x"`, `"y"`, 1) + "module \"m\" {\n  source = \"./m\"\n}\n",
		"heredoc":     "resource \"a\" \"b\" {\n  x = <<EOT\n}\nEOT\n}\n" + pod,
		"unformatted": "resource \"a\" \"b\" {\n  x = {\n}\n}\n" + pod + "locals { a = 1 }\n",
		"crlf":        strings.ReplaceAll(pod+pod, "\n", "\r\n"),
		"no newline":  strings.TrimSuffix(pod, "\n"),
		"trailing":    pod + "\n\n# end\n",
	} {
		got, err := indexFile([]byte(src), "f.tf", ".")
		want, werr := wholeIndex(t, []byte(src))
		if err != nil || werr != nil {
			t.Errorf("%s: %v / %v", name, err, werr)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: by pieces %+v\nwhole %+v", name, got, want)
		}
	}
}

// TestModuleDepth: calls are followed maxModuleDepth deep; a module first met deeper
// than that is still read when a shorter path reaches it.
func TestModuleDepth(t *testing.T) {
	dir := t.TempDir()
	// a chain root -> a0 -> a1 -> ... -> a39: a32 is met 33 calls deep, past the limit;
	// the root calls a32 too ("z" sorts after "a", so the deep path comes first)
	write(t, filepath.Join(dir, "main.tf"), "module \"a\" {\n  source = \"./a0\"\n}\nmodule \"z\" {\n  source = \"./a32\"\n}\n")
	for i := range 40 {
		content := pod
		if i < 39 {
			content += fmt.Sprintf("module \"next\" {\n  source = \"../a%d\"\n}\n", i+1)
		}
		write(t, filepath.Join(dir, fmt.Sprintf("a%d", i), "main.tf"), content)
	}
	idx, err := loadWithin(t, dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := idx.Locate("module.z.kubernetes_pod_v1.x", ""); !ok {
		t.Error("module.z (a32, first met 33 calls deep) not read")
	}
	deep := "module.a" + strings.Repeat(".module.next", 10) + ".kubernetes_pod_v1.x"
	if _, ok := idx.Locate(deep, ""); !ok {
		t.Errorf("%s not located", deep)
	}
}
