package plan

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The plan's configuration section holds what the user wrote: every resource's
// expressions (constants, references, nested blocks), module calls and variables. On a
// real plan it is a tenth of the file or more, and plan-check needs little of it: the
// expressions of the resources it reads, and only where a verdict asks (was a computed
// attribute written, and from what), the module calls and variables their references go
// through. So it is not decoded: the section is indexed once into a tape (the same strict
// one as a resource change), its module tree and the position of each resource are
// noted, and an expression is looked at only when asked, in place.
//
// The shapes are terraform-json's (tfjson.Config): an expression is an object with
// "references" (a list of strings) and "constant_value", or a list of nested blocks, each
// an object of expressions; null is an expression not written. A resource's expressions
// are checked against those shapes the first time they are asked for, so a malformed
// expression of a resource plan-check reads is an error naming the resource and the
// attribute, never a silent pass; what no rule asks for (outputs, providers, provisioners,
// the expressions of resources it does not read) is not looked at.

// config is the configuration section of one plan, indexed on first use.
type config struct {
	raw  []byte // the section's bytes; nil without one (absent or null)
	base int    // its offset in the file

	once sync.Once
	err  error
	t    tape
	root *cfgModule
	// resources maps "module path|type.name" (configKey) to the managed resources.
	resources map[string]*cfgResource
}

// cfgModule is one module of the configuration (the root, or the module of a call).
type cfgModule struct {
	calls     map[string]*cfgCall
	variables map[string]cfgVariable
}

// cfgVariable is a variable a module declares.
type cfgVariable struct {
	sensitive bool
}

// cfgCall is a module call: the expressions that set the module's variables, its for_each,
// and the called module (nil when the section does not have it).
type cfgCall struct {
	exprs   cfgBlock
	forEach cfgExpr
	module  *cfgModule
}

// cfgResource is a managed resource's configuration: its expressions (checked on first
// use) and its for_each.
type cfgResource struct {
	path  string // where it is in the section, for errors
	exprs cfgBlock
	node  int32 // the resource object

	checkOnce sync.Once
	checkErr  error
	forEach   cfgExpr
}

// cfgExpr is one expression of the section: node n of tape t, absent when not written
// (missing or null).
type cfgExpr struct {
	t *tape
	n int32
}

// cfgBlock is the configuration (the expressions the user wrote) of one block: an object
// of expressions. ok is false when it cannot be found: the block came from a `dynamic`
// block, which the plan's configuration section leaves out, or the configuration is
// missing. A block that is found but written null has no expressions.
type cfgBlock struct {
	t  *tape
	n  int32
	ok bool
}

// expr returns the expression written under key.
func (c cfgBlock) expr(key string) cfgExpr {
	if !c.ok {
		return cfgExpr{n: absent}
	}
	return c.t.expression(c.t.member(c.n, key))
}

// nested returns the configuration of block i of n written under key.
func (c cfgBlock) nested(key string, i, n int) cfgBlock {
	e := c.expr(key)
	if e.n == absent || e.t.kind(e.n) != '[' || e.t.count(e.n) != n {
		// Not written statically (a dynamic block), or static and dynamic blocks mixed:
		// the index in the plan cannot be matched to what the user wrote.
		return cfgBlock{}
	}
	b := e.n + 1
	for ; i > 0; i-- {
		b = e.t.nodes[b].next
	}
	return cfgBlock{t: e.t, n: b, ok: true}
}

// keys calls fn with the name of every expression of the block, written null too.
func (c cfgBlock) keys(fn func(string)) {
	if !c.ok {
		return
	}
	c.t.each(c.n, func(_ int, k, _ int32) bool {
		fn(c.t.key(k))
		return true
	})
}

// expression is node n as an expression: absent when it is missing or null.
func (t *tape) expression(n int32) cfgExpr {
	if t.isNull(n) {
		return cfgExpr{t: t, n: absent}
	}
	return cfgExpr{t: t, n: n}
}

// written reports whether the expression is there (not missing, not null).
func (e cfgExpr) written() bool { return e.n != absent }

// refs returns the expression's references (nil for a constant, a function of literals,
// or nested blocks).
func (e cfgExpr) refs() []string {
	if e.n == absent || e.t.kind(e.n) != '{' {
		return nil
	}
	var out []string
	e.t.each(e.t.member(e.n, "references"), func(_ int, _, v int32) bool {
		s, _ := e.t.str(v) // null is "", as encoding/json reads it
		out = append(out, s)
		return true
	})
	return out
}

