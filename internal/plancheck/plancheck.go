// Package plancheck is the plan-check pipeline: parse a plan once, adapt its resources to
// typed objects, run the rule catalogue, locate findings in the Terraform source, apply
// waivers, and assemble the report.
package plancheck

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/crash"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/settings"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/source"
)

// Options configure one run.
type Options struct {
	// PlanName names the plan in reports ("-" for stdin).
	PlanName string
	Rules    rules.Options
	Gate     report.Gate
	// Source locates findings in the Terraform configuration; nil leaves file:line out.
	Source *source.Index
	// Settings carries the waivers of .ekspodsec.hcl; nil for none.
	Settings *settings.Settings
	// Now decides which waivers have expired (time.Now when zero).
	Now time.Time
	// ToolVersion is reported in SARIF.
	ToolVersion string
	// Live adds facts read from the EKS API (--eks-cluster) to those of the plan.
	Live *LiveFacts
	// KubernetesVersion is the version the objects go to when the user gives one: the
	// rules' PSP-era facts and the Capabilities helm_release charts are rendered with.
	// "" leaves both to the clusters the plan (or --eks-cluster) knows; charts then see
	// the oldest of those versions, else helm.DefaultKubeVersion.
	KubernetesVersion string
	// Helm says where helm_release charts come from (search directories, cache, network).
	Helm HelmOptions
	// Diff also judges the objects as they exist now (the prior value of every resource
	// the plan updates, keeps, replaces or deletes, against the context of the prior
	// values) and sets each finding's Change (diff.go); fixed findings join the report.
	// Gate.ChangesOnly then makes only new and worse findings fail the run.
	Diff bool
	// Baseline, when not nil, sets each finding's Change against an earlier report's
	// findings instead. Diff and Baseline do not go together.
	Baseline *Baseline
	// Compact keeps the findings in the report's compact Table (report.Table) rather than
	// in Findings, as they are made: memory then stays near the plan's size however many
	// findings there are. The reports written are the same. Runs that compare (Diff,
	// Baseline) keep Findings.
	Compact bool
}

// LiveFacts are a cluster's version and Fargate profiles read from the EKS API.
type LiveFacts struct {
	Cluster  eks.Cluster
	Profiles []eks.FargateProfile
}

// Check runs plan-check over the bytes of a `terraform show -json` plan.
func Check(data []byte, opts Options) (*report.Report, error) {
	return CheckContext(context.Background(), data, opts)
}

