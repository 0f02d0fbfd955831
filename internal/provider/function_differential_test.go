package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/zclconf/go-cty/cty"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	epcheck "github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// The differential test: every Kubernetes resource of every fixture plan is written into
// one Terraform configuration as the value Terraform holds for it at plan time (a typed
// resource's attributes through kubernetes_object, a kubernetes_manifest's manifest as it
// is), with each value the plan has unknown replaced by a value unknown at plan time (the
// output of a terraform_data being created). The functions' outputs, read from the real
// Terraform CLI's plan, must equal plan-check's report on the same plan: every finding of
// violations (the plan's objects judged together, its Fargate profiles and cluster version
// as options), fargate_size (against plan-check run with a Fargate profile that selects
// every pod) and pss_level.
//
// A function sees the values of the plan, not its configuration section: plan-check is run
// on each plan without it, so both sides know the same. TestFunctionsConfigurationGap says
// what the configuration adds.

const fixturePlans = "../plancheck/testdata/plans"

// unknownRef is an expression unknown at plan time.
const unknownRef = "terraform_data.unknown.output"

// fixtureObject is one Kubernetes resource of a fixture plan.
type fixtureObject struct {
	address string
	typed   bool
	// workload is set for pods and the objects with a pod template.
	workload bool
	// expr is the Terraform expression of the Kubernetes object.
	expr string
}

// fixturePlan is one fixture plan and plan-check's reports on it.
type fixturePlan struct {
	name    string
	objects []fixtureObject // by address
	// fargate are the expressions of the plan's Fargate profiles, and profiles their
	// addresses, in plan order.
	fargate, profiles []string
	version           string
	// findings is plan-check's report without the configuration; sizes with a profile that
	// selects every pod.
	findings []finding.Finding
	// configured is plan-check's report with the configuration.
	configured []finding.Finding
	sizes      []report.FargatePod
	// levels is plan-check's Pod Security Standards level of each workload, by address.
	levels map[string]string
}

func loadFixturePlans(t *testing.T) []fixturePlan {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixturePlans, "*.json"))
	if err != nil || len(files) < 20 {
		t.Fatalf("fixture plans %v: %v", files, err)
	}
	typed := map[string]bool{}
	for _, ty := range plan.NewReader().TypedResourceTypes() {
		typed[ty] = true
	}
	var out []fixturePlan
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		full, err := epcheck.Check(data, epcheck.Options{})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		data = withoutConfiguration(t, data)
		var p tfjson.Plan
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		fp := fixturePlan{name: filepath.Base(file), levels: map[string]string{}}
		for _, rc := range p.ResourceChanges {
			if !plan.WillExist(rc) || rc.Mode != tfjson.ManagedResourceMode {
				continue
			}
			switch {
			case typed[rc.Type]:
				fp.objects = append(fp.objects, fixtureObject{address: rc.Address, typed: true, workload: workloadType(rc.Type),
					expr: fmt.Sprintf("provider::ekspodsec::kubernetes_object(%q, %s)", rc.Type, hclOf(rc.Change.After, rc.Change.AfterUnknown))})
			case rc.Type == "kubernetes_manifest":
				after, _ := rc.Change.After.(map[string]any)
				unknown, _ := rc.Change.AfterUnknown.(map[string]any)
				var u any = unknown["manifest"]
				if b, ok := rc.Change.AfterUnknown.(bool); ok {
					u = b
				}
				m, _ := after["manifest"].(map[string]any)
				kind, _ := m["kind"].(string)
				k, ok := object.Lookup(kind)
				fp.objects = append(fp.objects, fixtureObject{address: rc.Address, workload: ok && k.Workload, expr: hclOf(after["manifest"], u)})
			case rc.Type == "aws_eks_fargate_profile":
				fp.fargate = append(fp.fargate, hclOf(rc.Change.After, rc.Change.AfterUnknown))
				fp.profiles = append(fp.profiles, rc.Address)
			case rc.Type == "aws_eks_cluster":
				after, _ := rc.Change.After.(map[string]any)
				if v, ok := after["version"].(string); ok {
					fp.version = v
				}
			case strings.HasPrefix(rc.Type, "kubernetes_") || rc.Type == "kubectl_manifest" || rc.Type == "helm_release":
				if rc.Type != "kubernetes_config_map_v1" && rc.Type != "kubernetes_config_map_v1_data" && rc.Type != "kubernetes_secret_v1" {
					t.Fatalf("%s: %s is not written into the configuration: extend the test", fp.name, rc.Address)
				}
			}
		}
		sort.Slice(fp.objects, func(i, j int) bool { return fp.objects[i].address < fp.objects[j].address })
		rep, err := epcheck.Check(data, epcheck.Options{})
		if err != nil {
			t.Fatalf("%s: %v", fp.name, err)
		}
		fp.findings = rep.Findings
		fp.configured = full.Findings
		for _, f := range rep.Findings {
			if f.PSSLevel != "" {
				fp.levels[f.Address] = f.PSSLevel
			}
		}
		everyPod := &epcheck.LiveFacts{Profiles: []eks.FargateProfile{{Name: "all", Selectors: []eks.Selector{{Namespace: "*"}}}}}
		rep, err = epcheck.Check(data, epcheck.Options{Live: everyPod})
		if err != nil {
			t.Fatalf("%s: %v", fp.name, err)
		}
		fp.sizes = rep.Fargate
		out = append(out, fp)
	}
	return out
}

// workloadType reports whether a typed resource type is a pod or has a pod template.
func workloadType(t string) bool {
	for _, w := range []string{"pod", "deployment", "daemonset", "daemon_set", "stateful_set", "replication_controller", "job", "cron_job"} {
		if strings.TrimSuffix(strings.TrimPrefix(t, "kubernetes_"), "_v1") == w {
			return true
		}
	}
	return false
}

// withoutConfiguration drops a plan's configuration section.
func withoutConfiguration(t *testing.T, data []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "configuration")
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hclOf writes a plan value as a Terraform expression, with unknownRef where the marks
// (after_unknown) say the value is unknown.
func hclOf(v, unknown any) string {
	var b strings.Builder
	writeHCL(&b, v, unknown)
	return b.String()
}

func writeHCL(b *strings.Builder, v, unknown any) {
	if u, ok := unknown.(bool); ok && u {
		b.WriteString(unknownRef)
		return
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		fmt.Fprint(b, t)
	case float64:
		b.Write(hclwrite.TokensForValue(cty.NumberFloatVal(t)).Bytes())
	case json.Number:
		b.WriteString(t.String())
	case string:
		b.Write(hclwrite.TokensForValue(cty.StringVal(t)).Bytes())
	case map[string]any:
		marks, _ := unknown.(map[string]any)
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		for k, m := range marks {
			if _, ok := t[k]; !ok && m == true {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.Write(hclwrite.TokensForValue(cty.StringVal(k)).Bytes())
			b.WriteString(" = ")
			writeHCL(b, t[k], marks[k])
		}
		b.WriteString("}")
	case []any:
		marks, _ := unknown.([]any)
		b.WriteString("[")
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			var m any
			if i < len(marks) {
				m = marks[i]
			}
			writeHCL(b, e, m)
		}
		b.WriteString("]")
	default:
		panic(fmt.Sprintf("value of type %T", v))
	}
}