// constant returns the node of the expression's constant value: there when the whole
// expression is a constant other than null (an expression with references has none).
func (e cfgExpr) constant() (int32, bool) {
	if e.n == absent || e.t.kind(e.n) != '{' {
		return absent, false
	}
	if e.t.count(e.t.member(e.n, "references")) > 0 {
		return absent, false
	}
	v := e.t.member(e.n, "constant_value")
	if e.t.isNull(v) {
		return absent, false
	}
	return v, true
}

// index reads the section's structure: the module tree, variables, module calls and the
// resources' positions. Errors name the path in the section, never a value.
func (c *config) index() error {
	c.once.Do(func() {
		if c.raw == nil {
			return
		}
		c.t = tape{base: c.base, maxDepth: jsonMaxDepth}
		if err := c.t.parse(c.raw); err != nil {
			c.err = configProblem(err)
			return
		}
		t := &c.t
		if err := wantKind(t, 0, "configuration", '{'); err != nil {
			c.err = err
			return
		}
		c.resources = map[string]*cfgResource{}
		root := t.member(0, "root_module")
		if t.isNull(root) {
			return
		}
		c.root, c.err = c.module(root, "root_module", nil)
	})
	if c.err != nil {
		return fmt.Errorf("reading the plan's configuration section: %w", c.err)
	}
	return nil
}

// configProblem names where in the section the tape failed.
func configProblem(err error) error {
	var de *depthError
	if errors.As(err, &de) {
		return fmt.Errorf("%s: nested deeper than %d levels at byte %d", cfgPath(de.path), de.limit, de.offset)
	}
	var dup *duplicateError
	if errors.As(err, &dup) {
		return fmt.Errorf("%s: an object has a duplicate member name at byte %d: two readers could see two different configurations", cfgPath(dup.path), dup.offset)
	}
	return err
}

// cfgPath renders the first levels of a tape path in the section (member names there are
// Terraform's: module, resource and attribute names).
func cfgPath(path []seg) string {
	if len(path) == 0 {
		return "configuration"
	}
	return "configuration." + segments(path, 6)
}

