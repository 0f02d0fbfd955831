package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// cfgBlock is the configuration (the expressions the user wrote) of one block. ok is false
// when it cannot be found: the block came from a `dynamic` block, which the plan's
// configuration section leaves out, or the configuration is missing.
type cfgBlock struct {
	m  map[string]*tfjson.Expression
	ok bool
}

// nested returns the configuration of block i of n written under key.
func (c cfgBlock) nested(key string, i, n int) cfgBlock {
	if !c.ok {
		return cfgBlock{}
	}
	e := c.m[key]
	if e == nil || e.ExpressionData == nil || len(e.NestedBlocks) != n {
		// Not written statically (a dynamic block), or static and dynamic blocks mixed:
		// the index in the plan cannot be matched to what the user wrote.
		return cfgBlock{}
	}
	return cfgBlock{m: e.NestedBlocks[i], ok: true}
}

// seg is one segment of the Kubernetes path being converted: a field name, or an index
// when idx >= 0.
type seg struct {
	key string
	idx int
}

// converter turns the raw JSON of a planned value into the JSON of the Kubernetes object,
// walking the schema table: it copies what the table names, drops the rest, and records
// unknown and sensitive fields. It reads `after`, `after_unknown` and `after_sensitive`
// through tapes and never decodes them into generic maps.
type converter struct {
	f          *Fields
	buf        []byte
	path       []seg
	ta, tu, ts *tape // after, after_unknown, after_sensitive
	scratch    []int32
}

func (c *converter) push(key string) { c.path = append(c.path, seg{key: key, idx: -1}) }
func (c *converter) pushIndex(i int) { c.path = append(c.path, seg{idx: i}) }
func (c *converter) pop()            { c.path = c.path[:len(c.path)-1] }