// config is the Terraform configuration of every fixture plan's objects and outputs.
func functionsConfig(plans []fixturePlan) string {
	var b strings.Builder
	b.WriteString("resource \"terraform_data\" \"unknown\" {\n  input = \"x\"\n}\n\n")
	for i, p := range plans {
		var objs []string
		for _, o := range p.objects {
			objs = append(objs, o.expr)
		}
		opts := map[string]string{}
		if len(p.fargate) > 0 {
			opts["fargate"] = "[" + strings.Join(p.fargate, ", ") + "]"
		}
		if p.version != "" {
			opts["kubernetes_version"] = fmt.Sprintf("%q", p.version)
		}
		list := "[]"
		if len(objs) > 0 {
			list = "[\n    " + strings.Join(objs, ",\n    ") + ",\n  ]"
		}
		fmt.Fprintf(&b, "# %s\nlocals {\n  p%d = %s\n}\n", p.name, i, list)
		var o []string
		for _, k := range slices.Sorted(mapsKeys(opts)) {
			o = append(o, k+" = "+opts[k])
		}
		fmt.Fprintf(&b, "output \"violations_%d\" {\n  value = provider::ekspodsec::violations(local.p%d, { %s })\n}\n", i, i, strings.Join(o, ", "))
		for j, o := range p.objects {
			if !o.workload {
				continue
			}
			fmt.Fprintf(&b, "output \"size_%d_%d\" {\n  value = provider::ekspodsec::fargate_size(local.p%d[%d])\n}\n", i, j, i, j)
			fmt.Fprintf(&b, "output \"level_%d_%d\" {\n  value = provider::ekspodsec::pss_level(local.p%d[%d])\n}\n", i, j, i, j)
		}
	}
	return b.String()
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// planOutputs is a check that hands the plan's output changes to fn.
type planOutputs func(map[string]*tfjson.Change) error

func (f planOutputs) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan.OutputChanges)
}

func TestAccFunctionsDifferential(t *testing.T) {
	plans := loadFixturePlans(t)
	cfg := functionsConfig(plans)
	compared := map[string]int{}
	gap := map[string]int{}
	check := planOutputs(func(outs map[string]*tfjson.Change) error {
		var errs []string
		for i, p := range plans {
			errs = append(errs, compareViolations(p, outs[fmt.Sprintf("violations_%d", i)], compared)...)
			errs = append(errs, configurationGap(p, outs[fmt.Sprintf("violations_%d", i)], gap)...)
			for j, o := range p.objects {
				if !o.workload {
					continue
				}
				errs = append(errs, compareSize(p, o, outs[fmt.Sprintf("size_%d_%d", i, j)], compared)...)
				errs = append(errs, compareLevel(p, o, outs[fmt.Sprintf("level_%d_%d", i, j)], compared)...)
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%d differences:\n%s", len(errs), strings.Join(errs, "\n"))
		}
		return nil
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: cfg,
			// The values unknown at plan time are strings at apply: the plan is what is compared.
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{check}},
		}},
	})
	objects := 0
	for _, p := range plans {
		objects += len(p.objects)
	}
	t.Logf("%d plans, %d objects: %d findings, %d Fargate sizes and %d levels equal plan-check's", len(plans), objects, compared["findings"], compared["sizes"], compared["levels"])
	t.Logf("what plan-check's reading of the configuration adds, in findings: %v", gap)
	if compared["findings"] < 100 || compared["sizes"] < 20 || compared["levels"] < 20 {
		t.Errorf("too little compared: %v", compared)
	}
}

