package plancheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/settings"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/source"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/helmtest"
)

// updatePlans are the real UPDATE plans of testdata (each made by applying
// cases/NAME/applied to a kube-apiserver, then planning cases/NAME with refresh).
var updatePlans = []string{"update_escalation", "update_fix", "update_role_wildcard", "update_capability_added",
	"update_context_removed", "update_binding_group", "update_manifest", "update_replace", "update_role_bound"}

// diffCheck runs plan-check --diff on testdata/plans/NAME.json with its case as --source.
func diffCheck(t *testing.T, name string, mod func(*Options)) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "plans", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{PlanName: name + ".json", Gate: report.Gate{FailOn: finding.High}, ToolVersion: "test", Diff: true}
	if dir := filepath.Join("testdata", "cases", name); dirExists(dir) {
		idx, err := source.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		opts.Source = idx
	}
	if mod != nil {
		mod(&opts)
	}
	rep, err := Check(data, opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rep
}

// changeKey is "address|RULE" or "address|RULE@container".
func changeKey(f finding.Finding) string {
	k := f.Address + "|" + f.RuleID
	if f.Container != "" {
		k += "@" + f.Container
	}
	return k
}

// byChange indexes a report's findings by changeKey.
func byChange(rep *report.Report) map[string][]finding.Finding {
	out := map[string][]finding.Finding{}
	for _, f := range rep.Findings {
		out[changeKey(f)] = append(out[changeKey(f)], f)
	}
	return out
}

// diffExpectation is what --diff must say of one update plan: the change of findings
// (the fixture README's tables for the shared ones; each case's main.tf comment for ours;
// both were written before EPS023-EPS035 and EPS112-EPS116: what those rules add is
// listed here with a comment),
// a substring of the reason where it matters, findings that must not be reported, changes
// that must not occur at all, and whether the run fails (--fail-on high).
type diffExpectation struct {
	must    map[string]finding.Change
	reason  map[string]string
	mustNot []string
	never   []finding.Change
	fails   bool
	// only, when set, holds the addresses new findings beyond must may be on (rules
	// other work adds: a wildcard rule on the Roles of update_role_wildcard).
	only []string
}