// here renders the current Kubernetes path.
func (c *converter) here() string {
	var b strings.Builder
	for _, s := range c.path {
		if s.idx >= 0 {
			b.WriteString("[" + strconv.Itoa(s.idx) + "]")
			continue
		}
		if !isIdent(s.key) {
			b.WriteString("[" + strconv.Quote(s.key) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

func (c *converter) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s", c.f.TFPath(c.here()), fmt.Sprintf(format, args...))
}

// root converts a resource's `after` object (nodes a, u and sn of the tapes).
func (c *converter) root(a, u, sn int32, cfg cfgBlock, s *spec) ([]byte, error) {
	if c.ta.isNull(a) {
		return nil, nil
	}
	c.buf = make([]byte, 0, (c.ta.nodes[a].end-c.ta.nodes[a].start)/4)
	if err := c.block(a, u, sn, cfg, s); err != nil {
		return nil, err
	}
	return c.buf, nil
}

func (c *converter) sensitive(a int32) {
	c.f.markSensitive(c.here())
	if !c.ta.isNull(a) {
		c.f.addSecrets(c.ta.value(a))
	}
}

// convert writes the Kubernetes JSON of the value (node a of after, u of after_unknown,
// s of after_sensitive) under key of the enclosing block, and reports whether it wrote one.
func (c *converter) convert(a, u, sn int32, cfg cfgBlock, key string, s *spec) (bool, error) {
	if c.ts.isTrue(sn) {
		c.sensitive(a)
	}
	if c.tu.isTrue(u) {
		if !s.computed {
			c.f.markUnknown(c.here())
			return false, nil
		}
		// A computed attribute: unknown in the plan because the provider fills it in when
		// the user did not write it. Only what the configuration wrote can be unknown.
		if !cfg.ok {
			// The configuration cannot be matched (a dynamic block). A whole computed block
			// that is unknown was not written: a written block is a known list of one.
			if s.shape != object {
				c.f.markUnknown(c.here())
			}
			return false, nil
		}
		e := cfg.m[key]
		if e == nil {
			return false, nil
		}
		if e.ExpressionData == nil || e.ConstantValue == nil || e.ConstantValue == tfjson.UnknownConstantValue {
			c.f.markUnknown(c.here())
			return false, nil
		}
		// Written as a constant (e.g. `limits = {}`): the constant is what will be sent.
		return c.constant(e.ConstantValue, s)
	}
	if c.ta.isNull(a) {
		return false, nil
	}
	switch s.shape {
	case scalar:
		return c.scalar(a, s)
	case attrMap:
		return c.attrMap(a, u, sn)
	case attrSeq:
		return c.attrSeq(a, u, sn, s)
	case object:
		if c.ta.kind(a) == '{' {
			return true, c.block(a, u, sn, cfg, s)
		}
		if c.ta.kind(a) != '[' {
			return false, c.errorf("expected a block")
		}
		n := c.ta.count(a)
		if n == 0 {
			return false, nil
		}
		ue, se := c.tu.elem(u, 0), c.ts.elem(sn, 0)
		if c.ts.isTrue(se) {
			c.sensitive(c.ta.index(a, 0))
		}
		if c.tu.isTrue(ue) {
			c.f.markUnknown(c.here())
			return false, nil
		}
		return true, c.block(c.ta.index(a, 0), ue, se, cfg.nested(key, 0, n), s)
	case array:
		if c.ta.kind(a) != '[' {
			return false, c.errorf("expected a list of blocks")
		}
		n := c.ta.count(a)
		c.buf = append(c.buf, '[')
		var err error
		c.ta.each(a, func(i int, _, e int32) bool {
			if i > 0 {
				c.buf = append(c.buf, ',')
			}
			c.pushIndex(i)
			defer c.pop()
			ue, se := c.tu.elem(u, i), c.ts.elem(sn, i)
			if c.ts.isTrue(se) {
				c.sensitive(e)
			}
			if c.tu.isTrue(ue) || c.ta.isNull(e) {
				if c.tu.isTrue(ue) {
					c.f.markUnknown(c.here())
				}
				c.buf = append(c.buf, '{', '}') // keep indexes aligned with the plan
				return true
			}
			err = c.block(e, ue, se, cfg.nested(key, i, n), s)
			return err == nil
		})
		if err != nil {
			return false, err
		}
		c.buf = append(c.buf, ']')
		return true, nil
	}
	return false, c.errorf("unsupported schema shape")
}

// constant converts a value the configuration wrote as a constant.
func (c *converter) constant(v any, s *spec) (bool, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return false, c.errorf("%v", err)
	}
	ct := &tape{}
	if err := ct.parse(b); err != nil {
		return false, c.errorf("%v", err)
	}
	saved := c.ta
	c.ta = ct
	defer func() { c.ta = saved }()
	return c.convert(0, absent, absent, cfgBlock{}, "", s)
}

func (c *converter) scalar(a int32, s *spec) (bool, error) {
	raw := c.ta.raw(a)
	if string(raw) == `""` {
		return false, nil
	}
	if s.conv == nil {
		c.buf = append(c.buf, raw...)
		return true, nil
	}
	n, ok, err := intValue(raw)
	if err != nil {
		return false, c.errorf("%v", err)
	}
	if !ok {
		return false, nil
	}
	c.buf = strconv.AppendInt(c.buf, n, 10)
	return true, nil
}

// intValue reads the provider's string-typed integers ("0", "1000") and plain numbers; ""
// means unset.
func intValue(raw []byte) (int64, bool, error) {
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false, err
		}
		if strings.TrimSpace(s) == "" {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return 0, false, fmt.Errorf("%q is not an integer", s)
		}
		return n, true, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, false, fmt.Errorf("%s is not a number", raw)
	}
	return int64(f), true, nil
}

func (c *converter) attrMap(a, u, sn int32) (bool, error) {
	if c.ta.kind(a) != '{' {
		return false, c.errorf("expected a map")
	}
	c.buf = append(c.buf, '{')
	first := true
	sensitiveKeys := c.ts.kind(sn) == '{'
	c.ta.each(a, func(_ int, k, v int32) bool {
		if sensitiveKeys {
			name := c.ta.key(k)
			if c.ts.isTrue(c.ts.member(sn, name)) {
				c.push(name)
				c.sensitive(v)
				c.pop()
			}
		}
		if c.ta.isNull(v) || string(c.ta.raw(v)) == `""` {
			return true
		}
		if !first {
			c.buf = append(c.buf, ',')
		}
		first = false
		c.buf = append(c.buf, c.ta.raw(k)...)
		c.buf = append(c.buf, ':')
		c.buf = append(c.buf, c.ta.raw(v)...)
		return true
	})
	c.buf = append(c.buf, '}')
	c.tu.each(u, func(_ int, k, v int32) bool {
		if k != absent && c.tu.isTrue(v) {
			c.push(c.tu.key(k))
			c.f.markUnknown(c.here())
			c.pop()
		}
		return true
	})
	return true, nil
}