// expectedEntry is plan-check's finding as the entry violations returns for it.
func expectedEntry(p fixturePlan, f finding.Finding) (map[string]any, bool) {
	index := slices.IndexFunc(p.objects, func(o fixtureObject) bool { return o.address == f.Address })
	if index < 0 {
		return nil, false
	}
	msg := f.Message
	// Other objects are named by their place in the list, profiles by their option.
	addrs := make([]int, len(p.objects))
	for i := range addrs {
		addrs[i] = i
	}
	sort.Slice(addrs, func(a, b int) bool { return len(p.objects[addrs[a]].address) > len(p.objects[addrs[b]].address) })
	for _, i := range addrs {
		msg = strings.ReplaceAll(msg, p.objects[i].address, fmt.Sprintf("object[%d]", i))
	}
	for i, a := range p.profiles {
		msg = strings.ReplaceAll(msg, "("+a+")", fmt.Sprintf("(option fargate[%d])", i))
	}
	remediation := f.Remediation
	if r, ok := rules.Lookup(f.RuleID); ok && p.objects[index].typed && remediation == r.RemediationTyped {
		// The object is given in Kubernetes' shape: the remediation is in its terms.
		remediation = r.Remediation
	}
	if sent := providerSentRunAsNonRoot.FindString(msg); sent != "" && p.objects[index].typed {
		// kubernetes_object writes the runAsNonRoot: false the provider sends into the
		// object: the function judges it as written, in Kubernetes' terms.
		msg = strings.Replace(msg, sent, "", 1)
		if r, ok := rules.Lookup(f.RuleID); ok {
			remediation = r.Remediation
		}
	}

	e := map[string]any{
		"rule_id": f.RuleID, "title": f.Title, "severity": f.Severity.String(), "status": string(f.Status),
		"index": json.Number(fmt.Sprint(index)), "kind": f.Kind, "namespace": f.Namespace, "name": f.Name,
		"container": f.Container, "path": f.K8sPath, "message": msg, "remediation": remediation,
	}
	gate := report.Gate{FailOn: finding.High}
	switch {
	case f.Status == finding.Unknown && f.Severity >= gate.FailOn:
		e["failing"] = "(unknown)"
	default:
		e["failing"] = gate.Fails(f)
	}
	return e, true
}

// withoutSentRunAsNonRoot leaves out the function's EPS003 findings on a typed container's
// runAsNonRoot that plan-check does not report: kubernetes_object writes the false the
// provider sends, which the function then judges as written (EPS003 reports a written
// false with user 0 beside EPS004); plan-check knows it was not written.
func withoutSentRunAsNonRoot(p fixturePlan, got, want []map[string]any, compared map[string]int) []map[string]any {
	key := func(e map[string]any) string {
		return fmt.Sprint(e["index"], "|", e["rule_id"], "|", e["container"], "|", e["path"])
	}
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[key(w)] = true
	}
	return slices.DeleteFunc(slices.Clone(got), func(g map[string]any) bool {
		i := mustIndex(g)
		drop := g["rule_id"] == "EPS003" && strings.HasSuffix(fmt.Sprint(g["path"]), ".securityContext.runAsNonRoot") &&
			i < len(p.objects) && p.objects[i].typed && !wanted[key(g)]
		if drop {
			compared["EPS003 on the provider's runAsNonRoot: false, judged as written"]++
		}
		return drop
	})
}

// onlyMessageDiffers reports whether two entries differ in their message (and its fix) alone.
func onlyMessageDiffers(w, g map[string]any) bool {
	w2, g2 := maps.Clone(w), maps.Clone(g)
	for _, k := range []string{"message", "remediation"} {
		delete(w2, k)
		delete(g2, k)
	}
	return entryDiff(w2, g2) == ""
}

// providerSentRunAsNonRoot is the sentence EPS032 adds where the runAsNonRoot: false the
// provider sends is not written (object.ApplyProviderDefaults).
var providerSentRunAsNonRoot = regexp.MustCompile(` The container's runAsNonRoot is false because the kubernetes provider sends false [^.]*\.`)

func compareViolations(p fixturePlan, out *tfjson.Change, compared map[string]int) []string {
	if out == nil {
		return []string{p.name + ": no violations output"}
	}
	var want []map[string]any
	var errs []string
	for _, f := range p.findings {
		e, ok := expectedEntry(p, f)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: plan-check judges %s, which the configuration does not hold", p.name, f.Address))
			continue
		}
		want = append(want, e)
	}
	got := withoutSentRunAsNonRoot(p, outputEntries(out), want, compared)
	for i := 0; i < len(got) || i < len(want); i++ {
		switch {
		case i >= len(got):
			errs = append(errs, fmt.Sprintf("%s: missing %v", p.name, want[i]))
		case i >= len(want):
			errs = append(errs, fmt.Sprintf("%s: extra %v", p.name, got[i]))
		default:
			if d := entryDiff(want[i], got[i]); d != "" {
				errs = append(errs, fmt.Sprintf("%s: finding %d (%s %s): %s", p.name, i, want[i]["rule_id"], p.objects[mustIndex(want[i])].address, d))
			} else {
				compared["findings"]++
			}
		}
	}
	return errs
}

