// Package k8sversion parses Kubernetes versions as users write them ("1.24", "v1.24.3",
// "1.30-eks-1234") and compares their minor versions. It is the one version parser of
// the project: the versions the guidance turns on (PodSecurityPolicy removed in 1.25, ...)
// are named in internal/profile.
package k8sversion

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
)

// Version is a Kubernetes major.minor version.
type Version struct {
	Major, Minor int
}

var versionRE = regexp.MustCompile(`^v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(?:[-+].*)?$`)

// Pattern is the regular expression a version attribute must match.
const Pattern = `^v?[0-9]+\.[0-9]+(\.[0-9]+)?([-+].*)?$`

// MaxNumber is the largest major, minor or patch number Parse accepts: a larger one is
// out of range, never rounded or clamped.
const MaxNumber = math.MaxInt32

// ErrOutOfRange is wrapped by Parse's error for a number larger than MaxNumber.
var ErrOutOfRange = errors.New("out of range")

// Parse reads "1.24", "v1.24.3" or "1.30-eks-1234". A number with a leading zero
// ("1.024") or larger than MaxNumber is an error, so what is rendered is what was written.
func Parse(s string) (Version, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%s is not a Kubernetes version: write it like \"1.29\"", quote(s))
	}
	var nums [3]int
	for i, part := range []string{"major", "minor", "patch"} {
		digits := m[i+1]
		if digits == "" {
			continue // no patch
		}
		if len(digits) > 1 && digits[0] == '0' {
			return Version{}, fmt.Errorf("%s is not a Kubernetes version: its %s version %s has a leading zero (write it like \"1.29\")", quote(s), part, short(digits))
		}
		n, err := strconv.ParseInt(digits, 10, 32)
		if err != nil {
			return Version{}, fmt.Errorf("%s is not a Kubernetes version: its %s version %s is %w (at most %d)", quote(s), part, short(digits), ErrOutOfRange, MaxNumber)
		}
		nums[i] = int(n)
	}
	return Version{Major: nums[0], Minor: nums[1]}, nil
}

// quote quotes a version for a message, shortened past 64 bytes.
func quote(s string) string {
	if len(s) <= 64 {
		return strconv.Quote(s)
	}
	return strconv.QuoteToASCII(s[:64]) + fmt.Sprintf("… (%d bytes)", len(s))
}

// short is a number for a message, shortened past 32 digits.
func short(digits string) string {
	if len(digits) <= 32 {
		return digits
	}
	return fmt.Sprintf("%s… (%d digits)", digits[:32], len(digits))
}

// Compare returns -1, 0 or +1 as v is older than, the same as, or newer than w.
func (v Version) Compare(w Version) int {
	return cmp.Or(cmp.Compare(v.Major, w.Major), cmp.Compare(v.Minor, w.Minor))
}

// AtLeast reports whether v is w or newer.
func (v Version) AtLeast(w Version) bool { return v.Compare(w) >= 0 }

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }
