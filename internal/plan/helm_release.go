package plan

import (
	"fmt"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
)

// HelmReleaseType is the resource type of the hashicorp/helm provider's releases.
const HelmReleaseType = "helm_release"

// HelmRelease is one helm_release of the plan that will exist after apply, as the plan
// holds it: the planned value and its marks decoded generically (objects are
// map[string]any, lists []any, numbers json.Number, then string, bool or nil). What the
// release installs is worked out elsewhere (internal/release renders its chart); the
// plan reader only finds the releases and checks that their change is well formed.
type HelmRelease struct {
	// Address is the Terraform address with module path and count/for_each key; Module
	// the module address ("" for the root module); Name the resource name.
	Address, Module, Name string
	// Upgrade is set when the release is installed already and stays (an update or a
	// no-op): Helm upgrades it. A create or a replacement installs it.
	Upgrade bool
	// Unknown is set when the whole planned value is unknown until apply.
	Unknown bool
	// After is the planned value (nil when Unknown); AfterUnknown and AfterSensitive are
	// its marks: true, false, nil, or a tree shaped like After.
	After, AfterUnknown, AfterSensitive any
	// Written lists the attributes the configuration writes for this resource (from the
	// plan's configuration section); nil when the configuration does not have it.
	Written map[string]bool
}

// HelmReleases returns the plan's helm_release changes that will exist after apply
// (create, update, no-op, replace; every module and count/for_each instance), in plan
// order. A change whose planned value or marks have the wrong shape is an error naming the
// address.
func (p *Plan) HelmReleases() ([]HelmRelease, error) { return p.helmReleases(false) }

// PriorHelmReleases returns the releases as they are installed now: the prior value
// (change.before, before_sensitive) of every helm_release the plan updates, keeps,
// replaces or deletes, in the shape of HelmReleases' (After holds the prior value; nothing
// is unknown). Upgrade is set: each is installed.
func (p *Plan) PriorHelmReleases() ([]HelmRelease, error) { return p.helmReleases(true) }

func (p *Plan) helmReleases(prior bool) ([]HelmRelease, error) {
	var out []HelmRelease
	var t tape
	for i := range p.changes {
		ref := &p.changes[i]
		h := ref.h
		if h.typ != HelmReleaseType || (!prior && !h.willExist()) || (prior && !h.hasPrior()) {
			continue
		}
		t.base = ref.start
		if err := t.parse(p.raw(i)); err != nil {
			return nil, fmt.Errorf("%s: %w", h.address, changeProblem(err))
		}
		rc, err := decodeChange(&t, h)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.address, err)
		}
		hr := HelmRelease{Address: h.address, Module: h.module, Name: h.name,
			Upgrade: h.actions.Update() || h.actions.NoOp()}
		if prior {
			if err := rc.decodePrior(); err != nil {
				return nil, fmt.Errorf("%s: %w", h.address, err)
			}
			if t.isNull(rc.prior) {
				return nil, fmt.Errorf("%s: change.before is null: a release the plan updates, keeps, replaces or deletes is installed", h.address)
			}
			hr.Upgrade = true
			hr.After, hr.AfterSensitive = t.value(rc.prior), t.value(rc.priorSensitive)
			if hr.Written, err = p.writtenAttributes(h); err != nil {
				return nil, err
			}
			out = append(out, hr)
			continue
		}
		switch {
		case t.isTrue(rc.unknown):
			hr.Unknown = true
		case t.isNull(rc.after):
			return nil, fmt.Errorf("%s: change.after is null: a resource that will exist has a planned value", h.address)
		default:
			hr.After = t.value(rc.after)
			hr.AfterUnknown = t.value(rc.unknown)
		}
		hr.AfterSensitive = t.value(rc.sensitive)
		if hr.Written, err = p.writtenAttributes(h); err != nil {
			return nil, err
		}
		out = append(out, hr)
	}
	return out, nil
}

// writtenAttributes finds the configuration of the resource of h and lists the attributes
// it writes (expressions and blocks); nil when the configuration section lacks it.
func (p *Plan) writtenAttributes(h header) (map[string]bool, error) {
	cfg, err := p.configuration()
	if err != nil {
		return nil, err
	}
	res, found, err := cfg.lookup(h.module, h.typ, h.name, &cfgTape{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", h.address, err)
	}
	if !found {
		return nil, nil
	}
	out := map[string]bool{}
	res.exprs.keys(func(k string) { out[k] = true })
	return out, nil
}

// moduleCallNames turns a module address with instance keys (module.a[0].module.b["x"])
// into its call names (a, b).
func moduleCallNames(addr string) []string {
	var names []string
	for addr != "" {
		if !strings.HasPrefix(addr, "module.") {
			return names
		}
		addr = addr[len("module."):]
		j := strings.IndexAny(addr, ".[")
		if j < 0 {
			return append(names, addr)
		}
		names = append(names, addr[:j])
		addr = addr[j:]
		if addr[0] == '[' {
			addr = addr[fieldpath.BracketEnd(addr, 0):]
		}
		addr = strings.TrimPrefix(addr, ".")
	}
	return names
}

// SensitiveVariableValues returns every string in the values of the root module's
// variables that the configuration declares sensitive (the plan's `variables` section
// holds them in plain text; numbers and booleans in their JSON form), for the readers
// of attributes that a sensitive variable may reach without Terraform marking them.
// They are never to be printed. Nil when the plan has none.
func (p *Plan) SensitiveVariableValues() ([]string, error) {
	cfg, err := p.configuration()
	if err != nil {
		return nil, err
	}
	if cfg == nil || cfg.root == nil {
		return nil, nil
	}
	sensitive := map[string]bool{}
	for name, v := range cfg.root.variables {
		if v.sensitive {
			sensitive[name] = true
		}
	}
	if len(sensitive) == 0 {
		return nil, nil
	}
	var out []string
	_, err = eachMember(p.data, skipSpace(p.data, 0), func(k []byte, at int) (int, error) {
		end, err := skipValue(p.data, at)
		if err != nil || string(k) != "variables" {
			return end, err
		}
		var t tape
		t.base = at
		if err := t.parse(p.data[at:end]); err != nil {
			return end, fmt.Errorf("variables: %w", err)
		}
		t.each(0, func(_ int, key, val int32) bool {
			if key < 0 || !sensitive[t.key(key)] {
				return true
			}
			collectLeaves(&t, t.member(val, "value"), &out)
			return true
		})
		return end, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// collectLeaves appends the strings, numbers and booleans below node n.
func collectLeaves(t *tape, n int32, out *[]string) {
	switch t.kind(n) {
	case '{', '[':
		t.each(n, func(_ int, _, v int32) bool {
			collectLeaves(t, v, out)
			return true
		})
	case '"':
		*out = append(*out, t.key(n))
	case '0', 't', 'f':
		*out = append(*out, string(t.raw(n)))
	}
}
