package profile

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// maxQuoted is how much of a user's value a message quotes.
const maxQuoted = 100

// Quote quotes a user's value for an error message as %q does (control characters and
// quotes escaped, so a value cannot fake a line of output), shortened past 100 bytes
// with its length said: a careless megabyte is not repeated into every log.
func Quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := s[:maxQuoted]
	for len(cut) > 0 && !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(cut), len(s))
}