var diffExpectations = map[string]diffExpectation{
	"update_escalation": {
		must: map[string]finding.Change{
			"kubernetes_deployment_v1.log_viewer|EPS001@viewer": finding.New,
			"kubernetes_deployment_v1.log_viewer|EPS005":        finding.New,
			"kubernetes_deployment_v1.log_viewer|EPS007":        finding.New,
			// the rules added since see the before state's only problems, unchanged:
			// service links (the provider sends true) and the container's runAsNonRoot
			// false (the provider sends it for a security_context without it)
			"kubernetes_deployment_v1.log_viewer|EPS024":        finding.Existing,
			"kubernetes_deployment_v1.log_viewer|EPS032@viewer": finding.Existing,
		},
		reason: map[string]string{"kubernetes_deployment_v1.log_viewer|EPS001@viewer": "PSS level baseline → privileged"},
		// EPS002@viewer is folded into EPS001 (privileged means escalation allowed)
		mustNot: []string{"kubernetes_deployment_v1.log_viewer|EPS002@viewer", "kubernetes_deployment_v1.log_viewer|EPS006@viewer",
			"kubernetes_deployment_v1.log_viewer|EPS008", "kubernetes_deployment_v1.log_viewer|EPS010"},
		never: []finding.Change{finding.Worse, finding.Fixed},
		fails: true,
	},
	"update_fix": {
		must: map[string]finding.Change{
			"kubernetes_deployment_v1.report_builder|EPS001@builder": finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS002@builder": finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS004@builder": finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS005":         finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS006@builder": finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS007":         finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS008":         finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS010":         finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS014@builder": finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS015@builder": finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS020":         finding.Existing,
			// rules added since: the read-write root filesystem is fixed, service links
			// stay; the container's runAsNonRoot false stays, which EPS004 (user 0) said
			// before and EPS032 says now: existing, not new
			"kubernetes_deployment_v1.report_builder|EPS023@builder": finding.Fixed,
			"kubernetes_deployment_v1.report_builder|EPS024":         finding.Existing,
			"kubernetes_deployment_v1.report_builder|EPS032@builder": finding.Existing,
		},
		reason: map[string]string{"kubernetes_deployment_v1.report_builder|EPS032@builder": "said before by EPS004"},
		// EPS013 and EPS016 of the privileged container before are EPS001's (its message
		// names them)
		mustNot: []string{"kubernetes_deployment_v1.report_builder|EPS013@builder", "kubernetes_deployment_v1.report_builder|EPS016@builder"},
		never:   []finding.Change{finding.New, finding.Worse},
	},
	"update_role_wildcard": {
		must:   map[string]finding.Change{"kubernetes_role_binding_v1.config_reader|EPS108": finding.Worse},
		reason: map[string]string{"kubernetes_role_binding_v1.config_reader|EPS108": "the role it grants gained permissions"},
		mustNot: []string{"kubernetes_role_binding_v1.deployer|EPS108", "kubernetes_role_binding_v1.deployer|EPS109",
			"kubernetes_role_binding_v1.config_reader|EPS109"},
		never: []finding.Change{finding.Fixed},
		fails: true,
		only:  []string{"kubernetes_role_v1.config_reader", "kubernetes_role_v1.deployer"},
	},
	"update_capability_added": {
		must: map[string]finding.Change{
			"kubernetes_deployment_v1.flow_agent|EPS012@agent": finding.New,
			"kubernetes_deployment_v1.flow_agent|EPS020":       finding.Existing,
			// rules added since: unchanged problems of both sides
			"kubernetes_deployment_v1.flow_agent|EPS024":          finding.Existing,
			"kubernetes_deployment_v1.flow_agent|EPS032@agent":    finding.Existing,
			"kubernetes_deployment_v1.flow_agent|EPS032@exporter": finding.Existing,
		},
		reason:  map[string]string{"kubernetes_deployment_v1.flow_agent|EPS012@agent": "PSS level baseline → privileged"},
		mustNot: []string{"kubernetes_deployment_v1.flow_agent|EPS012@exporter", "kubernetes_deployment_v1.flow_agent|EPS013@agent"},
		never:   []finding.Change{finding.Worse, finding.Fixed},
		fails:   true,
	},
	"update_context_removed": {
		must: map[string]finding.Change{
			"kubernetes_deployment_v1.storefront|EPS002@web": finding.New,
			"kubernetes_deployment_v1.storefront|EPS003@web": finding.New,
			"kubernetes_deployment_v1.storefront|EPS013@web": finding.New,
			"kubernetes_deployment_v1.storefront|EPS016@web": finding.New,
			// rules added since: the root filesystem is no longer read-only; service
			// links were never disabled. The container's runAsNonRoot false before
			// (EPS032) is what EPS003 says now: not fixed, not reported twice
			"kubernetes_deployment_v1.storefront|EPS023@web": finding.New,
			"kubernetes_deployment_v1.storefront|EPS024":     finding.Existing,
		},
		mustNot: []string{"kubernetes_deployment_v1.storefront|EPS014@web", "kubernetes_deployment_v1.storefront|EPS020",
			"kubernetes_deployment_v1.storefront|EPS032@web"},
		never: []finding.Change{finding.Worse, finding.Fixed},
		fails: true,
	},
	"update_binding_group": {
		must: map[string]finding.Change{
			"kubernetes_cluster_role_binding_v1.readers|EPS108": finding.New,
			"kubernetes_role_binding_v1.ci_edit|EPS108":         finding.Worse,
			"kubernetes_cluster_role_binding_v1.oncall|EPS108":  finding.Worse,
			"kubernetes_cluster_role_binding_v1.oncall|EPS103":  finding.New,
		},
		reason: map[string]string{
			"kubernetes_role_binding_v1.ci_edit|EPS108":        "the binding gained a subject",
			"kubernetes_cluster_role_binding_v1.oncall|EPS108": "severity high → critical",
		},
		never: []finding.Change{finding.Fixed, finding.Existing},
		fails: true,
	},
	"update_manifest": {
		must: map[string]finding.Change{
			"kubernetes_manifest.api|EPS010":                 finding.New,
			"kubernetes_manifest.api|EPS011@api":             finding.New,
			"kubernetes_manifest.api|EPS020":                 finding.Existing,
			"kubernetes_manifest.pod_reader_everyone|EPS108": finding.Worse,
		},
		reason: map[string]string{
			"kubernetes_manifest.api|EPS010":                 "PSS level restricted → privileged",
			"kubernetes_manifest.pod_reader_everyone|EPS108": "the role it grants gained permissions",
		},
		// the object of nulls would read as hostPath, seccomp type "" and the like
		mustNot: []string{"kubernetes_manifest.api|EPS005", "kubernetes_manifest.api|EPS016@api", "kubernetes_manifest.api|EPS018"},
		never:   []finding.Change{finding.Fixed},
		fails:   true,
	},
	"update_replace": {
		must: map[string]finding.Change{
			"kubernetes_daemon_set_v1.node_debug|EPS001@shell": finding.Fixed,
			"kubernetes_daemon_set_v1.node_debug|EPS003@shell": finding.Fixed,
			"kubernetes_daemon_set_v1.node_debug|EPS010":       finding.Fixed,
			"kubernetes_daemon_set_v1.node_debug|EPS014@shell": finding.Fixed,
			"kubernetes_daemon_set_v1.node_debug|EPS015@shell": finding.Fixed,
			"kubernetes_daemon_set_v1.node_debug|EPS020":       finding.Fixed,
			"kubernetes_job_v1.migrate|EPS004@migrate":         finding.New,
			"kubernetes_job_v1.migrate|EPS010":                 finding.Fixed,
			"kubernetes_deployment_v1.worker|EPS014@worker":    finding.New,
			"kubernetes_deployment_v1.worker|EPS015@worker":    finding.New,
			// rules added since: the deleted DaemonSet's are fixed, the others' stay;
			// migrate's runAsNonRoot control (EPS032 before) is EPS004's now (user 0)
			"kubernetes_daemon_set_v1.node_debug|EPS023@shell": finding.Fixed,
			"kubernetes_daemon_set_v1.node_debug|EPS024":       finding.Fixed,
			"kubernetes_deployment_v1.worker|EPS024":           finding.Existing,
			"kubernetes_deployment_v1.worker|EPS032@worker":    finding.Existing,
			"kubernetes_job_v1.migrate|EPS024":                 finding.Existing,
		},
		reason: map[string]string{
			"kubernetes_daemon_set_v1.node_debug|EPS001@shell": "the plan deletes it",
			"kubernetes_daemon_set_v1.node_debug|EPS020":       "the plan deletes it",
		},
		mustNot: []string{"kubernetes_job_v1.migrate|EPS032@migrate"},
		never:   []finding.Change{finding.Worse},
		fails:   true,
	},
	"update_role_bound": {
		must: map[string]finding.Change{
			"kubernetes_role_v1.pod_runner|EPS113":            finding.Worse,
			"kubernetes_cluster_role_v1.secret_reader|EPS113": finding.Worse,
		},
		reason: map[string]string{
			"kubernetes_role_v1.pod_runner|EPS113":            "the plan's bindings bind it to one more subject",
			"kubernetes_cluster_role_v1.secret_reader|EPS113": "the plan's bindings bind it to one more subject",
		},
		never: []finding.Change{finding.New, finding.Existing, finding.Fixed},
		// EPS113 is medium: the run passes at --fail-on high (TestDiffRoleBound fails it
		// at medium)
		fails: false,
	},
}