// CheckContext is Check that stops with ctx's error once ctx is done (checked before
// each object and each finding located). A panic (a bug) is returned as a *crash.Error
// naming the address of the resource being judged or located, never as a crash.
func CheckContext(ctx context.Context, data []byte, opts Options) (rep *report.Report, err error) {
	defer crash.Recover("", &err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := plan.Parse(data)
	if err != nil {
		return nil, err
	}
	eng, err := rules.New(opts.Rules)
	if err != nil {
		return nil, err
	}
	// Two passes: first everything that gives context (namespaces, policies, roles, EKS
	// facts, manifests), then the typed workloads one at a time, each judged and dropped,
	// so memory stays near the size of the plan itself.
	if opts.Diff && opts.Baseline != nil {
		return nil, fmt.Errorf("a run compares with the objects as they exist now (diff) or with a baseline report, not both")
	}
	inv, pending, err := plan.NewReaderWith(plan.ReaderOptions{Source: writtenKeys(opts.Source), Before: opts.Diff}).ReadContext(p)
	if err != nil {
		return nil, err
	}
	if opts.Live != nil {
		inv.Clusters = append(inv.Clusters, opts.Live.Cluster)
		inv.FargateProfiles = append(inv.FargateProfiles, opts.Live.Profiles...)
	}
	// helm_release charts are rendered before anything is judged: what they install
	// gives context too (a chart's ClusterRole bound by its ClusterRoleBinding, its
	// namespaces and LimitRanges).
	rels, err := renderReleases(ctx, p, inv.Clusters, opts)
	if err != nil {
		return nil, err
	}
	rels.addCreatedNamespaces(inv)
	ctxObjs := make([]*object.Object, len(inv.Objects), len(inv.Objects)+len(rels.results))
	subjects := make(map[*plan.Object]*object.Object, len(inv.Objects))
	for i, o := range inv.Objects {
		ctxObjs[i] = subject(o)
		subjects[o] = ctxObjs[i]
	}
	ctxObjs = append(ctxObjs, rels.contextObjects()...)
	rctx := eng.Context(ctxObjs, rules.Facts{Clusters: inv.Clusters, FargateProfiles: inv.FargateProfiles, KubernetesVersion: opts.KubernetesVersion})
	var d *differ
	if opts.Diff {
		if d, err = newDiffer(ctx, p, eng, inv.Before, ctxObjs, rels, opts); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var (
		fargate []report.FargatePod
		found   collector = &findingChunks{}
		notes   []string
	)
	var table *report.Table
	if opts.Compact && d == nil && opts.Baseline == nil {
		table = report.NewTable()
		found = &tableCollector{t: table}
	}
	judge := func(o *plan.Object) error {
		if o.Before {
			return guarded(ctx, o.Address, func() { d.judge(o) })
		}
		return guarded(ctx, o.Address, func() {
			seen[o.Address] = true
			s := subjects[o]
			if s == nil {
				s = subject(o)
			}
			fs, n := finish(o, s, eng.Judge(rctx, s), found.tail())
			found.keep(fs)
			notes = append(notes, n...)
			if d != nil {
				d.noteAfter(o, s)
			}
			if p, ok := fargateSize(s, o.Address, inv.FargateProfiles); ok {
				fargate = append(fargate, p)
			}
		})
	}
	for _, o := range inv.Objects {
		if err := judge(o); err != nil {
			return nil, err
		}
	}
	if d != nil {
		for _, o := range inv.Before.Objects {
			if err := judge(o); err != nil {
				return nil, err
			}
		}
		for _, res := range d.releases.results {
			if err := guarded(ctx, res.in.Address, func() { d.judgeRelease(res) }); err != nil {
				return nil, err
			}
		}
	}
	objects := len(inv.Objects)
	err = pending.Each(func(o *plan.Object) error {
		if !o.Before {
			objects++
		}
		return judge(o)
	})
	if err != nil {
		return nil, err
	}
	for _, res := range rels.results {
		err := guarded(ctx, res.in.Address, func() {
			seen[res.in.Address] = true
			if d != nil {
				d.noteRelease(res)
			}
			fs, n := judgeRelease(eng, rctx, res, found.tail())
			found.keep(fs)
			notes = append(notes, n...)
			for _, d := range res.docs {
				if p, ok := fargateSize(d.Obj, res.in.Address, inv.FargateProfiles); ok {
					fargate = append(fargate, p)
				}
			}
		})
		if err != nil {
			return nil, err
		}
		objects += len(res.docs)
		if res.opaque != "" {
			objects++
		}
	}
	notes = append(notes, rels.notes...)
	if table != nil {
		return compactReport(ctx, p, inv, eng, table, seen, objects, fargate, notes, opts)
	}
	findings := found.(*findingChunks).all()
	compared := ""
	switch {
	case d != nil:
		findings, notes = d.finish(findings, notes, opts)
		compared = report.CompareDiff
	case opts.Baseline != nil:
		findings, notes = compareBaseline(findings, notes, opts)
		compared = "baseline " + opts.Baseline.Name
	}
	finding.Sort(findings)
	gate := opts.Gate
	if compared != "" {
		gate.ChangesOnly = true
	}
	r := &report.Report{
		Plan:             opts.PlanName,
		TerraformVersion: p.TerraformVersion,
		Resources:        len(seen),
		Objects:          objects,
		Findings:         findings,
		Gate:             gate,
		Notes:            notes,
		ToolVersion:      opts.ToolVersion,
		Fargate:          fargate,
		Compared:         compared,
	}
	runFacts(r, inv, eng, seen)
	if opts.Source != nil {
		for i := range r.Findings {
			f := &r.Findings[i]
			err := guarded(ctx, f.Address, func() {
				if loc, ok := opts.Source.Locate(f.Address, f.TFPath); ok {
					f.File, f.Line = loc.File, loc.Line
				}
			})
			if err != nil {
				return nil, err
			}
		}
	}
	if opts.Settings != nil && compared == "" {
		r.Notes = append(r.Notes, opts.Settings.Apply(r.Findings, now(opts))...)
	}
	runNotes(r, inv, objects)
	return r, nil
}

// runFacts adds what a report says of the run besides its findings: Fargate sizes in
// address order, the clusters, every address judged, the catalogue.
func runFacts(r *report.Report, inv *plan.Inventory, eng *rules.Engine, seen map[string]bool) {
	sort.SliceStable(r.Fargate, func(i, j int) bool { return r.Fargate[i].Address < r.Fargate[j].Address })
	for _, c := range inv.Clusters {
		r.Clusters = append(r.Clusters, fmt.Sprintf("%s %s (%s)", c.DisplayName(), c.DisplayVersion(), c.Source))
	}
	for a := range seen {
		r.Addresses = append(r.Addresses, a)
	}
	sort.Strings(r.Addresses)
	for _, rule := range eng.Rules() {
		r.Rules = append(r.Rules, report.RuleInfo{ID: rule.ID, Title: rule.Title, Description: rule.Description, Severity: rule.Severity, Guide: rule.Guide, Remediation: rule.Remediation, Related: related(rule)})
	}
}

// runNotes adds the notes on the plan itself: errored, or nothing to judge.
func runNotes(r *report.Report, inv *plan.Inventory, objects int) {
	if inv.Errored {
		r.Notes = append(r.Notes, "Terraform reported errors while planning: the plan is incomplete, and so is this check")
	}
	if objects == 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("the plan has no Kubernetes objects that plan-check reads (%d resources will exist after apply)", inv.Resources))
	}
}

