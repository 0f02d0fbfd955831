package plan

import (
	"strings"
)

// This file decides whether the value of an expression the user wrote was known when
// Terraform planned, from the references the plan's configuration section records for it.
//
// Why that is enough for computed attributes: the kubernetes provider (SDKv2) puts a known
// non-empty configuration value into the planned value as it is; it plans a computed
// attribute as unknown only when the configuration's value is unknown, or when it is
// null or empty (`{}`, `""`). So a computed attribute that is unknown in `after`, written
// with an expression whose every reference is known at plan time, was written null or
// empty: nothing is sent, the API server leaves the field unset. The configuration section
// keeps references, not the expression, so the value itself cannot be recomputed here
// (`lookup(var.x, "k", null)` references var.x, whose value is not the expression's), and
// it is not needed.
//
// Known at plan time:
//   - var.NAME of the root module (Terraform requires every root variable's value);
//   - var.NAME of a child module: its default when the module call does not set it, a
//     constant, or an expression of the calling module whose references are known, in
//     the calling module's scope (each.value there is the module call's for_each);
//   - each.key, count.index (instance keys are always known), and each.value when the
//     for_each expression's references are known;
//   - path.*, terraform.*.
//
// Everything else is taken as computed at apply: resource attributes (some are known at
// plan time, but the plan's configuration section does not say which), data sources
// (read at plan time or deferred), module outputs, and locals, which the plan's JSON does
// not describe at all. An expression with neither references nor a constant (a function
// of literals, or `null`) is not known either: the JSON cannot tell `null` from
// `timestamp()`.

// scope is where an expression is evaluated: a module instance (with the module call
// that made it, for its var.), and the for_each of the block that holds the expression.
type scope struct {
	module *cfgModule
	// call made this module (nil for the root module); parent is the scope its
	// expressions are evaluated in.
	call   *cfgCall
	parent *scope
	// forEach is the for_each of the resource or module call whose arguments are being
	// evaluated (each.value), not written when there is none.
	forEach cfgExpr
}

// resourceScope is the scope of a resource's arguments: the module instance at
// moduleAddr (module.a["x"].module.b) of the configuration. nil when the configuration
// does not have that module.
func resourceScope(cfg *config, moduleAddr string, res *resourceConfig) *scope {
	if cfg == nil || cfg.root == nil {
		return nil
	}
	sc := &scope{module: cfg.root, forEach: cfgExpr{n: absent}}
	for _, name := range moduleNames(moduleAddr) {
		call := sc.module.calls[name]
		if call == nil || call.module == nil {
			return nil
		}
		caller := &scope{module: sc.module, call: sc.call, parent: sc.parent, forEach: call.forEach}
		sc = &scope{module: call.module, call: call, parent: caller, forEach: cfgExpr{n: absent}}
	}
	if res != nil {
		sc.forEach = res.forEach
	}
	return sc
}

// planTime is what the references of one expression resolve to.
type planTime struct {
	// known is set when every reference is known at plan time.
	known bool
	// sensitive is set when a reference reaches a variable declared sensitive.
	sensitive bool
}

// knownAtPlan resolves the references of an expression written in scope sc.
func (sc *scope) knownAtPlan(refs []string) planTime {
	if sc == nil || len(refs) == 0 {
		return planTime{}
	}
	out := planTime{known: true}
	for _, ref := range refs {
		r := sc.reference(ref)
		out.sensitive = out.sensitive || r.sensitive
		if !r.known {
			return planTime{sensitive: out.sensitive}
		}
	}
	return out
}

// expression resolves one expression of sc (a module call argument, a for_each).
func (sc *scope) expression(e cfgExpr) planTime {
	if !e.written() {
		return planTime{}
	}
	if refs := e.refs(); len(refs) > 0 {
		return sc.knownAtPlan(refs)
	}
	if _, ok := e.constant(); ok {
		return planTime{known: true}
	}
	return planTime{}
}

// reference resolves one reference ("var.resources.requests", "each.value", ...).
func (sc *scope) reference(ref string) planTime {
	head, rest := splitRef(ref)
	switch head {
	case "var":
		name, _ := splitRef(rest)
		return sc.variable(name)
	case "each":
		attr, _ := splitRef(rest)
		switch attr {
		case "key":
			return planTime{known: true}
		case "value":
			if !sc.forEach.written() {
				return planTime{}
			}
			// The for_each expression is evaluated in the same module, without each.
			outer := &scope{module: sc.module, call: sc.call, parent: sc.parent}
			return outer.expression(sc.forEach)
		}
	case "count":
		attr, _ := splitRef(rest)
		return planTime{known: attr == "index"}
	case "path", "terraform":
		return planTime{known: true}
	}
	return planTime{}
}

// variable resolves var.name in sc.
func (sc *scope) variable(name string) planTime {
	v, ok := sc.module.variables[name]
	if !ok {
		return planTime{}
	}
	if sc.call == nil {
		return planTime{known: true, sensitive: v.sensitive}
	}
	e := sc.call.exprs.expr(name)
	if !e.written() {
		// Not set by the module call: the variable's default, a constant.
		return planTime{known: true, sensitive: v.sensitive}
	}
	r := sc.parent.expression(e)
	r.sensitive = r.sensitive || v.sensitive
	return r
}

// splitRef splits the first name off a reference: "var.x.y" gives "var" and "x.y",
// `each.value["a"]` gives "each" and `value["a"]`.
func splitRef(ref string) (string, string) {
	i := strings.IndexAny(ref, ".[")
	if i < 0 {
		return ref, ""
	}
	if ref[i] == '.' {
		return ref[:i], ref[i+1:]
	}
	return ref[:i], ref[i:]
}
