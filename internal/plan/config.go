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

// config is the configuration section of one plan, indexed on first use: its module
// tree (module calls with their arguments and for_each, variables) and where each managed
// resource is in the file. A resource's own configuration is indexed into a tape only when
// a change of it is read (lookup).
type config struct {
	data []byte // the plan
	at   int    // the section's value in data

	once sync.Once
	err  error
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
// and the called module (nil when the section does not have it). Its expressions have a
// tape of their own, kept: references resolve through them from any resource below.
type cfgCall struct {
	exprs   cfgBlock
	forEach cfgExpr
	module  *cfgModule
}

// cfgResource is where a managed resource's configuration is in the file.
type cfgResource struct {
	path       string // where it is in the section, for errors
	start, end int

	checkOnce sync.Once
	checkErr  error
}

// resourceConfig is one resource's configuration as a change of it is read: its
// expressions and its for_each, on the reader's tape.
type resourceConfig struct {
	exprs   cfgBlock
	forEach cfgExpr
}

// cfgTape is a tape for resource configurations, reused from resource to resource; at is
// the resource it holds (-1 for none).
type cfgTape struct {
	t  tape
	at int
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
		c.resources = map[string]*cfgResource{}
		if c.err = c.expect(c.at, "configuration", '{'); c.err != nil {
			return
		}
		_, c.err = c.members(c.at, "configuration", func(key string, at int) (int, error) {
			if key != "root_module" || c.isNull(at) {
				return 0, nil
			}
			var end int
			var err error
			c.root, end, err = c.module(at, "root_module", nil)
			return end, err
		})
	})
	if c.err != nil {
		return fmt.Errorf("reading the plan's configuration section: %w", c.err)
	}
	return nil
}

// members calls fn for every member of the object at data[at] (checked by Parse), and
// refuses duplicate member names: two readers could see two different configurations. fn
// returns the offset just past the value when it read it, 0 to have it skipped; members
// returns the offset just past the object.
func (c *config) members(at int, path string, fn func(key string, at int) (int, error)) (int, error) {
	var seen keySet
	return eachMember(c.data, at, func(k []byte, at int) (int, error) {
		if seen.add(k) {
			return at, fmt.Errorf("%s: duplicate member %q at byte %d: two readers could see two different configurations", path, clip(string(k)), at)
		}
		end, err := fn(string(k), at)
		if err != nil || end > 0 {
			return end, err
		}
		return skipValue(c.data, at)
	})
}

// expect checks that the value at data[at] is of kind k ('{' or '[').
func (c *config) expect(at int, path string, k byte) error {
	if got := jsonKind(c.data[at]); got != k {
		return fmt.Errorf("%s: expected %s, not %s", path, kindName(k), kindName(got))
	}
	return nil
}

// isNull reports whether the value at data[at] is null.
func (c *config) isNull(at int) bool { return c.data[at] == 'n' }

// objects calls fn for every member of the object (or null) at data[at] but those
// written null, each checked to be an object; fn returns the offset past it, as for
// members.
func (c *config) objects(at int, path string, fn func(name string, at int, path string) (int, error)) (int, error) {
	if c.isNull(at) {
		return 0, nil
	}
	if err := c.expect(at, path, '{'); err != nil {
		return 0, err
	}
	return c.members(at, path, func(name string, at int) (int, error) {
		if c.isNull(at) {
			return 0, nil
		}
		p := path + "." + name
		if err := c.expect(at, p, '{'); err != nil {
			return 0, err
		}
		return fn(name, at, p)
	})
}

// subtape indexes the value at data[at] into a tape of its own; end is just past it.
func (c *config) subtape(at int) (t *tape, end int, err error) {
	if end, err = skipValue(c.data, at); err != nil {
		return nil, end, err
	}
	t = &tape{base: at, maxDepth: jsonMaxDepth}
	if err := t.parse(c.data[at:end]); err != nil {
		return nil, end, err
	}
	return t, end, nil
}

// module indexes the module at data[at]; names are the module call names from the root.
// end is just past it.
func (c *config) module(at int, path string, names []string) (*cfgModule, int, error) {
	if err := c.expect(at, path, '{'); err != nil {
		return nil, 0, err
	}
	m := &cfgModule{calls: map[string]*cfgCall{}, variables: map[string]cfgVariable{}}
	prefix := strings.Join(names, ".") + "|"
	end, err := c.members(at, path, func(key string, at int) (int, error) {
		switch key {
		case "variables":
			return c.objects(at, path+".variables", func(name string, at int, path string) (int, error) {
				v := cfgVariable{}
				end, err := c.members(at, path, func(key string, at int) (int, error) {
					if key != "sensitive" {
						return 0, nil
					}
					switch c.data[at] {
					case 't':
						v.sensitive = true
					case 'f', 'n':
					default:
						return 0, fmt.Errorf("%s.sensitive: expected a boolean, not %s", path, kindName(jsonKind(c.data[at])))
					}
					return 0, nil
				})
				m.variables[name] = v
				return end, err
			})
		case "resources":
			if c.isNull(at) {
				return 0, nil
			}
			if err := c.expect(at, path+".resources", '['); err != nil {
				return 0, err
			}
			return eachElement(c.data, at, func(i, at int) (int, error) {
				if c.isNull(at) {
					return skipValue(c.data, at)
				}
				res, key, end, err := c.resource(at, path+".resources["+strconv.Itoa(i)+"]")
				if err == nil && res != nil {
					c.resources[prefix+key] = res
				}
				return end, err
			})
		case "module_calls":
			return c.objects(at, path+".module_calls", func(name string, at int, path string) (int, error) {
				call := &cfgCall{forEach: cfgExpr{n: absent}}
				m.calls[name] = call
				return c.call(call, at, path, append(names[:len(names):len(names)], name))
			})
		}
		return 0, nil
	})
	if err != nil {
		return nil, end, err
	}
	return m, end, nil
}

