package admission

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/fixtures"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/objtest"
)

// allRulesOn turns on every rule that is off by default, so that plan-check judges what
// the opt-in forms enforce.
func allRulesOn() rules.Options {
	o := rules.Options{Overrides: map[string]rules.RuleOverride{}}
	for _, r := range rules.Catalogue() {
		if r.DefaultOff {
			o.Overrides[r.ID] = rules.RuleOverride{Enabled: true}
		}
	}
	return o
}

// selectorsOf turns a plan's Fargate profiles into the policy's selectors.
func selectorsOf(profiles []eks.FargateProfile) []eks.Selector {
	var out []eks.Selector
	for _, p := range profiles {
		out = append(out, p.Selectors...)
	}
	return out
}

// TestDifferentialAdditionalRules holds every opt-in CEL form to its Go check on every
// workload of the fixture plans and of the new rules' plans (testdata/newrules): the
// policy with every additional rule (and the plan's Fargate selectors, for the Fargate
// forms) must refuse exactly what plan-check, with every rule on, reports as fail.
func TestDifferentialAdditionalRules(t *testing.T) {
	files, err := filepath.Glob("../plancheck/testdata/plans/*.json")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("../plancheck/testdata/newrules/*/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	workloads, err := fixtures.WorkloadsOf(append(files, more...), plancheck.Options{Rules: allRulesOn()})
	if err != nil {
		t.Fatal(err)
	}
	policies := map[string]compiled{}
	policyFor := func(sels []eks.Selector) (compiled, map[string]bool) {
		o := VAPOptions{AdditionalRules: optInIDs(), Fargate: sels}
		key, _ := json.Marshal(sels)
		c, ok := policies[string(key)]
		if !ok {
			p, _ := Policy(o)
			c = compile(t, p)
			policies[string(key)] = c
		}
		enforced := map[string]bool{}
		for _, v := range Validations(o) {
			if r, _ := rules.Lookup(v.Rule); r.CEL.OptIn {
				enforced[v.Rule] = true
			}
		}
		return c, enforced
	}
	compared, fargate := 0, 0
	seen := map[string]bool{}
	for _, w := range workloads {
		if w.UnknownSpec {
			continue
		}
		sels := selectorsOf(w.Fargate)
		c, enforced := policyFor(sels)
		o := w.Object
		failed := map[string]bool{}
		for _, r := range c.evaluate(t, manifestOf(t, o), o.Namespace) {
			failed[r] = true
		}
		for rule := range enforced {
			if rule == "EPS035" && w.UnknownPullPolicy {
				continue // unknown until apply in plan-check; no admission-time counterpart
			}
			if failed[rule] != w.Fails(rule, nil) {
				t.Errorf("%s %s: %s: CEL says fail=%v, plan-check says fail=%v", w.Plan, o.Address, rule, failed[rule], w.Fails(rule, nil))
			}
			if failed[rule] {
				seen[rule] = true
			}
			compared++
			if len(sels) > 0 {
				fargate++
			}
		}
	}
	// Every opt-in form refuses something in the fixtures, or the comparison proves little.
	var never []string
	for _, r := range rules.OptInRules() {
		if !seen[r.ID] {
			never = append(never, r.ID)
		}
	}
	sort.Strings(never)
	if len(never) > 0 {
		t.Errorf("no fixture workload fails %s: the differential test does not exercise them", strings.Join(never, ", "))
	}
	if fargate == 0 {
		t.Error("no workload with Fargate selectors compared")
	}
	t.Logf("%d opt-in verdicts compared on %d workloads (%d with Fargate selectors)", compared, len(workloads), fargate)
}

// TestDifferentialAdditionalEdges holds the opt-in forms to their Go checks on hand-written
// pods for the edges the fixtures do not have (image references, quantities spelled
// differently, zero GPUs, sidecars' ephemeral storage, Windows pods).
func TestDifferentialAdditionalEdges(t *testing.T) {
	sels := []eks.Selector{{Namespace: "fargate-*"}}
	o := VAPOptions{AdditionalRules: optInIDs(), Fargate: sels}
	p, _ := Policy(o)
	c := compile(t, p)
	var enforced []string
	for _, v := range Validations(o) {
		if r, _ := rules.Lookup(v.Rule); r.CEL.OptIn {
			enforced = append(enforced, v.Rule)
		}
	}
	facts := rules.Facts{FargateProfiles: []eks.FargateProfile{{Name: "fp", Source: "aws_eks_fargate_profile.fp", Selectors: []eks.Selector{{Namespace: "fargate-*"}}}}}
	e, err := rules.New(allRulesOn())
	if err != nil {
		t.Fatal(err)
	}
	base := `{"name":"app","image":%q,"imagePullPolicy":"Always","securityContext":{"readOnlyRootFilesystem":true},` +
		`"livenessProbe":{"exec":{"command":["true"]}},"readinessProbe":{"exec":{"command":["true"]}},"resources":%s}`
	eq := `{"requests":{"cpu":"250m","memory":"512Mi"},"limits":{"cpu":"250m","memory":"512Mi"}}`
	container := func(image, resources string) string {
		return strings.ReplaceAll(strings.ReplaceAll(base, "%q", `"`+image+`"`), "%s", resources)
	}
	for name, tc := range map[string]struct{ ns, spec string }{
		"pinned":              {"apps", `{"enableServiceLinks":false,"containers":[` + container("nginx:1.27.3@sha256:abc", eq) + `]}`},
		"registry port":       {"apps", `{"enableServiceLinks":false,"containers":[` + container("registry.local:5000/tools/jq", eq) + `]}`},
		"latest":              {"apps", `{"enableServiceLinks":false,"containers":[` + container("nginx:latest", eq) + `]}`},
		"upper LATEST":        {"apps", `{"enableServiceLinks":false,"containers":[` + container("nginx:LATEST", eq) + `]}`},
		"port and tag":        {"apps", `{"enableServiceLinks":false,"containers":[` + container("localhost:5000/a:1", eq) + `]}`},
		"default namespace":   {"default", `{"enableServiceLinks":false,"containers":[` + container("x@sha256:abc", eq) + `]}`},
		"windows":             {"apps", `{"os":{"name":"windows"},"enableServiceLinks":false,"containers":[{"name":"w","image":"x@sha256:abc","imagePullPolicy":"Always","livenessProbe":{"exec":{"command":["a"]}},"readinessProbe":{"exec":{"command":["a"]}}}]}`},
		"fargate equal":       {"fargate-web", `{"enableServiceLinks":false,"containers":[` + container("x@sha256:abc", `{"requests":{"cpu":"0.5","memory":"1Gi"},"limits":{"cpu":"500m","memory":"1024Mi"}}`) + `]}`},
		"fargate unequal":     {"fargate-web", `{"enableServiceLinks":false,"containers":[` + container("x@sha256:abc", `{"requests":{"cpu":"250m","memory":"512Mi"},"limits":{"cpu":"1","memory":"2Gi"}}`) + `]}`},
		"fargate limits only": {"fargate-web", `{"enableServiceLinks":false,"containers":[` + container("x@sha256:abc", `{"limits":{"cpu":"1","memory":"2Gi"}}`) + `]}`},
		"fargate gpu":         {"fargate-web", `{"enableServiceLinks":false,"containers":[` + container("x@sha256:abc", `{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi","nvidia.com/gpu":"1"}}`) + `]}`},
		"fargate zero gpu":    {"fargate-web", `{"enableServiceLinks":false,"containers":[` + container("x@sha256:abc", `{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi","nvidia.com/gpu":"0"}}`) + `]}`},
		"fargate disk": {"fargate-web", `{"enableServiceLinks":false,"containers":[` + container("x@sha256:abc", `{"requests":{"cpu":"1","memory":"1Gi","ephemeral-storage":"100Gi"},"limits":{"cpu":"1","memory":"1Gi","ephemeral-storage":"100Gi"}}`) + `],` +
			`"initContainers":[{"name":"proxy","image":"x@sha256:abc","restartPolicy":"Always","imagePullPolicy":"Always","securityContext":{"readOnlyRootFilesystem":true},"resources":{"requests":{"ephemeral-storage":"80Gi"}}}]}`},
		"fargate disk fits": {"fargate-web", `{"enableServiceLinks":false,"containers":[` + container("x@sha256:abc", `{"requests":{"cpu":"1","memory":"1Gi","ephemeral-storage":"175Gi"},"limits":{"cpu":"1","memory":"1Gi","ephemeral-storage":"175Gi"}}`) + `],` +
			`"initContainers":[{"name":"unpack","image":"x@sha256:abc","imagePullPolicy":"Always","securityContext":{"readOnlyRootFilesystem":true},"resources":{"requests":{"ephemeral-storage":"175Gi"}}}]}`},
		"secret env": {"apps", `{"enableServiceLinks":false,"containers":[{"name":"a","image":"x@sha256:abc","imagePullPolicy":"Always","securityContext":{"readOnlyRootFilesystem":true},` +
			`"livenessProbe":{"exec":{"command":["a"]}},"readinessProbe":{"exec":{"command":["a"]}},"env":[{"name":"P","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}]}]}`},
	} {
		doc := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"` + tc.ns + `"},"spec":` + tc.spec + `}`
		var m map[string]any
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cel := map[string]bool{}
		for _, r := range c.evaluate(t, m, tc.ns) {
			cel[r] = true
		}
		obj := objtest.FromYAML(t, "kubernetes_manifest.x", doc)
		goFails := map[string]bool{}
		for _, v := range e.Judge(e.Context(nil, facts), obj) {
			if v.Status == finding.Fail {
				goFails[v.Rule.ID] = true
			}
		}
		for _, rule := range enforced {
			if cel[rule] != goFails[rule] {
				t.Errorf("%s: %s: CEL says fail=%v, Go says fail=%v", name, rule, cel[rule], goFails[rule])
			}
		}
	}
}
