// Package inputfile reads the files plan-check is given (the plan, .ekspodsec.hcl, the
// .tf files of --source) with bounds: regular files only, so that a named pipe or a
// device (/dev/zero, a FIFO nobody writes to) cannot block the run or fill memory, and at
// most a given number of bytes.
package inputfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// DefaultMaxSize is the default cap on one input (and on all the .tf files of a source
// tree together): far above real plans, which reach a few hundred megabytes.
const DefaultMaxSize int64 = 1 << 30

// TooLargeError says an input is larger than the cap.
type TooLargeError struct {
	Name string
	Max  int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s: raise the limit with --max-input-size", e.Name, FormatSize(e.Max))
}

// NotRegularError says a path is not a regular file.
type NotRegularError struct {
	Name string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Name, describe(e.Mode))
}

func describe(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a plain file"
}

// Read reads the regular file at path (symbolic links followed), at most max bytes. A named pipe, a device, a socket or a directory is an error
// before anything is opened, so that none can block; the file is then opened without
// blocking and checked again, in case it was swapped in between.
func Read(path string, max int64) ([]byte, error) {
	max = fromZero(max)
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &NotRegularError{Name: path, Mode: st.Mode()}
	}
	if st.Size() > max {
		return nil, &TooLargeError{Name: path, Max: max}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fst, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fst.Mode().IsRegular() {
		return nil, &NotRegularError{Name: path, Mode: fst.Mode()}
	}
	var buf bytes.Buffer
	buf.Grow(int(min(fst.Size(), max)) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, max+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > max {
		return nil, &TooLargeError{Name: path, Max: max}
	}
	return buf.Bytes(), nil
}

// ReadAt reads length bytes at offset of the regular file at path (a part of a file that
// Read has read before), with the same checks.
func ReadAt(path string, offset, length int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &NotRegularError{Name: path, Mode: st.Mode()}
	}
	if offset < 0 || length < 0 || offset+length > st.Size() {
		return nil, fmt.Errorf("%s changed: it is shorter than it was", path)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fst, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fst.Mode().IsRegular() {
		return nil, &NotRegularError{Name: path, Mode: fst.Mode()}
	}
	buf := make([]byte, length)
	if _, err := f.ReadAt(buf, offset); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s changed: it is shorter than it was", path)
		}
		return nil, err
	}
	return buf, nil
}

// ReadStream reads r (stdin) to its end, at most max bytes, and stops early when ctx is
// done between reads. name is used in errors.
func ReadStream(ctx context.Context, r io.Reader, name string, max int64) ([]byte, error) {
	max = fromZero(max)
	var buf bytes.Buffer
	_, err := buf.ReadFrom(io.LimitReader(ctxReader{ctx, r}, max+1))
	if err != nil {
		return nil, err
	}
	if int64(buf.Len()) > max {
		return nil, &TooLargeError{Name: name, Max: max}
	}
	return buf.Bytes(), nil
}

func fromZero(max int64) int64 {
	if max < 0 {
		return 0
	}
	return max
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// FormatSize writes a byte count the way --max-input-size accepts it.
func FormatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.suffix)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// ParseSize reads a size: a number of bytes, or a number with a unit: KiB, MiB, GiB,
// TiB (also K, M, G, T), or KB, MB, GB, TB (powers of 1000). Case does not matter.
func ParseSize(s string) (int64, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 15 {
		return 0, fmt.Errorf("%q: want a size such as 1GiB, 512MiB or 2000000000", s)
	}
	var n int64
	for _, c := range s[:i] {
		n = n*10 + int64(c-'0')
	}
	unit := bytes.ToLower(bytes.TrimSpace([]byte(s[i:])))
	var mult int64
	switch string(unit) {
	case "", "b":
		mult = 1
	case "k", "kib":
		mult = 1 << 10
	case "m", "mib":
		mult = 1 << 20
	case "g", "gib":
		mult = 1 << 30
	case "t", "tib":
		mult = 1 << 40
	case "kb":
		mult = 1e3
	case "mb":
		mult = 1e6
	case "gb":
		mult = 1e9
	case "tb":
		mult = 1e12
	default:
		return 0, fmt.Errorf("%q: unknown unit %q (want KiB, MiB, GiB, TiB, KB, MB, GB or TB)", s, unit)
	}
	if n == 0 {
		return 0, fmt.Errorf("%q: the size must be more than 0", s)
	}
	const maxSize = 1 << 50
	if n > maxSize/mult {
		return 0, fmt.Errorf("%q: larger than %s", s, FormatSize(maxSize))
	}
	return n * mult, nil
}