// compactReport assembles the report of a Compact run: the table sorted as finding.Sort
// sorts, each finding located and the settings' waivers applied in place, one at a time.
func compactReport(ctx context.Context, p *plan.Plan, inv *plan.Inventory, eng *rules.Engine, t *report.Table, seen map[string]bool,
	objects int, fargate []report.FargatePod, notes []string, opts Options) (*report.Report, error) {
	t.Sort()
	r := &report.Report{
		Plan:             opts.PlanName,
		TerraformVersion: p.TerraformVersion,
		Resources:        len(seen),
		Objects:          objects,
		Table:            t,
		Gate:             opts.Gate,
		Notes:            notes,
		ToolVersion:      opts.ToolVersion,
		Fargate:          fargate,
	}
	runFacts(r, inv, eng, seen)
	if opts.Source != nil {
		for i := 0; i < t.Len(); i++ {
			f := t.At(i)
			err := guarded(ctx, f.Address, func() {
				if loc, ok := opts.Source.Locate(f.Address, f.TFPath); ok {
					f.File, f.Line = loc.File, loc.Line
					t.Set(i, f)
				}
			})
			if err != nil {
				return nil, err
			}
		}
	}
	if opts.Settings != nil {
		r.Notes = append(r.Notes, opts.Settings.ApplyEach(t.Len(), t.At, t.Set, now(opts))...)
	}
	runNotes(r, inv, objects)
	return r, nil
}

// collector is where a run's findings go as they are made: tail is a slice to append an
// object's findings to, keep takes it back.
type collector interface {
	tail() []finding.Finding
	keep([]finding.Finding)
}

// tableCollector adds each object's findings to a compact table, reusing one slice.
type tableCollector struct {
	t       *report.Table
	scratch []finding.Finding
}

