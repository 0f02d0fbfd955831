package helm

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/releaseutil"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

const defaultMaxRenders = 32

// Render fetches (or finds) the chart of a release and renders what it installs, as the
// hashicorp/helm provider would install it. A release that cannot be rendered returns an
// *Error (its Reason says why); nothing here panics on a broken chart or hostile values.
// The result may be shared through opts.Memo: treat it as read-only.
func Render(ctx context.Context, r Release, opts Options) (res *Rendered, err error) {
	silenceSDKLog()
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, newError(ReasonRenderFailed, nil, "the chart could not be rendered (the Helm SDK failed: %s)", panicText(p))
		}
		var e *Error
		if errors.As(err, &e) && e.Address != r.Address {
			c := *e
			c.Address = r.Address
			err = &c
		}
	}()
	in, err := prepareInputs(&r)
	if err != nil {
		return nil, err
	}
	ref, err := locate(&r, &opts)
	if err != nil {
		return nil, err
	}
	ld, err := opts.Memo.chart(ref.key()+"\x00"+hashOf(r.Auth), func() (*loaded, error) {
		return loadComplete(ctx, ref, &r, &opts)
	})
	if err != nil {
		return nil, err
	}
	// The address is not part of the key: two releases that install the same chart with
	// the same inputs share one render.
	keyed := r
	keyed.Address = ""
	key := hashOf(struct {
		Chart   string
		R       Release
		Max     int
		Origins bool
	}{ref.key() + "\x00" + ld.source, keyed, opts.MaxRenders, opts.TraceOrigins})
	res, err = opts.Memo.render(key, func() (*Rendered, error) {
		return renderRelease(ld, in, &r, &opts, ref)
	})
	if err != nil || opts.Memo == nil {
		return res, err
	}
	return res.clone(), nil
}

// clone copies a memoized result so that callers may change theirs.
func (r *Rendered) clone() *Rendered {
	c := *r
	c.Warnings = append([]string(nil), r.Warnings...)
	c.secrets = append([]string(nil), r.secrets...)
	c.Documents = make([]Document, len(r.Documents))
	for i, d := range r.Documents {
		d.Object = deepCopy(d.Object).(map[string]any)
		d.Hook = append([]string(nil), d.Hook...)
		d.Unknown = append([]string(nil), d.Unknown...)
		d.Sensitive = append([]string(nil), d.Sensitive...)
		d.Origins = append([]Origin(nil), d.Origins...)
		c.Documents[i] = d
	}
	return &c
}

// silenceSDKLog discards the standard library logger, once per process: the Helm SDK
// writes warnings there that quote values ("Ignoring non-table value (…)"), and a
// sensitive value must never reach stderr. plan-check itself does not use that logger.
var silenceSDKLog = sync.OnceFunc(func() { log.SetOutput(io.Discard) })

func panicText(p any) string {
	s := fmt.Sprint(p)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strings.ReplaceAll(s, standInMark, "")
}

