package rules

import (
	"slices"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// SaidBy lists the rules whose finding on the same object and container (or on its pod)
// reports the problem f reports, so that the engine reports that finding instead of f:
// the rules f's rule is implied by (Rule.ImpliedBy: a privileged container, EPS001, says
// that it allows escalation, EPS002), and for an EPS032 finding the EPS rules that cover
// its Pod Security Standards control (runAsNonRoot: EPS003 and EPS004) and the rules
// those are implied by. plan-check --diff uses it when one finding gives way to another
// on the same problem: an EPS032 that EPS004 said before is not new once the container no
// longer runs as user 0, and an EPS002 that EPS001 says now is not fixed.
func SaidBy(f *finding.Finding) []string {
	var ids []string
	if f.RuleID == "EPS032" {
		if c, ok := pssControlOf(f.Message); ok {
			for _, id := range pssCovering[c] {
				ids = append(ids, id)
				if r, ok := Lookup(id); ok {
					ids = append(ids, r.ImpliedBy...)
				}
			}
		}
	} else if r, ok := Lookup(f.RuleID); ok {
		ids = append(ids, r.ImpliedBy...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// pssControlOf reads the control an EPS032 failure names in its message (pssFinding:
// "... fails the Pod Security Standards <level> control <id> (<reason>): ..."); false for
// another message (EPS032's unknown finding names no single control).
func pssControlOf(msg string) (string, bool) {
	_, rest, ok := strings.Cut(msg, " fails the Pod Security Standards ")
	if !ok {
		return "", false
	}
	_, rest, ok = strings.Cut(rest, " control ")
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, " (")
	if !ok {
		return "", false
	}
	if _, known := pssCovering[id]; !known {
		return "", false
	}
	return id, true
}
