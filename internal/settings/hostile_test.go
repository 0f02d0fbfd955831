package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/hcldepth"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
)

// TestParseRefusesDeepNesting: 60,000 levels are refused with file:line before hcl/v2
// parses (which would exhaust the stack).
func TestParseRefusesDeepNesting(t *testing.T) {
	for name, src := range map[string]string{
		"list":   "allowed_host_paths = " + strings.Repeat("[", 60000) + strings.Repeat("]", 60000),
		"blocks": strings.Repeat("waiver {\n", 60000) + strings.Repeat("}\n", 60000),
		"not":    "fail_on = " + strings.Repeat("!", 60000) + "true",
	} {
		_, err := Parse([]byte(src), ".ekspodsec.hcl")
		var e *hcldepth.Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), ".ekspodsec.hcl:") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestLoadRefusesPipesAndDevices: --config /dev/zero or a named pipe is an error naming
// it, at once, never a read that blocks or fills memory.
func TestLoadRefusesPipesAndDevices(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), FileName)
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{fifo: "named pipe", "/dev/zero": "character device"} {
		done := make(chan error, 1)
		go func() { _, err := Load(path, inputfile.DefaultMaxSize); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Load(%s) = %v", path, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Load(%s) blocks", path)
		}
	}
	big := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(big, []byte(strings.Repeat("# comment\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big, 100); err == nil || !strings.Contains(err.Error(), "--max-input-size") {
		t.Errorf("over the cap: %v", err)
	}
	if _, err := Load(big, 1000); err != nil {
		t.Errorf("at the cap: %v", err)
	}
}

// FuzzParse: no input panics Parse; an accepted file has waivers with every field set.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		good,
		`fail_on = "high"`,
		"rule \"EPS020\" { severity = \"info\" }\nrule \"EPS017\" { enabled = false }",
		"waiver {\n rule = \"EPS005\"\n address = \"a.*\"\n reason = \"r\"\n expires = \"2027-06-30\"\n}",
		`allowed_host_paths = ["/var/log", "${x}"]`,
		"waiver { rule = 1 }", "x = [[[[", "fail_on = !!true",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse([]byte(src), "fuzz.hcl")
		if err != nil {
			if s != nil {
				t.Fatal("settings and an error")
			}
			return
		}
		for _, w := range s.Waivers {
			if w.Rule == "" || w.Address == "" || w.Reason == "" || w.Expires.IsZero() || w.Source == "" {
				t.Fatalf("incomplete waiver accepted: %+v", w)
			}
		}
	})
}
