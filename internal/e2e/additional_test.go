package e2e

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/admission"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/fixtures"
)

// optIn lists the rules with an opt-in admission form; fargate says whether each needs
// Fargate selectors.
func optIn() (ids []string, fargate map[string]bool) {
	fargate = map[string]bool{}
	for _, r := range rules.OptInRules() {
		ids = append(ids, r.ID)
		fargate[r.ID] = r.CEL.NeedsFargate
	}
	return ids, fargate
}

// waitForPolicy polls with an object the policy must refuse until it does (the API
// server names the first validation that fails).
func waitForPolicy(t *testing.T, c *cluster, probe, policy string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.kubectl(probe, "create", "--dry-run=server", "-f", "-")
		if err != nil && strings.Contains(out, "ValidatingAdmissionPolicy '"+policy+"'") {
			return
		}
		if time.Now().After(deadline) {
			status, _ := c.kubectl("", "get", "validatingadmissionpolicies", "-o", "yaml")
			t.Fatalf("the policy never took effect: %s\n%s", out, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestAdmissionAdditionalRules: with additional_rules naming every opt-in rule, the API
// server refuses every fixture workload (the shared fixtures' and the new rules' plans)
// that plan-check, with every rule on, reports under one of them — naming the rule — and
// admits the others. The Fargate forms and EPS034 (the default namespace), which depend on
// the namespace the object lands in, are held to hand-written pods in namespaces a Fargate
// selector does and does not select, and in default.
func TestAdmissionAdditionalRules(t *testing.T) {
	requireE2E(t)
	c := startCluster(t)
	const ns = "e2e-additional"
	ids, needsFargate := optIn()

	nsObj := psaNamespace(t, render.PodSecuritySpec{Namespace: ns, Enforce: profile.Privileged, Audit: profile.Restricted, Warn: profile.Restricted, Version: "v1.31"})
	fargateNS := &corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: "fargate-e2e"}}
	// The LimitRange fills requests and limits in before validation (EPS014/EPS015 are
	// TestAdmission's), so refusals here are the other rules'.
	lr, err := render.LimitRange(render.LimitRangeSpec{Name: "defaults", Namespace: ns, Container: &render.ContainerLimits{
		Default: map[string]string{"cpu": "500m", "memory": "256Mi"}, DefaultRequest: map[string]string{"cpu": "100m", "memory": "128Mi"},
	}}, render.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	o := admission.VAPOptions{Name: "ekspodsec-additional", AdditionalRules: ids, Fargate: []eks.Selector{{Namespace: "fargate-*"}}}
	policy, binding := admission.Policy(o)
	c.mustKubectl(t, toYAML(t, nsObj, fargateNS, lr.LimitRange, policy, binding), "apply", "-f", "-")
	for _, n := range []string{ns, "fargate-e2e", "default"} {
		c.kubectl("", "-n", n, "create", "serviceaccount", "default") // no controller manager; default may exist already
	}
	waitForPolicy(t, c, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"probe","namespace":"`+ns+`"},"spec":{"containers":[{"name":"a","image":"busybox"}]}}`, "ekspodsec-additional")

	files, err := filepath.Glob("../plancheck/testdata/plans/*.json")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("../plancheck/testdata/newrules/*/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	on := rules.Options{Overrides: map[string]rules.RuleOverride{}}
	for _, r := range rules.Catalogue() {
		if r.DefaultOff {
			on.Overrides[r.ID] = rules.RuleOverride{Enabled: true}
		}
	}
	all, err := fixtures.WorkloadsOf(append(files, more...), plancheck.Options{Rules: on})
	if err != nil {
		t.Fatal(err)
	}
	// What the policy enforces in a namespace no Fargate selector selects, other than
	// default: every validation but the Fargate forms (EPS019 included), EPS034, and
	// EPS014/EPS015 (the LimitRange).
	enforced := map[string]bool{}
	for _, v := range admission.Validations(o) {
		r, _ := rules.Lookup(v.Rule)
		enforced[v.Rule] = !needsFargate[v.Rule] && v.Rule != "EPS019" && v.Rule != "EPS034" && v.Rule != "EPS014" && v.Rule != "EPS015" && r.CEL != nil
	}
	refused, admitted, invalid := 0, 0, 0
	for i, fw := range all {
		if fw.UnknownSpec {
			continue
		}
		o := fw.Object
		spec := o.Workload.Spec.DeepCopy()
		ephemeral := map[string]bool{}
		for _, e := range spec.EphemeralContainers {
			ephemeral[e.Name] = true
		}
		spec.EphemeralContainers = nil
		var expect []string
		for rule := range fw.Failing {
			if enforced[rule] && fw.Fails(rule, ephemeral) && !(rule == "EPS035" && fw.UnknownPullPolicy) {
				expect = append(expect, rule)
			}
		}
		sort.Strings(expect)
		name := fw.Plan + " " + o.Address
		y, err := yaml.Marshal(manifestFor(t, o, spec, ns, i))
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.kubectl(string(y), "create", "--dry-run=server", "-f", "-")
		policyRefused := err != nil && strings.Contains(out, "ekspodsec-additional")
		switch {
		case err != nil && !policyRefused && strings.Contains(out, " is invalid: "):
			invalid++ // refused by the API's own validation before admission
		case len(expect) > 0 && !policyRefused:
			t.Errorf("%s: admitted, but plan-check reports %v (%v %s)", name, expect, err, out)
		case len(expect) > 0:
			named := false
			for _, r := range expect {
				named = named || strings.Contains(out, r+":")
			}
			if !named {
				t.Errorf("%s: refused without naming one of %v: %s", name, expect, out)
			}
			refused++
		case policyRefused:
			t.Errorf("%s: refused, but plan-check reports none of the rules the policy enforces here: %s", name, out)
		default:
			admitted++
		}
	}
	// Every fixture workload breaks one opt-in rule or another (read-only root
	// filesystems, service links, pinned images...): what is admitted is held to the
	// hand-written pods below.
	if refused < 40 {
		t.Errorf("refused %d, admitted %d: the fixtures should exercise the policy", refused, admitted)
	}
	t.Logf("%d fixture workloads refused naming the rule, %d admitted, %d invalid", refused, admitted, invalid)

	// The namespace-dependent forms, on hand-written pods that pass every other opt-in rule.
	good := `"enableServiceLinks":false,"containers":[{"name":"a","image":"busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","imagePullPolicy":"Always",` +
		`"securityContext":{"readOnlyRootFilesystem":true},"livenessProbe":{"exec":{"command":["true"]}},"readinessProbe":{"exec":{"command":["true"]}},"resources":RES}]`
	res := func(r string) string { return strings.Replace(good, "RES", r, 1) }
	equal := `{"requests":{"cpu":"250m","memory":"512Mi"},"limits":{"cpu":"250m","memory":"512Mi"}}`
	for name, tc := range map[string]struct{ ns, spec, want string }{
		"compliant":             {ns, res(equal), ""},
		"compliant on Fargate":  {"fargate-e2e", res(equal), ""},
		"default namespace":     {"default", res(equal), "EPS034"},
		"requests below limits": {"fargate-e2e", res(`{"requests":{"cpu":"250m","memory":"512Mi"},"limits":{"cpu":"1","memory":"2Gi"}}`), "EPS025"},
		"same off Fargate":      {ns, res(`{"requests":{"cpu":"250m","memory":"512Mi"},"limits":{"cpu":"1","memory":"2Gi"}}`), ""},
		"GPU on Fargate":        {"fargate-e2e", res(`{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi","nvidia.com/gpu":"1"}}`), "EPS027"},
		"disk on Fargate":       {"fargate-e2e", res(`{"requests":{"cpu":"1","memory":"1Gi","ephemeral-storage":"200Gi"},"limits":{"cpu":"1","memory":"1Gi","ephemeral-storage":"200Gi"}}`), "EPS028"},
		"175Gi of disk fits":    {"fargate-e2e", res(`{"requests":{"cpu":"1","memory":"1Gi","ephemeral-storage":"175Gi"},"limits":{"cpu":"1","memory":"1Gi","ephemeral-storage":"175Gi"}}`), ""},
	} {
		doc := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"` + tc.ns + `"},"spec":{` + tc.spec + `}}`
		out, err := c.kubectl(doc, "create", "--dry-run=server", "-f", "-")
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused: %s", name, out)
		case tc.want != "" && (err == nil || !strings.Contains(out, tc.want+":")):
			t.Errorf("%s: want a refusal naming %s: %v %s", name, tc.want, err, out)
		}
	}
}