// module indexes module node n at path; names are the module call names from the root.
func (c *config) module(n int32, path string, names []string) (*cfgModule, error) {
	t := &c.t
	if err := wantKind(t, n, path, '{'); err != nil {
		return nil, err
	}
	m := &cfgModule{calls: map[string]*cfgCall{}, variables: map[string]cfgVariable{}}
	if err := eachObject(t, t.member(n, "variables"), path+".variables", func(name string, v int32, at string) error {
		s := t.member(v, "sensitive")
		switch t.kind(s) {
		case 0, 'n', 'f':
		case 't':
			m.variables[name] = cfgVariable{sensitive: true}
			return nil
		default:
			return fmt.Errorf("%s.sensitive: expected a boolean, not %s", at, t.describe(s))
		}
		m.variables[name] = cfgVariable{}
		return nil
	}); err != nil {
		return nil, err
	}
	prefix := strings.Join(names, ".") + "|"
	rs := t.member(n, "resources")
	switch t.kind(rs) {
	case 0, 'n':
	case '[':
		var err error
		t.each(rs, func(i int, _, r int32) bool {
			if t.isNull(r) {
				return true
			}
			at := path + ".resources[" + strconv.Itoa(i) + "]"
			var res *cfgResource
			var key string
			if res, key, err = c.resource(r, at); err != nil {
				return false
			}
			if res != nil {
				c.resources[prefix+key] = res
			}
			return true
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s.resources: expected a list, not %s", path, t.describe(rs))
	}
	err := eachObject(t, t.member(n, "module_calls"), path+".module_calls", func(name string, v int32, at string) error {
		call := &cfgCall{}
		exprs := t.member(v, "expressions")
		if !t.isNull(exprs) {
			if err := wantKind(t, exprs, at+".expressions", '{'); err != nil {
				return err
			}
			call.exprs = cfgBlock{t: t, n: exprs, ok: true}
			var err error
			t.each(exprs, func(_ int, k, e int32) bool {
				err = checkExpression(t, e, at+".expressions."+t.key(k))
				return err == nil
			})
			if err != nil {
				return err
			}
		}
		fe := t.member(v, "for_each_expression")
		if err := checkExpression(t, fe, at+".for_each_expression"); err != nil {
			return err
		}
		call.forEach = t.expression(fe)
		if mod := t.member(v, "module"); !t.isNull(mod) {
			var err error
			if call.module, err = c.module(mod, at+".module", append(names[:len(names):len(names)], name)); err != nil {
				return err
			}
		}
		m.calls[name] = call
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// resource reads resource node r: nil for a data source; its key is "type.name".
func (c *config) resource(r int32, at string) (*cfgResource, string, error) {
	t := &c.t
	if err := wantKind(t, r, at, '{'); err != nil {
		return nil, "", err
	}
	var fields [3]string
	for i, name := range []string{"mode", "type", "name"} {
		v := t.member(r, name)
		switch t.kind(v) {
		case 0, 'n':
		case '"':
			fields[i] = t.key(v)
		default:
			return nil, "", fmt.Errorf("%s.%s: expected a string, not %s", at, name, t.describe(v))
		}
	}
	if mode := fields[0]; mode != "" && mode != "managed" {
		return nil, "", nil
	}
	res := &cfgResource{path: at, node: r, forEach: cfgExpr{t: t, n: absent}}
	exprs := t.member(r, "expressions")
	if !t.isNull(exprs) {
		if err := wantKind(t, exprs, at+".expressions", '{'); err != nil {
			return nil, "", err
		}
	}
	res.exprs = cfgBlock{t: t, n: exprs, ok: true}
	return res, fields[1] + "." + fields[2], nil
}

// lookup returns the configuration of the managed resource type.name in the module at
// moduleAddr (instance keys are ignored: every instance shares it), its expressions
// checked; nil when the section does not have it.
func (c *config) lookup(moduleAddr, typ, name string) (*cfgResource, error) {
	if c == nil || c.resources == nil {
		return nil, nil
	}
	res := c.resources[configKey(moduleAddr, typ, name)]
	if res == nil {
		return nil, nil
	}
	res.checkOnce.Do(func() {
		t := &c.t
		fe := t.member(res.node, "for_each_expression")
		if err := checkExpression(t, fe, res.path+".for_each_expression"); err != nil {
			res.checkErr = err
			return
		}
		res.forEach = t.expression(fe)
		t.each(res.exprs.n, func(_ int, k, e int32) bool {
			res.checkErr = checkExpression(t, e, res.path+".expressions."+t.key(k))
			return res.checkErr == nil
		})
	})
	if res.checkErr != nil {
		return nil, fmt.Errorf("reading the plan's configuration section: %w", res.checkErr)
	}
	return res, nil
}

// checkExpression accepts the shapes terraform-json reads as an expression: null, an
// object whose references are a list of strings, or a list of nested blocks (objects of
// expressions, or null).
func checkExpression(t *tape, n int32, at string) error {
	switch t.kind(n) {
	case 0, 'n':
		return nil
	case '{':
		refs := t.member(n, "references")
		switch t.kind(refs) {
		case 0, 'n':
		case '[':
			var err error
			t.each(refs, func(i int, _, v int32) bool {
				if k := t.kind(v); k != '"' && k != 'n' {
					err = fmt.Errorf("%s.references[%d]: expected a string, not %s", at, i, t.describe(v))
				}
				return err == nil
			})
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s.references: expected a list of strings, not %s", at, t.describe(refs))
		}
		return nil
	case '[':
		var err error
		t.each(n, func(i int, _, b int32) bool {
			switch t.kind(b) {
			case 'n':
			case '{':
				t.each(b, func(_ int, k, e int32) bool {
					err = checkExpression(t, e, at+"["+strconv.Itoa(i)+"]."+t.key(k))
					return err == nil
				})
			default:
				err = fmt.Errorf("%s[%d]: expected a nested block (an object), not %s", at, i, t.describe(b))
			}
			return err == nil
		})
		return err
	}
	return fmt.Errorf("%s: expected an expression (an object) or nested blocks (a list), not %s", at, t.describe(n))
}

// wantKind checks that node n is of kind k (an object or a list).
func wantKind(t *tape, n int32, at string, k byte) error {
	if t.kind(n) == k {
		return nil
	}
	return fmt.Errorf("%s: expected %s, not %s", at, kindName(k), t.describe(n))
}

// eachObject calls fn with every member of object n but those written null (nothing when
// n is missing or null).
func eachObject(t *tape, n int32, at string, fn func(name string, v int32, at string) error) error {
	switch t.kind(n) {
	case 0, 'n':
		return nil
	case '{':
	default:
		return fmt.Errorf("%s: expected an object, not %s", at, t.describe(n))
	}
	var err error
	t.each(n, func(_ int, k, v int32) bool {
		if t.isNull(v) {
			return true
		}
		name := t.key(k)
		at := at + "." + name
		if err = wantKind(t, v, at, '{'); err != nil {
			return false
		}
		err = fn(name, v, at)
		return err == nil
	})
	return err
}