func (c *tableCollector) tail() []finding.Finding { return c.scratch[:0] }

func (c *tableCollector) keep(fs []finding.Finding) {
	for _, f := range fs {
		c.t.Add(f)
	}
	clear(fs)
	c.scratch = fs[:0]
}

// now is the time waivers are judged at.
func now(opts Options) time.Time {
	if opts.Now.IsZero() {
		return time.Now()
	}
	return opts.Now
}

// writtenKeys is the source index as the plan reader's Source (the literal keys of maps
// the plan has wholly unknown), when the index can answer it; nil otherwise.
func writtenKeys(idx *source.Index) plan.Source {
	if idx == nil {
		return nil
	}
	if s, ok := any(idx).(plan.Source); ok {
		return s
	}
	return nil
}

// guarded runs fn for the resource at address: ctx's error once ctx is done, and a panic
// as a *crash.Error naming the address.
func guarded(ctx context.Context, address string, fn func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return crash.Guard(address, func() error { fn(); return nil })
}

// fargateSize computes what a workload selected by a Fargate profile will be billed for.
func fargateSize(o *object.Object, address string, profiles []eks.FargateProfile) (report.FargatePod, bool) {
	if o.Pod == nil || len(profiles) == 0 || o.Unknown("metadata.namespace") {
		return report.FargatePod{}, false
	}
	m, ok := eks.MatchPod(profiles, o.Namespace, o.Pod.Template.Labels)
	if !ok {
		return report.FargatePod{}, false
	}
	id := rules.Identify(o)
	p := report.FargatePod{Address: address, Kind: id.Kind, Namespace: id.Namespace, Name: id.Name,
		Profile: m.Profile.DisplayName(), Selector: m.Selector.String()}
	b := FargateBillOf(o)
	p.Note, p.RequestMilliCPU, p.RequestMemoryMiB = b.Note, b.RequestMilliCPU, b.RequestMemoryMiB
	if b.Sized {
		p.VCPU, p.MemoryGB = float64(b.Size.MilliCPU)/1000, float64(b.Size.MemoryMiB)/1024
	}
	return p, true
}

// findingChunks collects a run's findings in chunks of bounded size, so that each finding
// is copied once (into the report's slice, at the end) rather than once per doubling of a
// growing slice: a plan with hundreds of thousands of findings allocates about twice their
// size instead of about five times.
type findingChunks struct {
	done [][]finding.Finding
	cur  []finding.Finding
	n    int
}

// The chunks start small (a plan with few findings allocates little) and grow to
// maxChunk findings.
const minChunk, maxChunk = 16, 1024

// tail is the chunk to append the next findings to.
func (c *findingChunks) tail() []finding.Finding {
	if c.cur == nil {
		size := minChunk
		if k := len(c.done); k > 0 {
			size = min(2*cap(c.done[k-1]), maxChunk)
		}
		c.cur = make([]finding.Finding, 0, size)
	}
	return c.cur
}

// keep takes back the chunk tail returned, with the findings appended to it.
func (c *findingChunks) keep(fs []finding.Finding) {
	if len(fs) < cap(fs) && len(fs) < maxChunk {
		c.cur = fs
		return
	}
	c.done = append(c.done, fs)
	c.n += len(fs)
	c.cur = nil
}

// all is every finding, in the order they were appended.
func (c *findingChunks) all() []finding.Finding {
	if len(c.done) == 0 {
		return c.cur
	}
	out := make([]finding.Finding, 0, c.n+len(c.cur))
	for _, d := range c.done {
		out = append(out, d...)
	}
	return append(out, c.cur...)
}

// related lists the other tools' checks a rule covers, for reports.
func related(r rules.Rule) []report.RelatedRule {
	var out []report.RelatedRule
	for _, id := range r.Peers {
		if p, ok := rules.PeerByID(id); ok {
			out = append(out, report.RelatedRule{Tool: p.Tool, ID: p.ID, Title: p.Title})
		}
	}
	return out
}