func hashOf(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// outcome is one render: its documents or why it failed.
type outcome struct {
	docs []*rdoc
	err  error
}

func renderRelease(ld *loaded, in *inputs, r *Release, opts *Options, ref chartRef) (*Rendered, error) {
	ch := ld.chart
	if ch.Metadata == nil {
		return nil, newError(ReasonInvalidChart, nil, "%s has no Chart.yaml", ld.source)
	}
	switch ch.Metadata.Type {
	case "", "application":
	default:
		return nil, newError(ReasonInvalidChart, nil, "%s is a %s chart, which cannot be installed", ld.source, ch.Metadata.Type)
	}
	if missing := missingDependencies(ch); len(missing) > 0 {
		return nil, newError(ReasonInvalidChart, nil, "chart %s declares dependencies missing from its charts/ directory", ch.Metadata.Name)
	}
	caps, err := capabilities(r)
	if err != nil {
		return nil, err
	}
	if kv := ch.Metadata.KubeVersion; kv != "" && !chartutil.IsCompatibleRange(kv, caps.KubeVersion.String()) {
		return nil, newError(ReasonRenderFailed, nil, "chart %s requires Kubernetes %s, not %s", ch.Metadata.Name, kv, caps.KubeVersion.String())
	}
	out := &Rendered{
		Chart:           ch.Metadata.Name,
		Version:         ch.Metadata.Version,
		AppVersion:      ch.Metadata.AppVersion,
		Source:          ld.source,
		Namespace:       r.Namespace.Value,
		NamespaceKnown:  r.Namespace.Known,
		CreateNamespace: r.CreateNamespace,
		secrets:         in.secrets,
		Warnings:        append([]string(nil), ld.warnings...),
	}
	if !r.Namespace.Known {
		out.Namespace = ""
	}
	if ref.kind == sourceLocal && exactVersion(r.Version) && r.Version != ch.Metadata.Version {
		out.Warnings = append(out.Warnings, fmt.Sprintf("the chart at %s is version %s but the plan planned %s: the chart on disk is not the one planned", ld.source, ch.Metadata.Version, r.Version))
	}
	if r.PostRender {
		out.Warnings = append(out.Warnings, "the release runs a post-renderer at apply, which may change these objects")
	}

	variants := planVariants(len(in.slots), in.slotKinds(), in.sensitive, opts.MaxRenders)
	results := make([]outcome, len(variants))
	for i, v := range variants {
		results[i] = renderVariant(ch, in, r, caps, v)
	}
	out.Renders = len(variants)

	// The unknown-tracking renders are every variant but the altered one (last, if any).
	nUnknown := len(variants)
	if in.sensitive {
		nUnknown--
	}
	var ok []int
	for i := 0; i < nUnknown; i++ {
		if results[i].err == nil {
			ok = append(ok, i)
		}
	}
	if len(ok) == 0 {
		if len(in.slots) == 0 {
			return nil, renderError(results[0].err, in, false)
		}
		return nil, renderError(results[0].err, in, true)
	}
	if failed := nUnknown - len(ok); failed > 0 {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%d of %d renders with stand-ins for the values unknown until apply failed (the chart refuses some values); the others were compared", failed, nUnknown))
	}
	renders := make([][]*rdoc, len(ok))
	for i, idx := range ok {
		renders[i] = results[idx].docs
	}
	baseOK := ok[0] == 0
	var altered []*rdoc
	alterOK := false
	if in.sensitive {
		alt := results[len(results)-1]
		alterOK = alt.err == nil && baseOK
		altered = alt.docs
		if !alterOK {
			out.Warnings = append(out.Warnings, "the sensitive inputs could not be traced to fields (a render with other values failed): every object of the release is treated as sensitive")
		}
	}
	var altMatch map[*rdoc]*rdoc
	if alterOK {
		altMatch = map[*rdoc]*rdoc{}
		for _, m := range matchDocs([][]*rdoc{results[0].docs, altered}) {
			if m[0] != nil {
				altMatch[m[0]] = m[1]
			}
		}
	}
	var origins map[*rdoc]map[string][]string
	if opts.TraceOrigins && baseOK {
		origins = traceOrigins(ch, in, r, caps, variants[0], results[0].docs, out)
	}
	for _, m := range matchDocs(renders) {
		d := combine(m, in, baseOK, alterOK, altMatch)
		if m[0] != nil && origins != nil {
			d.Origins = originsOf(origins[m[0]], d.Unknown)
		}
		out.Documents = append(out.Documents, d)
	}
	return out, nil
}

// traceOrigins renders once per known input entry with only that entry changed: the
// fields that change come from it.
func traceOrigins(ch *chart.Chart, in *inputs, r *Release, caps *chartutil.Capabilities, base variant, baseDocs []*rdoc, out *Rendered) map[*rdoc]map[string][]string {
	origins := map[*rdoc]map[string][]string{}
	var untraced []string
	for _, e := range in.entries {
		e := e
		res := renderVariant(ch, in, r, caps, variant{choices: base.choices, only: &e})
		out.Renders++
		if res.err != nil {
			untraced = append(untraced, e.String())
			continue
		}
		for _, m := range matchDocs([][]*rdoc{baseDocs, res.docs}) {
			if m[0] == nil {
				continue
			}
			marks := map[string]bool{}
			if m[1] == nil {
				marks[""] = true
			} else {
				diffMarks(m[0].obj, m[1].obj, "", marks)
			}
			for _, p := range normalize(marks) {
				if origins[m[0]] == nil {
					origins[m[0]] = map[string][]string{}
				}
				origins[m[0]][p] = append(origins[m[0]][p], e.String())
			}
		}
	}
	if len(untraced) > 0 {
		out.Warnings = append(out.Warnings, "the origins of "+strings.Join(untraced, ", ")+" could not be traced (the chart refuses other values for them)")
	}
	return origins
}

// originsOf lists a document's origins, paths below an unknown one lifted to it.
func originsOf(byPath map[string][]string, unknown []string) []Origin {
	anc := map[string]bool{}
	for _, u := range unknown {
		anc[u] = true
	}
	seen := map[Origin]bool{}
	var out []Origin
	for p, inputs := range byPath {
		lifted := p
		for q := range liftUnder([]string{p}, anc) {
			lifted = q
		}
		for _, in := range inputs {
			o := Origin{Path: lifted, Input: in}
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Input < out[j].Input
	})
	return out
}

// combine merges one document's instances across the renders into a Document.
func combine(m []*rdoc, in *inputs, baseOK, alterOK bool, altMatch map[*rdoc]*rdoc) Document {
	var present []any
	var first *rdoc
	for _, d := range m {
		if d != nil {
			present = append(present, d.obj)
			if first == nil {
				first = d
			}
		}
	}
	marks := map[string]bool{}
	merged, _ := mergeTrees(present, "", marks)
	obj, _ := merged.(map[string]any)
	if obj == nil {
		obj = map[string]any{}
	}
	obj = deepCopy(obj).(map[string]any)
	if s, ok := scrub(obj, "", marks); ok {
		obj, _ = s.(map[string]any)
	}
	doc := Document{Template: first.template, Hook: first.hook, Object: obj}
	// An object only some renders have may not be installed at all (Conditional); its
	// fields are compared among the renders that have it, so that what it would be when
	// installed stays visible.
	doc.Conditional = len(present) < len(m)
	doc.Unknown = normalize(marks)
	if in.sensitive {
		sens := map[string]bool{}
		switch {
		case !alterOK || !baseOK || m[0] == nil:
			sens[""] = true
		case altMatch[m[0]] == nil:
			sens[""] = true
		default:
			diffMarks(m[0].obj, altMatch[m[0]].obj, "", sens)
		}
		doc.Sensitive = normalize(liftUnder(normalize(sens), marks))
	}
	return doc
}

var kubeVersionRE = regexp.MustCompile(`^v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?`)

func capabilities(r *Release) (*chartutil.Capabilities, error) {
	v := r.KubeVersion
	if v == "" {
		v = DefaultKubeVersion
	}
	m := kubeVersionRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return nil, newError(ReasonInvalidValues, nil, "Kubernetes version %q is not a version", v)
	}
	patch := m[3]
	if patch == "" {
		patch = "0"
	}
	kv, err := chartutil.ParseKubeVersion("v" + m[1] + "." + m[2] + "." + patch)
	if err != nil {
		return nil, newError(ReasonInvalidValues, nil, "Kubernetes version %q is not a version", v)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = *kv
	apis := make(chartutil.VersionSet, 0, len(caps.APIVersions)+len(r.APIVersions))
	apis = append(apis, caps.APIVersions...)
	caps.APIVersions = append(apis, r.APIVersions...)
	return caps, nil
}

// renderVariant renders the chart once, as `helm install` (client side) would: values
// coalesced over the chart's, dependencies enabled by condition and tags, the schema
// checked, templates executed, manifests and hooks sorted in install order.
func renderVariant(ch *chart.Chart, in *inputs, r *Release, caps *chartutil.Capabilities, v variant) (res outcome) {
	defer func() {
		if p := recover(); p != nil {
			res = outcome{err: fmt.Errorf("the Helm SDK failed: %s", panicText(p))}
		}
	}()
	vals, err := in.values(v)
	if err != nil {
		return outcome{err: err}
	}
	name, namespace := r.Name.Value, r.Namespace.Value
	if !r.Name.Known {
		name = standIn(in.slotAt[slot{kind: slotName}], v.choices[in.slotAt[slot{kind: slotName}]])
	}
	if !r.Namespace.Known {
		namespace = standIn(in.slotAt[slot{kind: slotNamespace}], v.choices[in.slotAt[slot{kind: slotNamespace}]])
	}
	c := cloneChart(ch)
	if err := chartutil.ProcessDependenciesWithMerge(c, vals); err != nil {
		return outcome{err: err}
	}
	opts := chartutil.ReleaseOptions{Name: name, Namespace: namespace, Revision: 1, IsInstall: !r.Upgrade, IsUpgrade: r.Upgrade}
	if r.Upgrade {
		opts.Revision = 2
	}
	top, err := chartutil.ToRenderValuesWithSchemaValidation(c, vals, opts, caps, false)
	if err != nil {
		return outcome{err: err}
	}
	files, err := engine.Engine{}.Render(c, top)
	if err != nil {
		return outcome{err: err}
	}
	for k := range files {
		if strings.HasSuffix(k, "NOTES.txt") {
			delete(files, k)
		}
	}
	hooks, manifests, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return outcome{err: err}
	}
	var docs []*rdoc
	if !r.SkipCRDs {
		for _, crd := range c.CRDObjects() {
			if crd.File == nil {
				continue
			}
			ds, err := parseDocs(stripChart(crd.Filename), nil, crd.File.Data)
			if err != nil {
				return outcome{err: err}
			}
			docs = append(docs, ds...)
		}
	}
	for _, m := range manifests {
		ds, err := parseDocs(stripChart(m.Name), nil, []byte(m.Content))
		if err != nil {
			return outcome{err: err}
		}
		docs = append(docs, ds...)
	}
	if !r.DisableHooks {
		for _, h := range hooks {
			events := installHookEvents(h.Events)
			if events == nil {
				continue
			}
			ds, err := parseDocs(stripChart(h.Path), events, []byte(h.Manifest))
			if err != nil {
				return outcome{err: err}
			}
			docs = append(docs, ds...)
		}
	}
	return outcome{docs: docs}
}

// installHookEvents keeps the events an install or upgrade runs; nil when there is none
// (test, delete and rollback hooks).
func installHookEvents[E ~string](events []E) []string {
	var out []string
	for _, e := range events {
		switch string(e) {
		case "pre-install", "post-install", "pre-upgrade", "post-upgrade":
			out = append(out, string(e))
		}
	}
	return out
}

// stripChart turns Helm's source name ("web/templates/x.yaml") into the path inside the
// chart ("templates/x.yaml").
func stripChart(name string) string {
	if i := strings.IndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// parseDocs decodes a rendered file into objects, as Helm's Kubernetes client would
// refuse what is not an object with a kind. A List is expanded into its items.
func parseDocs(template string, hook []string, content []byte) ([]*rdoc, error) {
	rd := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(content)))
	var out []*rdoc
	for i := 0; ; i++ {
		raw, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: the rendered YAML does not parse: %w", template, err)
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var obj map[string]any
		if err := yaml.Unmarshal(raw, &obj); err != nil {
			return nil, fmt.Errorf("%s: a rendered document is not a Kubernetes object: %w", template, err)
		}
		if len(obj) == 0 {
			continue
		}
		kind, _ := obj["kind"].(string)
		if kind == "" {
			return nil, fmt.Errorf("%s: a rendered document has no kind", template)
		}
		if items, ok := obj["items"].([]any); ok && strings.HasSuffix(kind, "List") {
			for _, it := range items {
				m, ok := it.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%s: an item of the %s is not an object", template, kind)
				}
				out = append(out, &rdoc{template: template, hook: hook, obj: m})
			}
			continue
		}
		out = append(out, &rdoc{template: template, hook: hook, obj: obj})
	}
}

// cloneChart copies what rendering changes (dependencies enabled, imported values) so
// that one loaded chart serves every render.
func cloneChart(c *chart.Chart) *chart.Chart {
	out := *c
	if c.Metadata != nil {
		md := *c.Metadata
		md.Dependencies = make([]*chart.Dependency, len(c.Metadata.Dependencies))
		for i, d := range c.Metadata.Dependencies {
			if d != nil {
				dc := *d
				md.Dependencies[i] = &dc
			}
		}
		out.Metadata = &md
	}
	if c.Values != nil {
		out.Values = deepCopy(c.Values).(map[string]any)
	}
	deps := c.Dependencies()
	clones := make([]*chart.Chart, len(deps))
	for i, d := range deps {
		clones[i] = cloneChart(d)
	}
	out.SetDependencies(clones...)
	return &out
}

var standInRE = regexp.MustCompile(regexp.QuoteMeta(standInMark) + `[0-9]+[ab]x?`)

var locationRE = regexp.MustCompile(`[\w.-]+(?:/[\w.-]+)*\.(?:yaml|yml|tpl|txt|json)(?::[0-9]+)*`)

// renderError words a failed render without quoting anything secret: when the release has
// sensitive inputs, Helm's message (which may quote values) is reduced to where it failed.
func renderError(err error, in *inputs, unknown bool) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	msg = standInRE.ReplaceAllString(msg, "(unknown)")
	if len(msg) > 600 {
		msg = msg[:600] + "…"
	}
	withheld := in.sensitive
	for _, s := range in.secrets {
		if strings.Contains(msg, s) {
			withheld = true
		}
	}
	if withheld {
		where := ""
		if loc := locationRE.FindString(msg); loc != "" {
			where = " at " + loc
		}
		msg = "the chart fails to render" + where + " (Helm's message is withheld: the release has sensitive inputs)"
	}
	if unknown {
		return newError(ReasonUnknownInput, nil, "the chart does not render with any stand-in for the %s unknown until apply: %s", in.describeSlots(), msg)
	}
	return newError(ReasonRenderFailed, nil, "%s", msg)
}

