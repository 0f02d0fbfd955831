package glob

import (
	"regexp"
	"strings"
	"testing"
)

var cases = []struct {
	p, s string
	ok   bool
}{
	// EKS Fargate selectors
	{"apps", "apps", true},
	{"apps", "apps2", false},
	{"team-?", "team-a", true},
	{"team-?", "team-ab", false},
	{"team-?", "team-", false},
	{"*", "", true},
	{"*", "kube-system", true},
	{"", "", true},
	{"", "a", false},
	{"?", "", false},
	{"fargate-*", "fargate-", true},
	{"fargate-*", "fargat", false},
	{"*-prod", "web-prod", true},
	{"*-prod", "web-production", false},
	{"v?.*", "v1.2", true},
	{"**", "x", true},
	{"*?*", "", false},
	{"*?*", "é", true},
	// Terraform addresses (waivers): * takes dots and brackets
	{"module.logging.*", `module.logging.kubernetes_daemon_set_v1.x["a.b"]`, true},
	{"module.logging.*", "module.loggingx.y", false},
	{"kubernetes_pod_v1.x[?]", "kubernetes_pod_v1.x[0]", true},
	{`kubernetes_pod_v1.x["a"]`, `kubernetes_pod_v1.x["a"]`, true},
	{"*.fluent", "module.a.kubernetes_daemon_set_v1.fluent", true},
	{"*.fluent", "module.a.kubernetes_daemon_set_v1.fluentd", false},
	{"a*b*c", "aXbYc", true},
	{"a*b*c", "aXbY", false},
	{"a*b*c", "abcbc", true},
	{"*a*a*a*", "aaXa", true},
	{"*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaa", false},
	// everything but * and ? is literal
	{"[ab]", "a", false},
	{"[ab]", "[ab]", true},
	{`a\*`, `a\x`, true},
	{`a\*`, "a*", false},
	{"a/b", "a/b", true},
	{"*", "a/b", true},
	{"a.b", "aXb", false},
	{"^a$", "^a$", true},
	{"(a|b)+", "(a|b)+", true},
	// characters are runes
	{"caf?", "café", true},
	{"?", "日", true},
	{"??", "日", false},
	{"\xff", "\xfe", true}, // both not UTF-8: U+FFFD each, as RE2 reads them
	{"?", "\xff", true},
	// no wildcard takes a newline; a newline matches a newline
	{"*", "a\nb", false},
	{"a?b", "a\nb", false},
	{"a\n*", "a\nb", true},
	{"*\n*", "a\nb", true},
	{"*\n*", "ab", false},
	{"*\n*", "a\nb\nc", false},
	{"a\nb", "a\nb", true},
}

func TestMatch(t *testing.T) {
	for _, c := range cases {
		if got := Match(c.p, c.s); got != c.ok {
			t.Errorf("Match(%q, %q) = %v, want %v", c.p, c.s, got, c.ok)
		}
	}
}

// TestRegexp: the expression is anchored, quotes every metacharacter, and matches
// exactly what Match matches.
func TestRegexp(t *testing.T) {
	for p, want := range map[string]string{
		"team-*": `^team-.*$`, "fargate": `^fargate$`, "v?": `^v.$`, "": `^$`,
		"a.b[0]": `^a\.b\[0\]$`, `x\y+(z)|{1}^$`: `^x\\y\+\(z\)\|\{1\}\^\$$`,
	} {
		if got := Regexp(p); got != want {
			t.Errorf("Regexp(%q) = %s, want %s", p, got, want)
		}
	}
	for _, c := range cases {
		re := regexp.MustCompile(Regexp(c.p))
		if got := re.MatchString(c.s); got != c.ok {
			t.Errorf("regexp %s on %q = %v, want %v", Regexp(c.p), c.s, got, c.ok)
		}
	}
}

// TestLongInputs: matching is polynomial, never exponential, in the number of stars.
func TestLongInputs(t *testing.T) {
	p := strings.Repeat("*a", 200) + "b"
	s := strings.Repeat("a", 5000)
	if Match(p, s) {
		t.Error("matched without b")
	}
	if !Match(p, s+"b") {
		t.Error("no match with b")
	}
}

// FuzzMatch: Match agrees with the RE2 expression of Regexp, on every pattern and string.
// Inputs are kept short (long ones are TestLongInputs'): the fuzzer spends its time on
// shapes, not on minimizing kilobytes through the regexp compiler.
func FuzzMatch(f *testing.F) {
	for _, c := range cases {
		f.Add(c.p, c.s)
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 48 || len(s) > 96 {
			return
		}
		re, err := regexp.Compile(Regexp(p))
		if err != nil {
			t.Fatalf("Regexp(%q) = %s does not compile: %v", p, Regexp(p), err)
		}
		if got, want := Match(p, s), re.MatchString(s); got != want {
			t.Fatalf("Match(%q, %q) = %v, regexp %s says %v", p, s, got, Regexp(p), want)
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	for b.Loop() {
		Match("module.logging.*", `module.logging.kubernetes_daemon_set_v1.x["a.b"]`)
		Match("team-?", "team-a")
		Match("*-prod", "web-production")
	}
}