func (c *converter) attrSeq(a, u, sn int32, s *spec) (bool, error) {
	if c.ta.kind(a) != '[' {
		return false, c.errorf("expected a list")
	}
	c.buf = append(c.buf, '[')
	first := true
	var err error
	c.ta.each(a, func(i int, _, e int32) bool {
		if c.ts.isTrue(c.ts.elem(sn, i)) {
			c.pushIndex(i)
			c.sensitive(e)
			c.pop()
		}
		if c.tu.isTrue(c.tu.elem(u, i)) {
			c.pushIndex(i)
			c.f.markUnknown(c.here())
			c.pop()
			return true
		}
		if c.ta.isNull(e) {
			return true
		}
		raw := c.ta.raw(e)
		if s.conv != nil {
			n, ok, cerr := intValue(raw)
			if cerr != nil {
				err = c.errorf("[%d]: %v", i, cerr)
				return false
			}
			if !ok {
				return true
			}
			raw = strconv.AppendInt(nil, n, 10)
		}
		if !first {
			c.buf = append(c.buf, ',')
		}
		first = false
		c.buf = append(c.buf, raw...)
		return true
	})
	if err != nil {
		return false, err
	}
	c.buf = append(c.buf, ']')
	return true, nil
}

// block converts one nested block (an object of attributes) through its spec.
func (c *converter) block(a, u, sn int32, cfg cfgBlock, s *spec) error {
	if c.ta.kind(a) != '{' {
		return c.errorf("expected a block")
	}
	// The node indexes of this block's fields live on a scratch stack: nested blocks push
	// above it and truncate back, so a whole resource reuses one slice.
	n := len(s.keys)
	base := len(c.scratch)
	for i := 0; i < 3*n; i++ {
		c.scratch = append(c.scratch, absent)
	}
	defer func() { c.scratch = c.scratch[:base] }()
	vals := c.scratch[base : base+3*n : base+3*n]
	av, uv, sv := vals[:n], vals[n:2*n], vals[2*n:]
	collect := func(t *tape, n int32, into []int32) {
		t.each(n, func(_ int, k, v int32) bool {
			if k == absent {
				return false
			}
			r := t.raw(k)
			i, ok := s.index[string(r[1:len(r)-1])]
			if !ok {
				i, ok = s.index[t.key(k)]
			}
			if ok {
				into[i] = v
			}
			return true
		})
	}
	collect(c.ta, a, av)
	if c.tu.kind(u) == '{' {
		collect(c.tu, u, uv)
	}
	if c.ts.kind(sn) == '{' {
		collect(c.ts, sn, sv)
	}
	c.buf = append(c.buf, '{')
	first := true
	for i, tfKey := range s.keys {
		child := s.fields[tfKey]
		mark := len(c.buf)
		if !first {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendJSONString(c.buf, child.k8s)
		c.buf = append(c.buf, ':')
		c.push(child.k8s)
		wrote, err := c.convert(av[i], uv[i], sv[i], cfg, tfKey, child)
		c.pop()
		if err != nil {
			return err
		}
		if wrote {
			first = false
		} else {
			c.buf = c.buf[:mark]
		}
	}
	c.buf = append(c.buf, '}')
	return nil
}

// elem returns element i of list node n (after_unknown/after_sensitive), or n itself when
// it is a plain true/false covering the whole list.
func (t *tape) elem(n int32, i int) int32 {
	switch t.kind(n) {
	case '[':
		return t.index(n, i)
	case 't', 'f':
		return n
	}
	return absent
}

func isNull(raw []byte) bool { return len(raw) == 0 || string(raw) == "null" }

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	if isPlain(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s)
	return append(b, q...)
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func sortedSet(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