func mustIndex(e map[string]any) int {
	var i int
	fmt.Sscan(fmt.Sprint(e["index"]), &i)
	return i
}

// outputEntries reads a list output of the plan, "(unknown)" standing for unknown values.
func outputEntries(c *tfjson.Change) []map[string]any {
	after, _ := normalize(c.After).([]any)
	marks, _ := c.AfterUnknown.([]any)
	out := make([]map[string]any, 0, len(after))
	for i, a := range after {
		e, _ := a.(map[string]any)
		if i < len(marks) {
			if m, ok := marks[i].(map[string]any); ok {
				for k, u := range m {
					if u == true {
						e[k] = "(unknown)"
					}
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// normalize re-decodes a value with json.Number, so numbers compare exactly.
func normalize(v any) any {
	b, _ := json.Marshal(v)
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	_ = d.Decode(&out)
	return out
}

// entryDiff compares two entries; in the wanted one, a redacted value ("(sensitive
// value)", which plan-check writes and a function, seeing no marks, does not) stands for
// any text.
func entryDiff(want, got map[string]any) string {
	var diffs []string
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range want {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		w, g := fmt.Sprint(want[k]), fmt.Sprint(got[k])
		if s, ok := want[k].(string); ok && strings.Contains(s, finding.Redacted) {
			re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(s), regexp.QuoteMeta(finding.Redacted), ".*") + "$")
			if re.MatchString(g) {
				continue
			}
		}
		if w != g {
			diffs = append(diffs, fmt.Sprintf("%s: plan-check %q, function %q", k, w, g))
		}
	}
	if len(got) != len(want) {
		diffs = append(diffs, fmt.Sprintf("attributes %d, want %d", len(got), len(want)))
	}
	return strings.Join(diffs, "; ")
}

func compareSize(p fixturePlan, o fixtureObject, out *tfjson.Change, compared map[string]int) []string {
	if out == nil {
		return []string{fmt.Sprintf("%s: %s: no size output", p.name, o.address)}
	}
	i := slices.IndexFunc(p.sizes, func(s report.FargatePod) bool { return s.Address == o.address })
	if i < 0 {
		// plan-check sizes the pods of workloads whose namespace is known
		return nil
	}
	want := p.sizes[i]
	got, _ := normalize(out.After).(map[string]any)
	if got == nil {
		return []string{fmt.Sprintf("%s: %s: fargate_size is %v (unknown %v), plan-check %+v", p.name, o.address, out.After, out.AfterUnknown, want)}
	}
	if m, ok := out.AfterUnknown.(map[string]any); ok {
		for k, u := range m {
			if u == true {
				got[k] = "(unknown)"
			}
		}
	}
	num := func(v any) string { return fmt.Sprint(v) }
	wantNote := any(want.Note)
	if want.Note == "" {
		wantNote = nil
	}
	var diffs []string
	check := func(k string, w any) {
		if fmt.Sprint(w) != fmt.Sprint(got[k]) {
			diffs = append(diffs, fmt.Sprintf("%s: plan-check %v, function %v", k, w, got[k]))
		}
	}
	check("note", wantNote)
	switch {
	case want.Note == "requests not known until apply":
		for _, k := range []string{"vcpu", "memory_gb", "summary", "request_millicpu", "request_memory_mib"} {
			check(k, "(unknown)")
		}
	case strings.HasPrefix(want.Note, "DaemonSets"):
		for _, k := range []string{"vcpu", "memory_gb", "summary", "request_millicpu", "request_memory_mib"} {
			check(k, nil)
		}
	default:
		check("request_millicpu", want.RequestMilliCPU)
		check("request_memory_mib", want.RequestMemoryMiB)
		if want.Note == "" {
			check("vcpu", num(json.Number(fmt.Sprint(want.VCPU))))
			check("memory_gb", num(json.Number(fmt.Sprint(want.MemoryGB))))
			check("summary", eks.Size{MilliCPU: int64(want.VCPU*1000 + 0.5), MemoryMiB: int64(want.MemoryGB*1024 + 0.5)}.String())
		}
	}
	if len(diffs) > 0 {
		return []string{fmt.Sprintf("%s: %s: fargate_size: %s", p.name, o.address, strings.Join(diffs, "; "))}
	}
	compared["sizes"]++
	return nil
}

func compareLevel(p fixturePlan, o fixtureObject, out *tfjson.Change, compared map[string]int) []string {
	if out == nil {
		return []string{fmt.Sprintf("%s: %s: no level output", p.name, o.address)}
	}
	want, ok := p.levels[o.address]
	if !ok {
		return nil // a workload without findings, or not a workload: no level reported
	}
	got := fmt.Sprint(out.After)
	if out.AfterUnknown == true {
		got = "unknown"
	}
	if got != want {
		return []string{fmt.Sprintf("%s: %s: pss_level %s, plan-check %s", p.name, o.address, got, want)}
	}
	compared["levels"]++
	return nil
}

// configurationGap compares the function's findings with plan-check's on the whole plan,
// configuration included, which a function never sees. Each difference must be one a
// function cannot avoid, counted in gap by kind; any other is returned.
//
//   - "unknown instead of fail": a computed attribute the configuration does not write is
//     unknown in the values (the provider fills it in on apply), where plan-check knows it
//     is not sent: the function says unknown, never pass.
//   - "provider default counts as written": automount_service_account_token and
//     allow_privilege_escalation are true in the values whether written or not; written,
//     EPS020 is an info finding (on purpose) and EPS002 stays on a privileged container.
func configurationGap(p fixturePlan, out *tfjson.Change, gap map[string]int) []string {
	if out == nil {
		return nil
	}
	key := func(e map[string]any) string {
		return fmt.Sprint(e["index"], "|", e["rule_id"], "|", e["container"], "|", e["path"])
	}
	got := map[string]map[string]any{}
	for _, e := range outputEntries(out) {
		got[key(e)] = e
	}
	want := map[string]map[string]any{}
	for _, f := range p.configured {
		if e, ok := expectedEntry(p, f); ok {
			want[key(e)] = e
		}
	}
	var errs []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok && w["rule_id"] == "EPS002" && strings.Contains(fmt.Sprint(w["message"]), "kubernetes provider sends true"):
			errs = append(errs, fmt.Sprintf("%s: plan-check's %s is missing", p.name, k))
		case !ok:
			errs = append(errs, fmt.Sprintf("%s: plan-check's %s (%s) is missing", p.name, k, w["status"]))
		case entryDiff(w, g) == "":
		case g["status"] == "unknown" && w["status"] == "fail":
			gap["unknown instead of fail"]++
		case w["rule_id"] == "EPS020" && g["severity"] == "info" && w["severity"] == "low":
			gap["provider default counts as written"]++
		case w["rule_id"] == "EPS002" && strings.Contains(fmt.Sprint(w["message"]), "kubernetes provider sends true"):
			gap["provider default counts as written"]++
		case strings.Contains(fmt.Sprint(w["message"]), "the kubernetes provider sends") && onlyMessageDiffers(w, g):
			// the configuration says the value was not written (EPS023, EPS024 say so)
			gap["provider default explained"]++
		default:
			errs = append(errs, fmt.Sprintf("%s: %s: %s", p.name, k, entryDiff(w, g)))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; ok {
			continue
		}
		switch {
		case g["status"] == "unknown":
			gap["unknown where plan-check passes"]++
		case g["rule_id"] == "EPS002":
			gap["provider default counts as written"]++
		default:
			errs = append(errs, fmt.Sprintf("%s: the function's %s (%s) is not plan-check's", p.name, k, g["status"]))
		}
	}
	return errs
}
