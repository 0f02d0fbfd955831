package inputfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "plan.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zero.tf")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		fifo:        "a named pipe",
		"/dev/zero": "a character device",
		link:        "a character device",
		dir:         "a directory",
	} {
		done := make(chan error, 1)
		go func() { _, err := Read(path, DefaultMaxSize); done <- err }()
		select {
		case err := <-done:
			var nr *NotRegularError
			if !errors.As(err, &nr) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Read(%s) = %v, want a NotRegularError saying %q", path, err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) blocks", path)
		}
		if _, err := ReadAt(path, 0, 1); err == nil {
			t.Errorf("ReadAt(%s) read it", path)
		}
	}
}

func TestReadCapsTheSize(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(p, 1000); err != nil || len(b) != 1000 {
		t.Errorf("Read at the cap: %d bytes, %v", len(b), err)
	}
	if _, err := Read(p, 0); err == nil {
		t.Error("Read with a cap of 0 read a file")
	}
	_, err := Read(p, 999)
	var tl *TooLargeError
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), "--max-input-size") {
		t.Errorf("Read over the cap: %v", err)
	}
	// through a symlink, a regular file is read
	link := filepath.Join(dir, "link")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(link, DefaultMaxSize); err != nil || len(b) != 1000 {
		t.Errorf("Read through a symlink: %d, %v", len(b), err)
	}
	if b, err := ReadAt(link, 10, 5); err != nil || string(b) != "xxxxx" {
		t.Errorf("ReadAt: %q %v", b, err)
	}
	if _, err := ReadAt(p, 998, 5); err == nil {
		t.Error("ReadAt past the end")
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestReadStream(t *testing.T) {
	if b, err := ReadStream(context.Background(), strings.NewReader("{}"), "stdin", DefaultMaxSize); err != nil || string(b) != "{}" {
		t.Errorf("%q %v", b, err)
	}
	_, err := ReadStream(context.Background(), endless{}, "stdin", 1<<20)
	var tl *TooLargeError
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), "stdin is larger than 1 MiB") {
		t.Errorf("endless stream: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadStream(ctx, endless{}, "stdin", DefaultMaxSize); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
	if _, err := ReadStream(context.Background(), io.MultiReader(strings.NewReader("x"), errReader{}), "stdin", DefaultMaxSize); err == nil {
		t.Error("read error lost")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1": 1, "2048": 2048, "1KiB": 1024, "512MiB": 512 << 20, "1GiB": 1 << 30, "2g": 2 << 30,
		"3 GiB": 3 << 30, "1TiB": 1 << 40, "1GB": 1e9, "500mb": 500e6, "10K": 10 << 10,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "1.5GiB", "GiB", "1 parsec", "99999999999999999999", "2000TiB"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
	for n, want := range map[int64]string{1 << 30: "1 GiB", 3 << 20: "3 MiB", 1536: "1536 bytes", 1000: "1000 bytes"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
