package plancheck

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/helm"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/release"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// HelmOptions say where the charts of helm_release resources come from and how hard to
// try to fetch them. The zero value renders with Helm's cache, the network allowed, the
// working directory for local charts and internal/helm's timeouts.
type HelmOptions struct {
	// SearchDirs are tried in order for local chart paths (plan-check: --source, the
	// working directory, the plan file's directory).
	SearchDirs []string
	// CacheDir holds chart archives (NAME-VERSION.tgz); "" is Helm's repository cache.
	CacheDir string
	// Offline forbids network access: a chart not in the cache makes its release unknown.
	Offline bool
	// Timeout bounds each network request (0: internal/helm's default, 20s); Retries is
	// how often a failed request is tried again (0: the default, 2; -1 for none).
	Timeout time.Duration
	Retries int
	// ReleaseTimeout bounds everything one release costs (fetching and rendering; default
	// 2 minutes): past it the release is unknown, the run goes on.
	ReleaseTimeout time.Duration
	// Parallel is how many releases are fetched and rendered at once (default: the
	// number of CPUs, at most 4).
	Parallel int
	// NoOrigins skips tracing which set entry or values document each field comes from
	// (one more render per entry): findings then point at the helm_release block only.
	NoOrigins bool
	// RegistryConfig is the OCI registry credentials file ("" is Helm's default).
	RegistryConfig string
}

// DefaultReleaseTimeout bounds one release's fetching and rendering.
const DefaultReleaseTimeout = 2 * time.Minute

// releaseResult is what one helm_release installs, ready to judge.
type releaseResult struct {
	in *release.Input
	// out is the render (nil when the chart could not be rendered).
	out  *helm.Rendered
	docs []release.Doc
	// opaque explains why (part of) the release cannot be judged: one EPS021 unknown
	// finding; reason is helm's reason for it.
	opaque string
	reason helm.Reason
	// tfPath is the input the opaque finding points at ("" for the release block).
	tfPath string
	// chart and version name the chart in findings.
	chart, version string
}

// releases is every helm_release of a plan, rendered.
type releases struct {
	results []*releaseResult
	notes   []string
	memo    *helm.Memo
}

// renderReleases reads the plan's helm_release resources and renders their charts, at most
// opts.Parallel at a time. Only a plan whose helm_release changes have the wrong shape, or
// a cancelled run, is an error: a chart that cannot be found, fetched or rendered costs
// its release (an unknown finding), never the run.
func renderReleases(ctx context.Context, p *plan.Plan, clusters []eks.Cluster, opts Options) (*releases, error) {
	hrs, err := p.HelmReleases()
	if err != nil || len(hrs) == 0 {
		return &releases{}, err
	}
	return render(ctx, p, hrs, clusters, opts, &helm.Memo{})
}

// renderPriorReleases renders the releases as they are installed now (the plan's prior
// values, for --diff), sharing memo with the plan's renders: a release the plan keeps
// as it is is rendered once.
func renderPriorReleases(ctx context.Context, p *plan.Plan, clusters []eks.Cluster, opts Options, memo *helm.Memo) (*releases, error) {
	hrs, err := p.PriorHelmReleases()
	if err != nil || len(hrs) == 0 {
		return &releases{}, err
	}
	if memo == nil {
		memo = &helm.Memo{}
	}
	return render(ctx, p, hrs, clusters, opts, memo)
}

