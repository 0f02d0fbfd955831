// Package k8sversion parses Kubernetes versions as users write them ("1.24", "v1.24.3",
// "1.30-eks-1234") and compares their minor versions.
package k8sversion

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is a Kubernetes major.minor version.
type Version struct {
	Major, Minor int
}

var versionRE = regexp.MustCompile(`^v?([0-9]+)\.([0-9]+)(?:\.[0-9]+)?(?:[-+].*)?$`)

// Pattern is the regular expression a version attribute must match.
const Pattern = `^v?[0-9]+\.[0-9]+(\.[0-9]+)?([-+].*)?$`

// Parse reads "1.24", "v1.24.3" or "1.30-eks-1234".
func Parse(s string) (Version, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%q is not a Kubernetes version: write it like \"1.29\"", s)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return Version{Major: major, Minor: minor}, nil
}

// AtLeast reports whether v is at least major.minor.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }
