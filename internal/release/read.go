// Package release reads a helm_release of a Terraform plan into what internal/helm
// renders (a helm.Release: the chart, its source and credentials, the values documents
// and set entries with what is unknown until apply and what is sensitive), and turns
// what the chart renders into the typed objects the rule catalogue judges. It is the
// Terraform side of plan-check's helm support; fetching and rendering are internal/helm's.
//
// Both attribute shapes of the hashicorp/helm provider are read: v3's (set, set_list and
// set_sensitive are lists of objects, postrender an object) and v2's blocks (the same
// lists of objects in the plan JSON, set and set_sensitive ordered as Terraform orders a
// set, postrender a list of one block). What the provider sends Helm is computed by
// internal/helm from these inputs, in the provider's order.
package release

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/helm"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
)

// Input is one helm_release read from a plan.
type Input struct {
	Address string
	// Release is what internal/helm renders.
	Release helm.Release
	// Blocked is set when the plan alone shows that the chart cannot be rendered: an input
	// that decides what is rendered (the values list, a set list or a set name, the chart)
	// is not known until apply. It is a *helm.Error with helm.ReasonUnknownInput.
	Blocked error
	// UnknownAt is the Terraform path of the first input that makes the release
	// impossible to render when unknown ("values[0]", "set[2].name"), for the finding.
	UnknownAt string
	// Chart and Version name the chart as the plan gives it (credentials removed from a
	// URL; finding.Redacted when sensitive), for findings on a release whose chart cannot
	// be rendered.
	Chart, Version string
	// Withhold is set when an input that render errors may quote is sensitive (the chart,
	// repository or version, a set or set_list name, the release name or namespace):
	// errors are then reported by their reason only.
	Withhold bool
	// IdentitySensitive is set when the release name or namespace is sensitive: every
	// object the chart renders derives its name or namespace from them, so each object is
	// sensitive as a whole.
	IdentitySensitive bool
	// AnyUnknown is set when some input is unknown until apply; AnySensitive when some
	// input is sensitive (set_sensitive, a value marked sensitive, a sensitive variable's
	// value).
	AnyUnknown, AnySensitive bool
	// Manifest is the rendered manifest the provider writes with its manifest experiment
	// (a JSON object keyed by object); ManifestKnown is false when it is absent or unknown.
	Manifest      string
	ManifestKnown bool
	// ReuseValues is set on an upgrade with reuse_values: Helm merges the installed
	// release's values, which the plan does not hold, under these.
	ReuseValues bool
	// Inputs maps an input entry as internal/helm names it ("set[2]", "values[0]") to its
	// Terraform attribute path ("set[2].value", "values[0]").
	Inputs map[string]string
}

// Options say what a release is read with.
type Options struct {
	// KubeVersion is the Kubernetes version the chart sees ("" is helm.DefaultKubeVersion).
	KubeVersion string
	// Secrets are the values of the plan's sensitive variables: an input that holds one is
	// sensitive even where the plan does not mark it.
	Secrets []string
}

// ResourceKind names a release in messages about the release as a whole ("This
// helm_release cannot be judged").
const ResourceKind = "helm_release"

// Redacted is what a finding shows in place of a sensitive chart name or version.
const Redacted = "(sensitive value)"

// Read reads one helm_release. An error means the plan does not have the shape Terraform
// writes (it names the attribute, never a value); a release the plan cannot tell enough
// about to render is an Input with Blocked set.
func Read(hr *plan.HelmRelease, opts Options) (*Input, error) {
	in := &Input{Address: hr.Address, Inputs: map[string]string{}}
	if hr.Unknown {
		in.Blocked = helm.UnknownInputError(hr.Address, "the whole release (its planned value)")
		in.AnyUnknown = true
		return in, nil
	}
	rd := &reader{a: hr.After, u: hr.AfterUnknown, s: hr.AfterSensitive, secrets: secretList(opts.Secrets)}
	if _, ok := hr.After.(map[string]any); !ok {
		return nil, fmt.Errorf("%s: change.after is an object, not %s", hr.Address, describe(hr.After))
	}
	r := &in.Release
	r.Address = hr.Address
	r.KubeVersion = opts.KubeVersion
	r.Upgrade = hr.Upgrade
	block := func(what, at string) {
		if in.Blocked == nil {
			in.Blocked = helm.UnknownInputError(hr.Address, what)
			in.UnknownAt = at
		}
		in.AnyUnknown = true
	}

	var err error
	if r.Name, err = rd.value("name"); err != nil {
		return nil, in.wrap(err)
	}
	if r.Namespace, err = rd.value("namespace"); err != nil {
		return nil, in.wrap(err)
	}
	if r.Namespace.Known && rd.at("namespace") == nil {
		r.Namespace.Value = "default" // the provider's default
	}
	in.IdentitySensitive = r.Name.Sensitive || r.Namespace.Sensitive
	in.Withhold = in.IdentitySensitive
	in.AnyUnknown = !r.Name.Known || !r.Namespace.Known

	chartSensitive := false
	for _, attr := range []struct {
		name string
		dst  *string
	}{{"chart", &r.Chart}, {"repository", &r.Repository}, {"version", &r.Version}} {
		v, err := rd.value(attr.name)
		if err != nil {
			return nil, in.wrap(err)
		}
		if v.Sensitive {
			in.Withhold, chartSensitive = true, true
		}
		switch {
		case v.Known:
			*attr.dst = v.Value
		case attr.name == "version" && hr.Written != nil && !hr.Written["version"]:
			// The manifest experiment leaves version unknown when the configuration does
			// not set it: the provider installs the newest version, as "" asks.
		default:
			block(attr.name, attr.name)
		}
	}
	in.Chart, in.Version = displayChart(r.Chart), r.Version
	if chartSensitive {
		in.Chart, in.Version = Redacted, Redacted
	}
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"devel", &r.Devel}, {"create_namespace", &r.CreateNamespace}, {"skip_crds", &r.SkipCRDs},
		{"disable_webhooks", &r.DisableHooks}, {"dependency_update", &r.DependencyUpdate},
		{"pass_credentials", &r.Auth.PassCredentials}, {"reuse_values", &in.ReuseValues}} {
		if *f.dst, err = rd.flag(f.name); err != nil {
			return nil, in.wrap(err)
		}
	}
	in.ReuseValues = in.ReuseValues && r.Upgrade
	for _, c := range []struct {
		name string
		dst  *string
	}{{"repository_username", &r.Auth.Username}, {"repository_password", &r.Auth.Password},
		{"repository_ca_file", &r.Auth.CAFile}, {"repository_cert_file", &r.Auth.CertFile}, {"repository_key_file", &r.Auth.KeyFile}} {
		v, err := rd.value(c.name)
		if err != nil {
			return nil, in.wrap(err)
		}
		*c.dst = v.Value // unknown credentials are empty: the repository may refuse them
	}
	switch pr := rd.at("postrender"); {
	case rd.unknown("postrender"):
		r.PostRender = true
	case pr == nil:
	case isList(pr):
		r.PostRender = len(pr.([]any)) > 0
	default:
		r.PostRender = true
	}

	if err := in.readValues(rd, block); err != nil {
		return nil, in.wrap(err)
	}
	var sets []helm.Set
	if sets, err = in.readSets(rd, "set", false, block); err != nil {
		return nil, in.wrap(err)
	}
	r.Set = sets
	if sets, err = in.readSets(rd, "set_sensitive", true, block); err != nil {
		return nil, in.wrap(err)
	}
	r.SetSensitive = sets
	if err := in.readSetLists(rd, block); err != nil {
		return nil, in.wrap(err)
	}

	if m := rd.at("manifest"); m != nil && !rd.unknown("manifest") {
		s, ok := m.(string)
		if !ok {
			return nil, in.wrap(fmt.Errorf("manifest is a string, not %s", describe(m)))
		}
		in.Manifest, in.ManifestKnown = s, true
	}
	if rd.sensitive("manifest") || rd.sensitive("values") {
		in.AnySensitive = true
	}
	return in, nil
}

func (in *Input) wrap(err error) error { return fmt.Errorf("%s: %w", in.Address, err) }

// readValues reads `values`: a list of YAML documents.
func (in *Input) readValues(rd *reader, block func(what, at string)) error {
	r := &in.Release
	if rd.unknown("values") {
		block("values (the whole list)", "values")
		return nil
	}
	l, err := rd.list("values")
	if err != nil {
		return err
	}
	for i := range l {
		v, err := rd.value("values", i)
		if err != nil {
			return err
		}
		if !v.Known {
			in.AnyUnknown = true
			if in.UnknownAt == "" {
				// internal/helm refuses to render a values document it does not know.
				in.UnknownAt = fmt.Sprintf("values[%d]", i)
			}
		}
		in.note(v)
		r.Values = append(r.Values, v)
		in.Inputs[fmt.Sprintf("values[%d]", i)] = fmt.Sprintf("values[%d]", i)
	}
	return nil
}

// readSets reads `set` or `set_sensitive`: a list of {name, value, type}.
func (in *Input) readSets(rd *reader, attr string, sensitive bool, block func(what, at string)) ([]helm.Set, error) {
	if rd.unknown(attr) {
		block(attr+" (the whole list)", attr)
		return nil, nil
	}
	l, err := rd.list(attr)
	if err != nil {
		return nil, err
	}
	out := make([]helm.Set, 0, len(l))
	for i, e := range l {
		where := fmt.Sprintf("%s[%d]", attr, i)
		if rd.unknown(attr, i) {
			block("the entry "+where, where)
			continue
		}
		if _, ok := e.(map[string]any); !ok {
			return nil, fmt.Errorf("%s is an object (name, value, type), not %s", where, describe(e))
		}
		name, err := rd.value(attr, i, "name")
		if err != nil {
			return nil, err
		}
		typ, err := rd.value(attr, i, "type")
		if err != nil {
			return nil, err
		}
		if name.Sensitive || typ.Sensitive {
			in.Withhold = true
		}
		switch {
		case !name.Known:
			block("the name of "+where, where+".name")
		case !typ.Known:
			block("the type of "+where, where+".type")
		}
		v, err := rd.value(attr, i, "value")
		if err != nil {
			return nil, err
		}
		if sensitive && v.Known {
			v.Sensitive = true
		}
		if !v.Known {
			in.AnyUnknown = true
		}
		in.note(v)
		out = append(out, helm.Set{Name: name.Value, Value: v, Type: typ.Value})
		in.Inputs[where] = where + ".value"
	}
	return out, nil
}

// readSetLists reads `set_list`: a list of {name, value = [strings]}.
func (in *Input) readSetLists(rd *reader, block func(what, at string)) error {
	r := &in.Release
	if rd.unknown("set_list") {
		block("set_list (the whole list)", "set_list")
		return nil
	}
	l, err := rd.list("set_list")
	if err != nil {
		return err
	}
	for i, e := range l {
		where := fmt.Sprintf("set_list[%d]", i)
		if rd.unknown("set_list", i) {
			block("the entry "+where, where)
			continue
		}
		if _, ok := e.(map[string]any); !ok {
			return fmt.Errorf("%s is an object (name, value), not %s", where, describe(e))
		}
		name, err := rd.value("set_list", i, "name")
		if err != nil {
			return err
		}
		if name.Sensitive {
			in.Withhold = true
		}
		if !name.Known {
			block("the name of "+where, where+".name")
		}
		entry := helm.SetList{Name: name.Value, Known: !rd.unknown("set_list", i, "value")}
		if entry.Known {
			items, err := rd.list("set_list", i, "value")
			if err != nil {
				return err
			}
			for j := range items {
				v, err := rd.value("set_list", i, "value", j)
				if err != nil {
					return err
				}
				if !v.Known {
					in.AnyUnknown = true
				}
				in.note(v)
				entry.Values = append(entry.Values, v)
			}
		} else {
			in.AnyUnknown = true
		}
		r.SetList = append(r.SetList, entry)
		in.Inputs[where] = where + ".value"
	}
	return nil
}

func (in *Input) note(v helm.Value) {
	if v.Sensitive {
		in.AnySensitive = true
	}
}

// displayChart is the chart attribute as a finding may show it: a URL without its
// user information, query and fragment (where credentials may hide).
func displayChart(c string) string {
	if !strings.Contains(c, "://") {
		return c
	}
	u, err := url.Parse(c)
	if err != nil {
		return "(a chart URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// reader walks the planned value and its marks.
type reader struct {
	a, u, s any
	secrets []string
}

// at returns the planned value at path (keys and indexes), nil when absent.
func (rd *reader) at(path ...any) any { return walk(rd.a, path) }

// unknown reports whether the value at path (or what contains it) is unknown until apply.
func (rd *reader) unknown(path ...any) bool { return marked(rd.u, path) }

// sensitive reports whether the value at path (or what contains it) is sensitive.
func (rd *reader) sensitive(path ...any) bool { return marked(rd.s, path) }

// value reads a string attribute with its marks. Null is a known "".
func (rd *reader) value(path ...any) (helm.Value, error) {
	v := helm.Value{Known: !rd.unknown(path...), Sensitive: rd.sensitive(path...)}
	if !v.Known {
		return v, nil
	}
	switch x := rd.at(path...).(type) {
	case nil:
	case string:
		v.Value = x
	case bool:
		v.Value = fmt.Sprint(x)
	case json.Number:
		v.Value = x.String()
	default:
		return v, fmt.Errorf("%s is a string, not %s", pathString(path), describe(x))
	}
	if !v.Sensitive && rd.holdsSecret(v.Value) {
		v.Sensitive = true
	}
	return v, nil
}

// flag reads a boolean attribute; null and unknown are false.
func (rd *reader) flag(name string) (bool, error) {
	switch x := rd.at(name).(type) {
	case nil:
		return false, nil
	case bool:
		return x, nil
	default:
		if rd.unknown(name) {
			return false, nil
		}
		return false, fmt.Errorf("%s is a boolean, not %s", name, describe(x))
	}
}

// list reads a list attribute; null is empty.
func (rd *reader) list(path ...any) ([]any, error) {
	switch x := rd.at(path...).(type) {
	case nil:
		return nil, nil
	case []any:
		return x, nil
	default:
		return nil, fmt.Errorf("%s is a list, not %s", pathString(path), describe(x))
	}
}

// holdsSecret reports whether s holds the value of a sensitive variable.
func (rd *reader) holdsSecret(s string) bool {
	for _, sec := range rd.secrets {
		if s == sec || (len(sec) >= minSecretLen && strings.Contains(s, sec)) {
			return true
		}
	}
	return false
}

// minSecretLen is the shortest sensitive variable value looked for inside a longer input;
// a shorter one ("1", "yes") only makes an input sensitive when it is the whole input.
const minSecretLen = 4

func secretList(in []string) []string {
	var out []string
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isList(v any) bool { _, ok := v.([]any); return ok }

func walk(v any, path []any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k < 0 || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// marked reports whether a mark tree (after_unknown, after_sensitive) marks path: true at
// the path or at any object or list above it.
func marked(m any, path []any) bool {
	for _, p := range path {
		if m == true {
			return true
		}
		m = walk(m, []any{p})
	}
	return m == true
}

func pathString(path []any) string {
	var b strings.Builder
	for i, p := range path {
		switch k := p.(type) {
		case string:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(k)
		case int:
			fmt.Fprintf(&b, "[%d]", k)
		}
	}
	return b.String()
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