// render renders the releases hrs of plan p.
func render(ctx context.Context, p *plan.Plan, hrs []plan.HelmRelease, clusters []eks.Cluster, opts Options, memo *helm.Memo) (*releases, error) {
	secrets, err := p.SensitiveVariableValues()
	if err != nil {
		return nil, err
	}
	kv, note := kubeVersion(opts.KubernetesVersion, clusters)
	rs := &releases{memo: memo}
	if note != "" {
		rs.notes = append(rs.notes, note)
	}
	rs.results = make([]*releaseResult, len(hrs))
	for i := range hrs {
		in, err := release.Read(&hrs[i], release.Options{KubeVersion: kv, Secrets: secrets})
		if err != nil {
			return nil, err
		}
		rs.results[i] = &releaseResult{in: in, chart: in.Chart, version: in.Version}
	}
	ho := opts.Helm
	hopts := helm.Options{SearchDirs: ho.SearchDirs, CacheDir: ho.CacheDir, Offline: ho.Offline,
		Timeout: ho.Timeout, Retries: ho.Retries, Memo: rs.memo, TraceOrigins: !ho.NoOrigins,
		RegistryConfig: ho.RegistryConfig}
	errs := make([]error, len(hrs))
	parallel := ho.Parallel
	if parallel <= 0 {
		parallel = min(runtime.GOMAXPROCS(0), 4)
	}
	limit := ho.ReleaseTimeout
	if limit <= 0 {
		limit = DefaultReleaseTimeout
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, res := range rs.results {
		if res.in.Blocked != nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			defer func() {
				// helm.Render turns the SDK's panics into errors; anything else here is a
				// bug, and costs this release only.
				if p := recover(); p != nil {
					res.out, errs[i] = nil, &helm.Error{Address: res.in.Address, Reason: helm.ReasonRenderFailed,
						Detail: "the chart could not be rendered (internal error, please report)"}
				}
			}()
			rctx, cancel := context.WithTimeout(ctx, limit)
			defer cancel()
			res.out, errs[i] = helm.Render(rctx, res.in.Release, hopts)
			if errs[i] != nil && rctx.Err() != nil && ctx.Err() == nil {
				errs[i] = &helm.Error{Address: res.in.Address, Reason: helm.ReasonUnreachable,
					Detail: fmt.Sprintf("fetching and rendering the chart took longer than %s", limit)}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, res := range rs.results {
		rs.notes = append(rs.notes, res.finish(errs[i])...)
	}
	return rs, nil
}

// finish turns one release's render (or its failure) into objects and notes.
func (res *releaseResult) finish(err error) []string {
	in := res.in
	var notes []string
	switch {
	case in.Blocked != nil:
		res.fail(in.Blocked)
		return nil
	case err != nil:
		res.fail(err)
		if in.ManifestKnown && !in.AnyUnknown && res.reason != helm.ReasonUnknownInput {
			docs, merr := release.ManifestObjects(in)
			if merr == nil {
				res.docs = docs
				res.opaque += "; its objects are judged from the plan's manifest (the provider's own render), which lacks the chart's hooks: those cannot be judged"
				notes = append(notes, in.Address+": judged from the plan's manifest (the helm provider's manifest experiment): the chart's hooks are not in it")
			}
		}
		return notes
	}
	out := res.out
	res.chart, res.version = out.Chart, out.Version
	if in.Chart == release.Redacted {
		res.chart, res.version = release.Redacted, release.Redacted
	}
	res.docs = release.Objects(in.Address, out, in.IdentitySensitive)
	switch {
	case in.Withhold && len(out.Warnings) > 0:
		// Warnings may name the chart's path or source, which is sensitive here.
		notes = append(notes, fmt.Sprintf("%s: %d warning(s) about the chart withheld (the release's chart, name or set names are sensitive)", in.Address, len(out.Warnings)))
	default:
		for _, w := range out.Warnings {
			notes = append(notes, in.Address+": "+w)
		}
	}
	if in.ReuseValues {
		notes = append(notes, in.Address+": reuse_values: Helm merges the installed release's values (not in the plan) under these at apply; judged with the plan's values only")
	}
	if in.ManifestKnown && !in.AnyUnknown {
		diff, err := release.Compare(in, out)
		switch {
		case err != nil:
			notes = append(notes, in.Address+": the plan's manifest cannot be read for a cross-check: "+err.Error())
		case !diff.Empty():
			notes = append(notes, manifestNote(in, diff))
		}
	}
	return notes
}

// fail records why the release cannot be rendered.
func (res *releaseResult) fail(err error) {
	in := res.in
	res.reason = helm.ReasonOf(err)
	var he *helm.Error
	detail := "the chart cannot be rendered"
	if errors.As(err, &he) && he.Detail != "" {
		detail = he.Detail
	}
	if in.Withhold && res.reason != helm.ReasonUnknownInput {
		// The chart, repository, version, a set name or the release name is sensitive:
		// helm's wording may quote it.
		detail = "the chart cannot be rendered (the details are withheld: the release's chart, name or set names are sensitive)"
	}
	detail = strings.TrimSuffix(detail, ".")
	switch res.reason {
	case helm.ReasonUnknownInput:
		res.opaque = detail
		res.tfPath = in.UnknownAt
	case "":
		res.opaque = "its chart cannot be rendered: " + detail
	default:
		res.opaque = fmt.Sprintf("its chart cannot be rendered (%s): %s", res.reason, detail)
	}
}

// manifestNote describes how the plan's manifest and plan-check's render differ, naming
// objects only when nothing of the release is sensitive.
func manifestNote(in *release.Input, d release.Difference) string {
	part := func(what string, ids []string) string {
		if len(ids) == 0 {
			return ""
		}
		s := fmt.Sprintf("%d %s", len(ids), what)
		if !in.AnySensitive && !in.IdentitySensitive {
			s += " (" + strings.Join(ids, ", ") + ")"
		}
		return s
	}
	var parts []string
	for _, p := range []string{part("only in the manifest", d.OnlyManifest), part("only in plan-check's render", d.OnlyRender), part("different", d.Changed)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return in.Address + ": the plan's manifest (the helm provider's render against the cluster) differs from plan-check's render: " +
		strings.Join(parts, "; ") + ". The findings are plan-check's render (the chart's hooks included); a different Kubernetes version or chart on the two sides explains such differences"
}

// addCreatedNamespaces adds a Namespace object for each release that has Helm create
// its namespace (create_namespace), once per namespace, unless the plan or a chart
// creates it or it always exists (default, kube-system, kube-public, kube-node-lease):
// the plan creates that namespace, so the namespace rules (EPS105-EPS107) judge it, at
// the release that creates it.
func (rs *releases) addCreatedNamespaces(inv *plan.Inventory) {
	created := map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}
	for _, o := range inv.Objects {
		if o.Kind == "Namespace" && (o.Fields == nil || !o.Fields.Unknown("metadata.name")) {
			created[o.Name] = true
		}
	}
	for _, res := range rs.results {
		for _, d := range res.docs {
			if d.Obj.Kind == "Namespace" && !d.Obj.Unknown("metadata.name") {
				created[d.Obj.Name] = true
			}
		}
	}
	for _, res := range rs.results {
		r := &res.in.Release
		if !r.CreateNamespace || !r.Namespace.Known || created[r.Namespace.Value] {
			continue
		}
		created[r.Namespace.Value] = true
		res.docs = append(res.docs, release.Doc{Obj: namespaceObject(r.Namespace.Value, res.in.Address, r.Namespace.Sensitive)})
	}
}

// contextObjects are the rendered objects that give context to the run (every kind but
// workloads): roles a chart's bindings name, namespaces, LimitRanges, service accounts.
func (rs *releases) contextObjects() []*object.Object {
	var out []*object.Object
	for _, res := range rs.results {
		for _, d := range res.docs {
			if d.Obj.Pod == nil && d.Obj.Opaque == "" {
				out = append(out, d.Obj)
			}
		}
	}
	return out
}

// judgeRelease judges what one release installs: one EPS021 unknown finding when (part
// of) it cannot be judged, then each object's findings, appended to out. It returns the
// notes the objects' inline waivers give rise to.
func judgeRelease(eng *rules.Engine, rctx *rules.Context, res *releaseResult, out []finding.Finding) ([]finding.Finding, []string) {
	var notes []string
	if res.opaque != "" {
		obj := &object.Object{Kind: release.ResourceKind, Opaque: res.opaque, Origin: res.in.Address}
		start := len(out)
		out = releaseFindings(res, release.Doc{Obj: obj}, eng.Judge(rctx, obj), out)
		for i := start; i < len(out); i++ {
			out[i].Kind = ""
			out[i].Remediation = remediation(res.reason)
			out[i].TFPath = res.tfPath
		}
	}
	for _, d := range res.docs {
		start := len(out)
		out = releaseFindings(res, d, eng.Judge(rctx, d.Obj), out)
		notes = append(notes, inlineWaivers(res.in.Address, d.Obj, out[start:])...)
	}
	return out, notes
}

// releaseFindings turns the verdicts on one object of a release into findings: the
// release's address, the chart and template, the field's origin (the set entry or
// values document, when traced) as the Terraform path. What is found in a conditional
// object holds only if it is installed: its failures are unknown.
func releaseFindings(res *releaseResult, d release.Doc, verdicts []rules.Verdict, out []finding.Finding) []finding.Finding {
	s := d.Obj
	id := rules.Identify(s)
	for _, v := range verdicts {
		f := newFinding(v, s, id, res.in.Address, plan.HelmReleaseType)
		f.Chart, f.ChartVersion, f.Template, f.Hook = res.chart, res.version, d.Template, release.Hooks(d.Hook)
		if in := release.OriginOf(d.Origins, v.Path); in != "" {
			f.TFPath = res.in.Inputs[in]
		}
		if d.Conditional && f.Status == finding.Fail {
			f.Status = finding.Unknown
			f.Message = "If this object is installed (the chart renders it only for some values of inputs not known until apply): " + f.Message
		}
		out = append(out, f)
	}
	return out
}

// remediation is how to make a release that cannot be rendered judgeable, by reason.
func remediation(r helm.Reason) string {
	switch r {
	case helm.ReasonUnknownInput:
		return "Make the release's values known at plan time: avoid building a whole values document, a set list or a set name from values computed during apply (a computed value in a set entry is traced field by field), or run plan-check on a later plan once those values exist."
	case helm.ReasonOffline:
		return "Put the chart in the cache plan-check reads (--helm-cache DIR, filled with `helm pull CHART --repo URL --version V -d DIR`), or allow plan-check network access (drop --helm-offline)."
	case helm.ReasonUnreachable, helm.ReasonUnauthorized:
		return "Let the CI job reach the chart repository or registry (with the credentials the release gives), or pre-fetch the chart into --helm-cache DIR."
	case helm.ReasonRepositoryAlias:
		return "Give the repository's URL in `repository` (plan-check cannot read `helm repo add` names), or pre-fetch the chart into --helm-cache DIR."
	case helm.ReasonChartNotFound, helm.ReasonVersionNotFound:
		return "Check the release's chart, repository and version; for a local chart, run plan-check where the chart path resolves (--source DIR, the working directory or the plan file's directory)."
	}
	return "Fix the chart or the values so that `helm template` renders them: Helm fails the same way at apply."
}

// kubeVersion is the Kubernetes version charts are rendered for: the one the user gives,
// else the oldest of the plan's (and --eks-cluster's) clusters, else helm's default.
func kubeVersion(given string, clusters []eks.Cluster) (string, string) {
	if given != "" {
		return given, ""
	}
	var versions []string
	var oldest string
	var oldestV k8sversion.Version
	seen := map[string]bool{}
	for _, c := range clusters {
		if c.Version == "" || c.VersionSensitive {
			continue
		}
		v, err := k8sversion.Parse(c.Version)
		if err != nil {
			continue
		}
		if !seen[c.Version] {
			seen[c.Version] = true
			versions = append(versions, c.Version)
		}
		if oldest == "" || v.Major < oldestV.Major || (v.Major == oldestV.Major && v.Minor < oldestV.Minor) {
			oldest, oldestV = c.Version, v
		}
	}
	if len(versions) > 1 {
		sort.Strings(versions)
		return oldest, fmt.Sprintf("helm_release charts are rendered for Kubernetes %s, the oldest of the clusters' versions (%s)", oldest, strings.Join(versions, ", "))
	}
	return oldest, ""
}

// namespaceObject is the Namespace Helm creates for a release (create_namespace).
func namespaceObject(name, address string, sensitive bool) *object.Object {
	marks := &object.PathMarks{}
	if sensitive {
		marks.MarkSensitive("")
	}
	return &object.Object{APIVersion: "v1", Kind: "Namespace", Name: name, Origin: address, Marks: marks,
		Typed: &corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: name}}}
}
