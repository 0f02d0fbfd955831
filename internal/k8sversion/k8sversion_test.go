package k8sversion

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"1.24": "1.24", "v1.24.3": "1.24", "1.30-eks-1234": "1.30", "1.9": "1.9", "1.0": "1.0",
		"1.2147483647": "1.2147483647", "v1.30.0+k3s1": "1.30"} {
		v, err := Parse(in)
		if err != nil || v.String() != want {
			t.Errorf("Parse(%q) = %v, %v", in, v, err)
		}
	}
	for _, bad := range []string{"", "1", "latest", "one.two", "1.x", "1.24\n", " 1.24", "1..24", "-1.24", "1.-24"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestCompare(t *testing.T) {
	v125 := Version{Major: 1, Minor: 25}
	for _, tc := range []struct {
		v       string
		cmp     int
		atLeast bool
	}{
		{"1.25", 0, true}, {"v1.25.9-eks-1", 0, true}, {"1.26", 1, true}, {"1.100", 1, true}, {"2.0", 1, true},
		{"1.24", -1, false}, {"1.3", -1, false}, {"0.99", -1, false},
	} {
		v, err := Parse(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.Compare(v125); got != tc.cmp {
			t.Errorf("%s.Compare(1.25) = %d, want %d", tc.v, got, tc.cmp)
		}
		if got := v125.Compare(v); got != -tc.cmp {
			t.Errorf("1.25.Compare(%s) = %d, want %d", tc.v, got, -tc.cmp)
		}
		if got := v.AtLeast(v125); got != tc.atLeast {
			t.Errorf("%s.AtLeast(1.25) = %v", tc.v, got)
		}
	}
}

// TestParseOutOfRange: a number beyond MaxNumber is an error naming the part, never a
// clamped version (1.99999999999999999999 once became v1.9223372036854775807).
func TestParseOutOfRange(t *testing.T) {
	for in, part := range map[string]string{
		"1.99999999999999999999": "minor", "1.2147483648": "minor", "99999999999999999999.1": "major",
		"1.24.99999999999999999999": "patch", "v1.9223372036854775808": "minor",
	} {
		v, err := Parse(in)
		if !errors.Is(err, ErrOutOfRange) || !strings.Contains(err.Error(), part+" version") {
			t.Errorf("Parse(%q) = %v, %v; want an out-of-range error on the %s version", in, v, err, part)
		}
	}
	for _, in := range []string{"1.024", "01.24", "1.24.03"} {
		if v, err := Parse(in); err == nil || !strings.Contains(err.Error(), "leading zero") {
			t.Errorf("Parse(%q) = %v, %v; want a leading-zero error", in, v, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.24", "v1.30.2-eks-1", "1.99999999999999999999", "1.024", "9.9.9+x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		if v.Major < 0 || v.Minor < 0 || v.Major > MaxNumber || v.Minor > MaxNumber {
			t.Fatalf("Parse(%q) = %v", s, v)
		}
		// what is rendered is what was written: the string form starts the input
		if !strings.HasPrefix(strings.TrimPrefix(s, "v"), v.String()) {
			t.Fatalf("Parse(%q) = %v: not what was written", s, v)
		}
		if again, err := Parse(v.String()); err != nil || again != v {
			t.Fatalf("Parse(%q) = %v, %v: does not round-trip", v.String(), again, err)
		}
	})
}