// TestDiffUpdatePlans: on each real update plan, --diff says what the fixture README (or
// the case's comment) says: which findings are new, worse, existing or fixed, and why.
func TestDiffUpdatePlans(t *testing.T) {
	if len(diffExpectations) != len(updatePlans) {
		t.Fatalf("%d expectations for %d update plans", len(diffExpectations), len(updatePlans))
	}
	for _, name := range updatePlans {
		t.Run(name, func(t *testing.T) {
			exp := diffExpectations[name]
			rep := diffCheck(t, name, nil)
			got := byChange(rep)
			for k, want := range exp.must {
				fs := got[k]
				if len(fs) != 1 || fs[0].Change != want {
					t.Errorf("%s: %s, want one %s", k, describe(fs), want)
					continue
				}
				if r := exp.reason[k]; r != "" && !strings.Contains(fs[0].ChangeReason, r) {
					t.Errorf("%s: reason %q, want %q", k, fs[0].ChangeReason, r)
				}
			}
			for _, k := range exp.mustNot {
				if fs := got[k]; len(fs) > 0 {
					t.Errorf("%s reported: %s", k, describe(fs))
				}
			}
			for _, f := range rep.Findings {
				if f.Change == "" {
					t.Errorf("%s: no change", changeKey(f))
				}
				for _, c := range exp.never {
					if f.Change == c {
						t.Errorf("%s is %s: none is", changeKey(f), c)
					}
				}
				if _, ok := exp.must[changeKey(f)]; ok || f.Change != finding.New || exp.only == nil {
					continue
				}
				if !contains(exp.only, f.Address) {
					t.Errorf("%s is new, on none of %v", changeKey(f), exp.only)
				}
			}
			if rep.Failed() != exp.fails {
				t.Errorf("failed %v, want %v", rep.Failed(), exp.fails)
			}
			if rep.Compared != report.CompareDiff || !rep.Gate.ChangesOnly {
				t.Errorf("compared %q, changes only %v", rep.Compared, rep.Gate.ChangesOnly)
			}
		})
	}
}

func describe(fs []finding.Finding) string {
	if len(fs) == 0 {
		return "not reported"
	}
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%s (%s)", f.Change, f.ChangeReason))
	}
	return strings.Join(parts, ", ")
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestDiffFoldsPrivileged: the fixed EPS001 of update_fix names what it folds in.
func TestDiffFoldsPrivileged(t *testing.T) {
	fs := byChange(diffCheck(t, "update_fix", nil))["kubernetes_deployment_v1.report_builder|EPS001@builder"]
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "EPS013") || !strings.Contains(fs[0].Message, "EPS016") {
		t.Errorf("EPS001: %+v", fs)
	}
}

// priorAsPlanned rewrites a plan so that what exists now is what it plans: each change's
// before (and before_sensitive) as its after, nothing unknown, deletes kept, creates
// dropped. plan-check on it judges the objects as they exist now on their own.
func priorAsPlanned(t *testing.T, data []byte) []byte {
	t.Helper()
	p := decodePlan(t, data)
	var kept []any
	for _, rc := range p["resource_changes"].([]any) {
		m := rc.(map[string]any)
		ch := m["change"].(map[string]any)
		if ch["before"] == nil {
			continue
		}
		ch["after"], ch["after_unknown"], ch["actions"] = ch["before"], map[string]any{}, []any{"update"}
		ch["after_sensitive"] = ch["before_sensitive"]
		if ch["after_sensitive"] == nil {
			ch["after_sensitive"] = map[string]any{}
		}
		kept = append(kept, m)
	}
	p["resource_changes"] = kept
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// deletedAddresses are the addresses a plan deletes.
func deletedAddresses(t *testing.T, data []byte) map[string]bool {
	out := map[string]bool{}
	for _, rc := range decodePlan(t, data)["resource_changes"].([]any) {
		m := rc.(map[string]any)
		if a := m["change"].(map[string]any)["actions"].([]any); len(a) == 1 && a[0] == "delete" {
			out[m["address"].(string)] = true
		}
	}
	return out
}

// fingerprints is the sorted multiset of fingerprints of findings.
func fingerprints(fs []finding.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, finding.Fingerprint(f)+" "+f.RuleID+" "+f.Address)
	}
	sort.Strings(out)
	return out
}

