package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	cases := map[string]string{
		"":                           "",
		"kubernetes_pod_v1.web":      "kubernetes_pod_v1.web",
		`C:\path\to "x"`:             `C:\path\to "x"`,
		"naïve – 日本語":                "naïve – 日本語",
		"a\nb\r\tc":                  `a\nb\r\tc`,
		"\x1b[2K\rPASS":              `\x1b[2K\rPASS`,
		"\x1b]0;title\x07":           `\x1b]0;title\x07`,
		"\x00\x7f":                   `\x00\x7f`,
		"\u009b31m":                  `\u009b31m`,
		"\u0085":                     `\u0085`,
		"abc\u202edcba":              `abc\u202edcba`,
		"\u2066\u2067\u2068\u2069":   `\u2066\u2067\u2068\u2069`,
		"\u200e\u200f\u061c":         `\u200e\u200f\u061c`,
		"line\u2028sep\u2029\ufeff":  `line\u2028sep\u2029\ufeff`,
		"bad \xff\xfe utf8 \xe2\x80": `bad \xff\xfe utf8 \xe2\x80`,
	}
	for in, want := range cases {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
		if IsSafe(in) != (in == want) {
			t.Errorf("IsSafe(%q) = %v", in, IsSafe(in))
		}
	}
}

// FuzzEscape: whatever the input, the output is valid UTF-8 with no control character
// and no bidirectional control, and safe input is left unchanged.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a\nb", "\x1b]0;x\x07", "\u202e", "\xff", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Escape(%q) = %q: not UTF-8", s, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || unsafeRune(r) {
				t.Fatalf("Escape(%q) = %q keeps %U", s, out, r)
			}
		}
		if IsSafe(s) && out != s {
			t.Fatalf("safe %q changed to %q", s, out)
		}
		if !IsSafe(out) || Escape(out) != out {
			t.Fatalf("Escape(%q) = %q is not a fixed point", s, out)
		}
		if strings.Count(out, "\n") != 0 {
			t.Fatal("newline kept")
		}
	})
}
