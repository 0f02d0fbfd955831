// Package glob is the one wildcard matcher of ekspodsec: EKS Fargate profile selectors
// (namespaces and label values) and the waivers' Terraform address patterns.
//
// A pattern's * matches any run of characters, none included, and ? exactly one
// character; every other character, . [ ] \ / included, stands for itself. Characters are
// UTF-8 runes (a byte that is not UTF-8 counts as one character, U+FFFD). No wildcard
// matches a newline, as in RE2, where the admission policy's CEL matches the same patterns
// with Regexp's expression: Match and that expression agree on every pattern and string.
package glob

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Match reports whether s matches pattern as a whole.
func Match(pattern, s string) bool {
	// A newline is matched by a newline of the pattern only, so the i-th newline of s is
	// the pattern's i-th: the lines match one by one, with wildcards that match anything.
	if strings.IndexByte(pattern, '\n') < 0 && strings.IndexByte(s, '\n') < 0 {
		return matchLine(pattern, s)
	}
	pl, sl := strings.Split(pattern, "\n"), strings.Split(s, "\n")
	if len(pl) != len(sl) {
		return false
	}
	for i := range pl {
		if !matchLine(pl[i], sl[i]) {
			return false
		}
	}
	return true
}

// matchLine matches a pattern and a string without newlines: linear scanning that, on a
// mismatch, lets the last * take one more character (an earlier * never needs to: the
// last one can take whatever it would have).
func matchLine(pattern, s string) bool {
	p, i := 0, 0        // byte offsets in pattern and s
	star, from := -1, 0 // just after the last * seen, and where in s its run ends
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if p < len(pattern) {
			pr, pw := utf8.DecodeRuneInString(pattern[p:])
			switch {
			case pr == '*':
				p += pw
				star, from = p, i
				continue
			case pr == '?' || pr == r:
				p += pw
				i += w
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, fw := utf8.DecodeRuneInString(s[from:])
		from += fw
		p, i = star, from
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Regexp returns the anchored RE2 expression that matches what pattern matches, for CEL's
// matches(): * is .*, ? is ., everything else is quoted. "team-*" is "^team-.*$".
func Regexp(pattern string) string {
	var b strings.Builder
	b.Grow(len(pattern) + 8)
	b.WriteByte('^')
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteByte('.')
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteByte('$')
	return b.String()
}