// TestDiffSidesAreStandaloneChecks: the two sides of a diff are plan-check's own verdicts
// on each side. The findings the plan leaves (new, worse, existing) are those of
// plan-check without --diff, message for message; the findings of the objects as they
// exist now (the fixed ones, and the counterparts of existing and worse ones) are those
// of plan-check on a plan whose after is the prior value. Typed resources only (a
// kubernetes_manifest's prior object is read without its objects of nulls, which its
// planned manifest never has), and not deleted ones (with no configuration left, their
// prior values equal to the provider's defaults are taken as defaults, which a planned
// value without configuration is not).
func TestDiffSidesAreStandaloneChecks(t *testing.T) {
	for _, name := range updatePlans {
		if name == "update_manifest" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "plans", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Gate: report.Gate{FailOn: finding.High}}
			plain, err := Check(data, opts)
			if err != nil {
				t.Fatal(err)
			}
			opts.Diff = true
			diff, err := Check(data, opts)
			if err != nil {
				t.Fatal(err)
			}
			prior, err := Check(priorAsPlanned(t, data), Options{Gate: report.Gate{FailOn: finding.High}})
			if err != nil {
				t.Fatal(err)
			}
			deleted := deletedAddresses(t, data)
			var after, before []finding.Finding
			for _, f := range diff.Findings {
				if deleted[f.Address] {
					continue
				}
				if f.Change == finding.Fixed {
					before = append(before, f)
					continue
				}
				g := f
				g.Change, g.ChangeReason = "", ""
				after = append(after, g)
				// an existing finding another rule's finding said before (rules.SaidBy) has
				// no counterpart of its own rule now
				if (f.Change == finding.Existing && !strings.HasPrefix(f.ChangeReason, "said before by ")) || f.Change == finding.Worse {
					before = append(before, f)
				}
			}
			if got, want := fmt.Sprint(after), fmt.Sprint(plain.Findings); got != want {
				t.Errorf("the plan's side differs from plan-check without --diff:\n%s\nwant\n%s", got, want)
			}
			var standalone []finding.Finding
			printed := map[string]bool{}
			for _, f := range after {
				printed[finding.Fingerprint(f)] = true
			}
			for _, f := range prior.Findings {
				// a finding of now that a finding of the plan says (rules.SaidBy) is
				// neither fixed nor existing: the plan's finding reports it
				if !deleted[f.Address] && (printed[finding.Fingerprint(f)] || sayer(&f, after, rules.SaidBy) == "") {
					standalone = append(standalone, f)
				}
			}
			if got, want := strings.Join(fingerprints(before), "\n"), strings.Join(fingerprints(standalone), "\n"); got != want {
				t.Errorf("the side of now differs from plan-check on the prior values:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestDiffOffIsUnchanged: without Diff, the prior values are never read and the report
// has no change: a plan whose before is malformed checks as before.
func TestDiffOffIsUnchanged(t *testing.T) {
	p := decodePlan(t, readPlanFile(t, "update_fix"))
	for _, rc := range p["resource_changes"].([]any) {
		rc.(map[string]any)["change"].(map[string]any)["before"] = []any{"not", "an", "object"}
	}
	data, _ := json.Marshal(p)
	rep, err := Check(data, Options{Gate: report.Gate{FailOn: finding.High}})
	if err != nil {
		t.Fatalf("without --diff the prior value is read: %v", err)
	}
	for _, f := range rep.Findings {
		if f.Change != "" {
			t.Errorf("%s has change %s", changeKey(f), f.Change)
		}
	}
	_, err = Check(data, Options{Gate: report.Gate{FailOn: finding.High}, Diff: true})
	if err == nil || !strings.Contains(err.Error(), "kubernetes_deployment_v1.report_builder: change.before is an object, not a list") {
		t.Errorf("--diff on a malformed before: %v", err)
	}
}

func readPlanFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "plans", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDiffCreatesAreNew: a plan that creates everything has no prior value: with --diff
// every finding is new.
func TestDiffCreatesAreNew(t *testing.T) {
	rep, err := Check(readPlanFile(t, "deployment_v1_violating"), Options{Gate: report.Gate{FailOn: finding.High}, Diff: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) < 10 {
		t.Fatalf("%d findings", len(rep.Findings))
	}
	for _, f := range rep.Findings {
		if f.Change != finding.New {
			t.Errorf("%s: %s", changeKey(f), f.Change)
		}
	}
	if !rep.Failed() {
		t.Error("new critical findings do not fail the run")
	}
}

// TestDiffWaivers: the settings' waivers apply to both sides; a finding waived on both is
// existing and waived, and the run passes.
func TestDiffWaivers(t *testing.T) {
	st, err := settings.Parse([]byte(`waiver {
  rule    = "EPS108"
  address = "kubernetes_role_binding_v1.config_reader"
  reason  = "reviewed"
  expires = "2099-01-01"
}
waiver {
  rule    = "EPS113"
  address = "kubernetes_role_v1.*"
  reason  = "the Roles' own findings: waived too, so that only the binding's decides"
  expires = "2099-01-01"
}`), ".ekspodsec.hcl")
	if err != nil {
		t.Fatal(err)
	}
	rep := diffCheck(t, "update_role_wildcard", func(o *Options) { o.Settings = st })
	fs := byChange(rep)["kubernetes_role_binding_v1.config_reader|EPS108"]
	if len(fs) != 1 || fs[0].Status != finding.Waived || fs[0].Change != finding.Worse {
		t.Fatalf("EPS108: %+v", fs)
	}
	if rep.Failed() {
		t.Error("a waived finding fails the run")
	}
}

// TestDiffHelmUpgrade: a helm_release the plan upgrades is rendered as installed now (its
// prior values) too: the escalation the upgrade brings is new, the namespace's findings
// existing.
func TestDiffHelmUpgrade(t *testing.T) {
	fx := helmtest.ServeFixtures(t, helmDir)
	rep := checkHelmPlan(t, fx, "helm_upgrade_escalation.json", "", func(o *Options) { o.Diff = true })
	byRule := map[string]finding.Change{}
	for _, f := range rep.Findings {
		key := f.RuleID + "@" + f.Container + " " + f.Kind
		if prev, ok := byRule[key]; ok && prev != f.Change {
			t.Errorf("%s: %s and %s", key, prev, f.Change)
		}
		byRule[key] = f.Change
	}
	for key, want := range map[string]finding.Change{
		"EPS001@web Deployment": finding.New, "EPS010@ Deployment": finding.New,
		"EPS105@ Namespace": finding.Existing, "EPS107@ Namespace": finding.Existing,
	} {
		if byRule[key] != want {
			t.Errorf("%s: %q, want %s (%v)", key, byRule[key], want, byRule)
		}
	}
	for _, f := range rep.Findings {
		if f.Change == finding.New && f.Kind == "Deployment" && !strings.Contains(f.ChangeReason, "PSS level restricted → privileged") {
			t.Errorf("%s: reason %q", changeKey(f), f.ChangeReason)
		}
		if f.Change == finding.Fixed {
			t.Errorf("%s fixed", changeKey(f))
		}
	}
	if !rep.Failed() {
		t.Error("the upgrade's escalation does not fail the run")
	}
}

// changePlan is a plan of one resource change (JSON values).
func changePlan(t *testing.T, rc map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": []any{rc}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const privilegedPodYAML = `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: ops
spec:
  automountServiceAccountToken: false
  containers:
  - name: shell
    image: busybox:1.36
    securityContext:
      privileged: true
`

// TestDiffKubectlManifest: a kubectl_manifest's prior value is its before yaml_body: an
// update that removes privileged fixes EPS001, and the EPS002 that EPS001 said before
// (escalation is still not disabled) is existing, not new.
func TestDiffKubectlManifest(t *testing.T) {
	fixed := strings.Replace(privilegedPodYAML, "privileged: true", "privileged: false", 1)
	data := changePlan(t, map[string]any{
		"address": "kubectl_manifest.debug", "mode": "managed", "type": "kubectl_manifest", "name": "debug",
		"change": map[string]any{
			"actions":          []any{"update"},
			"before":           map[string]any{"yaml_body": privilegedPodYAML, "override_namespace": nil},
			"before_sensitive": map[string]any{},
			"after":            map[string]any{"yaml_body": fixed, "override_namespace": nil},
			"after_unknown":    map[string]any{},
			"after_sensitive":  map[string]any{},
		},
	})
	rep, err := Check(data, Options{Gate: report.Gate{FailOn: finding.High}, Diff: true})
	if err != nil {
		t.Fatal(err)
	}
	fs := byChange(rep)["kubectl_manifest.debug|EPS001@shell"]
	if len(fs) != 1 || fs[0].Change != finding.Fixed {
		t.Fatalf("EPS001: %s (%v)", describe(fs), rep.Findings)
	}
	fs = byChange(rep)["kubectl_manifest.debug|EPS002@shell"]
	if len(fs) != 1 || fs[0].Change != finding.Existing || fs[0].ChangeReason != "said before by EPS001" {
		t.Errorf("EPS002: %s", describe(fs))
	}
	for _, f := range rep.Findings {
		if rep.Gate.Fails(f) {
			t.Errorf("%s (%s) fails the run", changeKey(f), f.Change)
		}
	}
}

// TestDiffManifestWithoutObject: a kubernetes_manifest whose prior object is null (the
// state of an older provider) is judged from its prior manifest; its marks in
// before_sensitive are kept.
func TestDiffManifestWithoutObject(t *testing.T) {
	manifest := func(privileged bool) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "debug", "namespace": "ops"},
			"spec": map[string]any{"automountServiceAccountToken": false, "containers": []any{map[string]any{"name": "shell", "image": "busybox:1.36",
				"securityContext": map[string]any{"privileged": privileged}}}}}
	}
	data := changePlan(t, map[string]any{
		"address": "kubernetes_manifest.debug", "mode": "managed", "type": "kubernetes_manifest", "name": "debug",
		"change": map[string]any{
			"actions":          []any{"update"},
			"before":           map[string]any{"manifest": manifest(false), "object": nil},
			"before_sensitive": map[string]any{"manifest": map[string]any{"metadata": map[string]any{"name": true}}},
			"after":            map[string]any{"manifest": manifest(true), "object": nil},
			"after_unknown":    map[string]any{"object": true},
			"after_sensitive":  map[string]any{},
		},
	})
	rep, err := Check(data, Options{Gate: report.Gate{FailOn: finding.High}, Diff: true})
	if err != nil {
		t.Fatal(err)
	}
	if fs := byChange(rep)["kubernetes_manifest.debug|EPS001@shell"]; len(fs) != 1 || fs[0].Change != finding.New {
		t.Fatalf("EPS001: %s", describe(fs))
	}
}

// TestGainsPermission: what counts as a role gaining permissions.
func TestGainsPermission(t *testing.T) {
	rule := func(groups, resources, verbs []string, names ...string) rbacv1.PolicyRule {
		return rbacv1.PolicyRule{APIGroups: groups, Resources: resources, Verbs: verbs, ResourceNames: names}
	}
	core, get := []string{""}, []string{"get", "list", "watch"}
	for _, tc := range []struct {
		name          string
		before, after []rbacv1.PolicyRule
		want          bool
	}{
		{"same", []rbacv1.PolicyRule{rule(core, []string{"configmaps"}, get)}, []rbacv1.PolicyRule{rule(core, []string{"configmaps"}, get)}, false},
		{"verbs reordered and split", []rbacv1.PolicyRule{rule(core, []string{"configmaps"}, get)},
			[]rbacv1.PolicyRule{rule(core, []string{"configmaps"}, []string{"watch"}), rule(core, []string{"configmaps"}, []string{"list", "get"})}, false},
		{"fewer", []rbacv1.PolicyRule{rule(core, []string{"configmaps", "secrets"}, get)}, []rbacv1.PolicyRule{rule(core, []string{"configmaps"}, []string{"get"})}, false},
		{"a verb", []rbacv1.PolicyRule{rule(core, []string{"configmaps"}, get)}, []rbacv1.PolicyRule{rule(core, []string{"configmaps"}, []string{"get", "delete"})}, true},
		{"verb *", []rbacv1.PolicyRule{rule(core, []string{"configmaps"}, get)}, []rbacv1.PolicyRule{rule(core, []string{"configmaps"}, []string{"*"})}, true},
		{"* covers", []rbacv1.PolicyRule{rule([]string{"*"}, []string{"*"}, []string{"*"})}, []rbacv1.PolicyRule{rule(core, []string{"secrets"}, []string{"delete"})}, false},
		{"a resource", []rbacv1.PolicyRule{rule(core, []string{"pods"}, get)}, []rbacv1.PolicyRule{rule(core, []string{"pods", "secrets"}, get)}, true},
		{"an API group", []rbacv1.PolicyRule{rule(core, []string{"pods"}, get)}, []rbacv1.PolicyRule{rule([]string{"", "apps"}, []string{"pods"}, get)}, true},
		{"names dropped", []rbacv1.PolicyRule{rule(core, []string{"secrets"}, get, "one")}, []rbacv1.PolicyRule{rule(core, []string{"secrets"}, get)}, true},
		{"names narrowed", []rbacv1.PolicyRule{rule(core, []string{"secrets"}, get)}, []rbacv1.PolicyRule{rule(core, []string{"secrets"}, get, "one")}, false},
		{"another name", []rbacv1.PolicyRule{rule(core, []string{"secrets"}, get, "one")}, []rbacv1.PolicyRule{rule(core, []string{"secrets"}, get, "two")}, true},
		{"a URL", []rbacv1.PolicyRule{{NonResourceURLs: []string{"/healthz"}, Verbs: []string{"get"}}}, []rbacv1.PolicyRule{{NonResourceURLs: []string{"/healthz", "/metrics"}, Verbs: []string{"get"}}}, true},
		{"a URL under a prefix", []rbacv1.PolicyRule{{NonResourceURLs: []string{"/api/*"}, Verbs: []string{"get"}}}, []rbacv1.PolicyRule{{NonResourceURLs: []string{"/api/v1"}, Verbs: []string{"get"}}}, false},
		{"a rule from nothing", nil, []rbacv1.PolicyRule{rule(core, []string{"pods"}, []string{"get"})}, true},
	} {
		if got := gainsPermission(tc.before, tc.after); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestMatchPairs: findings sharing a fingerprint (two hostPath volumes of one pod) are
// paired by message first, then path, then order, so reordered volumes are not new and
// fixed; a severity that rises is worse; a level that drops with no new finding makes the
// findings that stay worse.
func TestMatchPairs(t *testing.T) {
	vol := func(i int, name string) finding.Finding {
		return finding.Finding{RuleID: "EPS005", Address: "x", Kind: "Deployment", Name: "x", Severity: finding.Medium, Status: finding.Fail,
			K8sPath: fmt.Sprintf("spec.template.spec.volumes[%d].hostPath", i), Message: "Volume " + name, PSSLevel: "baseline"}
	}
	before := []finding.Finding{vol(0, "logs"), vol(1, "sock")}
	after := []finding.Finding{vol(0, "sock"), vol(1, "logs"), vol(2, "etc")}
	out := diffFindings(before, after, newSide(nil), newSide(nil), rules.SaidBy)
	if len(out) != 3 || out[0].Change != finding.Existing || out[1].Change != finding.Existing || out[2].Change != finding.New {
		t.Errorf("reordered volumes: %+v", out)
	}
	// one fixed: the one whose message is gone
	out = diffFindings(before, []finding.Finding{vol(0, "sock")}, newSide(nil), newSide(nil), rules.SaidBy)
	if len(out) != 2 || out[0].Change != finding.Existing || out[1].Change != finding.Fixed || out[1].Message != "Volume logs" {
		t.Errorf("one removed: %+v", out)
	}
	// severity up
	up := vol(0, "logs")
	up.Severity = finding.High
	out = diffFindings(before[:1], []finding.Finding{up}, newSide(nil), newSide(nil), rules.SaidBy)
	if out[0].Change != finding.Worse || out[0].ChangeReason != "severity medium → high" {
		t.Errorf("severity up: %+v", out[0])
	}
	// a level that drops, no new finding to say so
	was := newSide(nil)
	was.levels[objectKey("x", "", "Deployment", "", "x")] = "restricted"
	out = diffFindings(before[:1], []finding.Finding{vol(0, "logs")}, was, newSide(nil), rules.SaidBy)
	if out[0].Change != finding.Worse || out[0].ChangeReason != "PSS level restricted → baseline" {
		t.Errorf("level drop: %+v", out[0])
	}
	// ... and with one, the new one says it, the rest stays existing
	out = diffFindings(before[:1], []finding.Finding{vol(0, "logs"), vol(1, "etc")}, was, newSide(nil), rules.SaidBy)
	if out[0].Change != finding.Existing || out[1].Change != finding.New || out[1].ChangeReason != "PSS level restricted → baseline" {
		t.Errorf("level drop with a new finding: %+v", out)
	}
}

// TestDiffHandOff: when one rule's finding gives way to another's on the same problem
// (rules.SaidBy), the change is not a new problem nor a fix: an EPS032 runAsNonRoot that
// EPS004 said before is existing once the container no longer runs as user 0; an EPS002
// that EPS001 says now (the container became privileged), or an EPS032 that EPS003 says
// now, is not fixed. Findings of other rules, or on other containers, are not handed off.
func TestDiffHandOff(t *testing.T) {
	on := func(rule, container, msg string, sev finding.Severity) finding.Finding {
		return finding.Finding{RuleID: rule, Address: "kubernetes_deployment_v1.x", Kind: "Deployment", Namespace: "apps", Name: "x",
			Container: container, Severity: sev, Status: finding.Fail, Message: msg, K8sPath: "spec.template.spec.containers[0].securityContext"}
	}
	runAsNonRoot := "The container app fails the Pod Security Standards restricted control runAsNonRoot (runAsNonRoot != true): ..."
	sysctls := "The pod fails the Pod Security Standards baseline control sysctls (forbidden sysctls): ..."
	changes := func(out []finding.Finding) string {
		var parts []string
		for _, f := range out {
			parts = append(parts, f.RuleID+"@"+f.Container+"="+string(f.Change)+" "+f.ChangeReason)
		}
		return strings.Join(parts, ", ")
	}
	for _, tc := range []struct {
		name          string
		before, after []finding.Finding
		want          string
	}{
		{"EPS004 said the control before",
			[]finding.Finding{on("EPS004", "app", "runs as root user 0", finding.High)},
			[]finding.Finding{on("EPS032", "app", runAsNonRoot, finding.Low)},
			"EPS032@app=existing said before by EPS004, EPS004@app=fixed "},
		{"a pod-level EPS003 said it before",
			[]finding.Finding{on("EPS003", "", "may run as root", finding.High)},
			[]finding.Finding{on("EPS032", "app", runAsNonRoot, finding.Low)},
			"EPS032@app=existing said before by EPS003, EPS003@=fixed "},
		{"EPS003 says it now",
			[]finding.Finding{on("EPS032", "app", runAsNonRoot, finding.Low)},
			[]finding.Finding{on("EPS003", "app", "may run as root", finding.High)},
			"EPS003@app=new "},
		{"EPS001 says the escalation now",
			[]finding.Finding{on("EPS002", "app", "escalation", finding.High)},
			[]finding.Finding{on("EPS001", "app", "privileged", finding.Critical)},
			"EPS001@app=new "},
		{"EPS001 said it before",
			[]finding.Finding{on("EPS001", "app", "privileged", finding.Critical)},
			[]finding.Finding{on("EPS002", "app", "escalation", finding.High)},
			"EPS002@app=existing said before by EPS001, EPS001@app=fixed "},
		{"another container",
			[]finding.Finding{on("EPS001", "sidecar", "privileged", finding.Critical)},
			[]finding.Finding{on("EPS002", "app", "escalation", finding.High)},
			"EPS002@app=new , EPS001@sidecar=fixed "},
		{"a control no rule covers",
			[]finding.Finding{on("EPS004", "app", "runs as root user 0", finding.High)},
			[]finding.Finding{on("EPS032", "", sysctls, finding.High)},
			"EPS032@=new , EPS004@app=fixed "},
		{"a rule that covers nothing of it",
			[]finding.Finding{on("EPS005", "", "hostPath", finding.Medium)},
			[]finding.Finding{on("EPS032", "app", runAsNonRoot, finding.Low)},
			"EPS032@app=new , EPS005@=fixed "},
	} {
		is := newSide(nil)
		is.seen["kubernetes_deployment_v1.x"] = true // updated, not deleted
		out := diffFindings(tc.before, tc.after, newSide(nil), is, rules.SaidBy)
		if got := changes(out); got != tc.want {
			t.Errorf("%s --diff: %s, want %s", tc.name, got, tc.want)
		}
		// a baseline report hands off the same way
		out = baselineFindings(append([]finding.Finding(nil), tc.before...), append([]finding.Finding(nil), tc.after...))
		if got := changes(out); got != tc.want {
			t.Errorf("%s --baseline: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestDiffRoleBound: a role's finding is worse when the plan binds it to more subjects
// (a binding gains one, a new binding grants it, in another namespace too), counted
// once per subject and namespace; the same subjects bound by other bindings, a subject
// removed, or a binding of a chart that cannot be rendered as installed now are not
// gains; only medium findings are worse, so the run fails at --fail-on medium.
func TestDiffRoleBound(t *testing.T) {
	rep := diffCheck(t, "update_role_bound", func(o *Options) { o.Gate.FailOn = finding.Medium })
	if !rep.Failed() {
		t.Error("two worse medium findings pass --fail-on medium")
	}
	user := func(name string) rbacv1.Subject {
		return rbacv1.Subject{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: name, Namespace: "default"}
	}
	role := rbacv1.RoleRef{Kind: "ClusterRole", Name: "r"}
	key := objectKey("kubernetes_cluster_role_v1.r", "", "ClusterRole", "", "r")
	sideWith := func(bindings map[string][]rbacv1.Subject, namespaces map[string]string) *side {
		sd := newSide(nil)
		sd.roleOf[key] = "ClusterRole\x00r"
		for addr, subs := range bindings {
			sd.bind(addr, subs, role, namespaces[addr])
		}
		return sd
	}
	for _, tc := range []struct {
		name           string
		before, after  map[string][]rbacv1.Subject
		ns             map[string]string
		opaque, reason string
	}{
		{"unchanged", map[string][]rbacv1.Subject{"a": {user("x")}}, map[string][]rbacv1.Subject{"a": {user("x")}}, nil, "", ""},
		{"a subject gained", map[string][]rbacv1.Subject{"a": {user("x")}}, map[string][]rbacv1.Subject{"a": {user("x"), user("y")}}, nil, "", "the plan's bindings bind it to one more subject"},
		{"moved to another binding", map[string][]rbacv1.Subject{"a": {user("x")}}, map[string][]rbacv1.Subject{"b": {user("x")}}, nil, "", ""},
		{"a subject removed", map[string][]rbacv1.Subject{"a": {user("x"), user("y")}}, map[string][]rbacv1.Subject{"a": {user("x")}}, nil, "", ""},
		{"in another namespace", map[string][]rbacv1.Subject{"a": {user("x")}}, map[string][]rbacv1.Subject{"a": {user("x")}, "b": {user("x")}}, map[string]string{"b": "ci"}, "", "the plan's bindings bind it to one more subject"},
		{"two by a new binding", nil, map[string][]rbacv1.Subject{"b": {user("x"), user("y"), user("x")}}, nil, "", "the plan's bindings bind it to 2 more subjects"},
		{"a chart not rendered as installed now", nil, map[string][]rbacv1.Subject{"helm_release.x": {user("x")}}, nil, "helm_release.x", ""},
	} {
		was, is := sideWith(tc.before, tc.ns), sideWith(tc.after, tc.ns)
		if tc.opaque != "" {
			was.opaque[tc.opaque] = true
		}
		if got := newlyBound(was, is, key, key); got != tc.reason {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.reason)
		}
	}
	// a finding on an object that is not a role of both sides
	if got := newlyBound(newSide(nil), sideWith(map[string][]rbacv1.Subject{"a": {user("x")}}, nil), key, key); got != "" {
		t.Errorf("a role created by the plan: %q", got)
	}
}
