package provider

import (
	"fmt"
	"regexp"
	"strings"
)

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// wrapped compiles a pattern whose spaces also match the line breaks Terraform puts into
// long diagnostics.
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}