// call reads the module call at data[at] into call; names lead to its module.
func (c *config) call(call *cfgCall, at int, path string, names []string) (int, error) {
	return c.members(at, path, func(key string, at int) (int, error) {
		switch key {
		case "expressions":
			if c.isNull(at) {
				return 0, nil
			}
			if err := c.expect(at, path+".expressions", '{'); err != nil {
				return 0, err
			}
			t, end, err := c.subtape(at)
			if err != nil {
				return end, configProblem(err, path+".expressions")
			}
			call.exprs = cfgBlock{t: t, n: 0, ok: true}
			t.each(0, func(_ int, k, e int32) bool {
				err = checkExpression(t, e, path+".expressions."+t.key(k))
				return err == nil
			})
			return end, err
		case "for_each_expression":
			t, end, err := c.subtape(at)
			if err != nil {
				return end, configProblem(err, path+".for_each_expression")
			}
			if err := checkExpression(t, 0, path+".for_each_expression"); err != nil {
				return end, err
			}
			call.forEach = t.expression(0)
			return end, nil
		case "module":
			if c.isNull(at) {
				return 0, nil
			}
			var end int
			var err error
			call.module, end, err = c.module(at, path+".module", names)
			return end, err
		}
		return 0, nil
	})
}

// resource reads the resource at data[at]: nil for a data source; its key is "type.name";
// end is just past it.
func (c *config) resource(at int, path string) (res *cfgResource, key string, end int, err error) {
	if err := c.expect(at, path, '{'); err != nil {
		return nil, "", 0, err
	}
	var mode, typ, name string
	end, err = c.members(at, path, func(key string, at int) (int, error) {
		var dst *string
		switch key {
		case "mode":
			dst = &mode
		case "type":
			dst = &typ
		case "name":
			dst = &name
		case "expressions":
			if c.isNull(at) {
				return 0, nil
			}
			return 0, c.expect(at, path+".expressions", '{')
		default:
			return 0, nil
		}
		switch c.data[at] {
		case 'n':
			return 0, nil
		case '"':
			end, _, err := skipString(c.data, at)
			if err != nil {
				return end, err
			}
			*dst, err = stringMember(c.data[at:end])
			return end, err
		}
		return 0, fmt.Errorf("%s.%s: expected a string, not %s", path, key, kindName(jsonKind(c.data[at])))
	})
	if err != nil {
		return nil, "", end, err
	}
	if mode != "" && mode != "managed" {
		return nil, "", end, nil
	}
	return &cfgResource{path: path, start: at, end: end}, typ + "." + name, end, nil
}

// configProblem names where in the section a tape failed.
func configProblem(err error, path string) error {
	var de *depthError
	if errors.As(err, &de) {
		return fmt.Errorf("%s: nested deeper than %d levels at byte %d", path, de.limit, de.offset)
	}
	var dup *duplicateError
	if errors.As(err, &dup) {
		return fmt.Errorf("%s: an object has a duplicate member name at byte %d: two readers could see two different configurations", path, dup.offset)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// lookup returns the configuration of the managed resource type.name in the module at
// moduleAddr (instance keys are ignored: every instance shares it), indexed on ct and its
// expressions checked; found is false when the section does not have it.
func (c *config) lookup(moduleAddr, typ, name string, ct *cfgTape) (rc resourceConfig, found bool, err error) {
	if c == nil || c.resources == nil {
		return rc, false, nil
	}
	res := c.resources[configKey(moduleAddr, typ, name)]
	if res == nil {
		return rc, false, nil
	}
	t := &ct.t
	if ct.at != res.start || len(t.nodes) == 0 {
		ct.at = -1
		t.base, t.maxDepth = res.start, jsonMaxDepth
		if err := t.parse(c.data[res.start:res.end]); err != nil {
			return rc, false, fmt.Errorf("reading the plan's configuration section: %w", configProblem(err, res.path))
		}
		ct.at = res.start
	}
	exprs, fe := t.member(0, "expressions"), t.member(0, "for_each_expression")
	res.checkOnce.Do(func() {
		if res.checkErr = checkExpression(t, fe, res.path+".for_each_expression"); res.checkErr != nil {
			return
		}
		t.each(exprs, func(_ int, k, e int32) bool {
			res.checkErr = checkExpression(t, e, res.path+".expressions."+t.key(k))
			return res.checkErr == nil
		})
	})
	if res.checkErr != nil {
		return rc, false, fmt.Errorf("reading the plan's configuration section: %w", res.checkErr)
	}
	return resourceConfig{exprs: cfgBlock{t: t, n: exprs, ok: true}, forEach: t.expression(fe)}, true, nil
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