func (in *inputs) slotKinds() []slotKind {
	out := make([]slotKind, len(in.slots))
	for i, s := range in.slots {
		out[i] = s.kind
	}
	return out
}

// describeSlots names the unknown inputs for messages.
func (in *inputs) describeSlots() string {
	var parts []string
	for _, s := range in.slots {
		switch s.kind {
		case slotSet:
			parts = append(parts, fmt.Sprintf("set %q", in.r.Set[s.i].Name))
		case slotSetSensitive:
			parts = append(parts, fmt.Sprintf("set_sensitive %q", in.r.SetSensitive[s.i].Name))
		case slotListElem:
			parts = append(parts, fmt.Sprintf("set_list %q element %d", in.r.SetList[s.i].Name, s.j))
		case slotList:
			parts = append(parts, fmt.Sprintf("set_list %q", in.r.SetList[s.i].Name))
		case slotName:
			parts = append(parts, "name")
		case slotNamespace:
			parts = append(parts, "namespace")
		}
	}
	if len(parts) > 4 {
		parts = append(parts[:4], "and "+strconv.Itoa(len(parts)-4)+" more")
	}
	return "values (" + strings.Join(parts, ", ") + ")"
}

// planVariants chooses the renders for k unknown slots: every slot with the same stand-in,
// once per kind of stand-in (two strings, true, false, null, 0, 1, empty); then, when
// there are several slots, each slot alone switched to another string, false, null and
// empty while the others keep the first string; last, when inputs are sensitive, one
// render with every sensitive input changed. The first variant is the base.
func planVariants(k int, kinds []slotKind, sensitive bool, max int) []variant {
	if max <= 0 {
		max = defaultMaxRenders
	}
	fill := func(c choice) []choice {
		cs := make([]choice, k)
		for i := range cs {
			cs[i] = c
			if (kinds[i] == slotName || kinds[i] == slotNamespace) && c != choiceA && c != choiceB {
				cs[i] = choiceA
			}
		}
		return cs
	}
	var out []variant
	seen := map[string]bool{}
	add := func(cs []choice) {
		key := string(func() []byte {
			b := make([]byte, len(cs))
			for i, c := range cs {
				b[i] = byte(c)
			}
			return b
		}())
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, variant{choices: cs})
	}
	if k == 0 {
		add(nil)
	} else {
		for c := choiceA; c < numChoices; c++ {
			add(fill(c))
		}
		if k > 1 {
		flips:
			for _, c := range []choice{choiceB, choiceFalse, choiceNull, choiceEmpty} {
				for s := 0; s < k; s++ {
					if len(out) >= max-1 {
						break flips
					}
					if (kinds[s] == slotName || kinds[s] == slotNamespace) && c != choiceB {
						continue
					}
					cs := fill(choiceA)
					cs[s] = c
					add(cs)
				}
			}
		}
	}
	if sensitive {
		out = append(out, variant{choices: fill(choiceA), alter: true})
	}
	return out
}
