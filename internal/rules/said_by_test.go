package rules

import (
	"slices"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// TestSaidBy: the rules that say what a finding says are its ImpliedBy, and for the
// EPS032 findings the engine makes, the rules covering the control each names.
func TestSaidBy(t *testing.T) {
	if got := SaidBy(&finding.Finding{RuleID: "EPS002"}); !slices.Equal(got, []string{"EPS001"}) {
		t.Errorf("EPS002: %v", got)
	}
	if got := SaidBy(&finding.Finding{RuleID: "EPS005"}); len(got) != 0 {
		t.Errorf("EPS005: %v", got)
	}
	cases := []struct {
		name string
		fs   []finding.Finding
		want []string
	}{
		// the provider's runAsNonRoot: false on the container: control runAsNonRoot
		{"runAsNonRoot", judgeObjects(t, Options{}, Facts{}, objtestTyped(t, "kubernetes_pod_v1.x", restrictedPod(same))), []string{"EPS003", "EPS004"}},
		// drop: [all]: EPS013 accepts it, PSA does not (capabilities_restricted)
		{"lower-case all", judge(t, Options{}, map[string]string{"kubernetes_manifest.x": restrictedPod(func(s string) string {
			return strings.Replace(s, "capabilities: {drop: [ALL]}", "capabilities: {drop: [all]}", 1)
		})}), []string{"EPS001", "EPS012", "EPS013"}},
		// nothing covers sysctls
		{"sysctls", judge(t, Options{}, map[string]string{"kubernetes_manifest.x": restrictedPod(func(s string) string {
			return strings.Replace(s, "    runAsUser: 10001\n", "    runAsUser: 10001\n    sysctls: [{name: kernel.msgmax, value: \"65536\"}]\n", 1)
		})}), nil},
	}
	for _, c := range cases {
		n := 0
		for i := range c.fs {
			if f := &c.fs[i]; f.RuleID == "EPS032" && f.Status == finding.Fail {
				n++
				if got := SaidBy(f); !slices.Equal(got, c.want) {
					t.Errorf("%s: %v, want %v (%s)", c.name, got, c.want, f.Message)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: %d EPS032 failures: %s", c.name, n, ids(c.fs))
		}
	}
	// every control of the library is read back from the message pssFinding writes
	for _, c := range pssControls {
		msg := "The container app fails the Pod Security Standards " + string(c.level) + " control " + c.id + " (a reason (with parentheses)): ..."
		if got, ok := pssControlOf(msg); !ok || got != c.id {
			t.Errorf("%s: %q %v", c.id, got, ok)
		}
	}
	if _, ok := pssControlOf("Whether the pod passes the Pod Security Standards control sysctls is not known until apply"); ok {
		t.Error("the unknown finding names a control")
	}
}
