package settings

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// WaiveAnnotation is the annotation on a Kubernetes object's metadata that waives rules for
// that object: "EPS005=reason,EPS006=another reason".
const WaiveAnnotation = "ekspodsec.io/waive"

var waiveEntry = regexp.MustCompile(`(?:^|,)\s*(EPS[0-9]{3})\s*=`)

// ParseWaiveAnnotation reads the annotation's value into rule ID → reason. Entries start
// at "EPSnnn=" after a comma, so a reason may itself contain commas. A problem (an entry
// without a reason, text that is no entry) is returned for the run's notes; when the
// annotation is sensitive, the problems never quote it.
func ParseWaiveAnnotation(v string, sensitive bool) (map[string]string, []string) {
	quote := func(s string) string {
		if sensitive {
			return rules.Redacted
		}
		return fmt.Sprintf("%q", s)
	}
	out := map[string]string{}
	var problems []string
	locs := waiveEntry.FindAllStringSubmatchIndex(v, -1)
	if len(locs) == 0 {
		if strings.TrimSpace(v) != "" {
			problems = append(problems, fmt.Sprintf("%s %s has no RULE=reason entry", WaiveAnnotation, quote(v)))
		}
		return out, problems
	}
	if pre := strings.TrimSpace(v[:locs[0][0]]); pre != "" {
		problems = append(problems, fmt.Sprintf("%s: %s is not a RULE=reason entry", WaiveAnnotation, quote(pre)))
	}
	for i, l := range locs {
		end := len(v)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		id, reason := v[l[2]:l[3]], strings.TrimSpace(v[l[1]:end])
		if reason == "" {
			problems = append(problems, fmt.Sprintf("%s: %s has no reason, so it waives nothing", WaiveAnnotation, id))
			continue
		}
		out[id] = reason
	}
	return out, problems
}
