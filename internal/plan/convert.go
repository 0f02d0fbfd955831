package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
)

// seg is one segment of the Kubernetes path being converted: a field name, or an index
// when idx >= 0.
type seg struct {
	key string
	idx int
}

// converter turns the raw JSON of a planned value into the JSON of the Kubernetes object,
// walking the schema table: it copies what the table names, drops the rest, and records
// unknown and sensitive fields. It reads `after`, `after_unknown` and `after_sensitive`
// through tapes, walking the marks in step with the values (so that its work is linear in
// the size of the change), and never decodes them into generic maps.
type converter struct {
	f          *Fields
	buf        []byte
	path       []seg
	ta, tu, ts *tape // after, after_unknown, after_sensitive
	scratch    []int32
	// sensAt is the path length of the value last marked sensitive while the converter is
	// inside it (its descendants need no mark of their own), or -1.
	sensAt int
	// inexact is set when a value the converter copied is a number that decoders may round
	// or wrap (see tape.inexact).
	inexact bool
	// computed holds the spec nodes the provider computes for this resource type.
	computed map[*spec]bool
	// source, when not nil, knows the literal keys of maps written in the .tf files;
	// address is the resource's, for it.
	source  Source
	address string
	// config, module and res locate the resource in the plan's configuration: the scope
	// its expressions are evaluated in is built from them on first use (resolved).
	config   *config
	module   string
	res      *resourceConfig
	resolved *scope
	scoped   bool
	// priorDefaults: the value is a prior one (see convert).
	priorDefaults bool
}

func (c *converter) push(key string) { c.path = append(c.path, seg{key: key, idx: -1}) }
func (c *converter) pushIndex(i int) { c.path = append(c.path, seg{idx: i}) }
func (c *converter) pop() {
	c.path = c.path[:len(c.path)-1]
	if len(c.path) < c.sensAt {
		c.sensAt = -1
	}
}

// here renders the current Kubernetes path.
func (c *converter) here() string {
	var b strings.Builder
	for _, s := range c.path {
		if s.idx >= 0 {
			b.WriteString("[" + strconv.Itoa(s.idx) + "]")
			continue
		}
		if !fieldpath.IsIdent(s.key) {
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

// shown is node a's value for an error message: "(sensitive value)" under a sensitive mark,
// else the JSON, shortened.
func (c *converter) shown(a int32) string {
	if c.sensAt >= 0 || c.f.Sensitive(c.here()) {
		return "(sensitive value)"
	}
	return clip(string(c.ta.raw(a)))
}

// root converts a resource's `after` object (nodes a, u and sn of the tapes); its marks
// are an object or a boolean (decodeChange checked).
func (c *converter) root(a, u, sn int32, cfg cfgBlock, s *spec) ([]byte, error) {
	c.sensAt = -1
	if c.ta.isNull(a) {
		return nil, nil
	}
	if c.ts.isTrue(sn) {
		c.sensitive(a)
	}
	c.inexact = c.ta.inexact
	c.buf = make([]byte, 0, (c.ta.nodes[a].end-c.ta.nodes[a].start)/4)
	if err := c.block(a, u, sn, cfg, s); err != nil {
		return nil, err
	}
	return c.buf, nil
}

// sensitive marks the current path sensitive (node a is its value).
func (c *converter) sensitive(a int32) {
	if c.sensAt >= 0 {
		return // inside a value already marked
	}
	c.f.markSensitive(c.here())
	c.sensAt = len(c.path)
}

// checkMark accepts the marks Terraform writes for a value of shape want ('[' a list, '{'
// an object or map, 0 a scalar): nothing, null, a boolean, or a container of that shape.
func (c *converter) checkMark(t *tape, n int32, want byte, name string) error {
	switch k := t.kind(n); {
	case k == 0, k == 'n', k == 't', k == 'f':
		return nil
	case k == want && want != 0:
		return nil
	default:
		expected := "a boolean"
		switch want {
		case '[':
			expected = "a list or a boolean"
		case '{':
			expected = "an object or a boolean"
		}
		return c.errorf("%s is %s here, not %s", name, expected, t.describe(n))
	}
}

// markShape is the shape of the marks of a value of spec s.
func markShape(s *spec) byte {
	switch s.shape {
	case attrMap:
		return '{'
	case attrSeq, object, array:
		return '['
	}
	return 0
}

// convert writes the Kubernetes JSON of the value (node a of after, u of after_unknown,
// s of after_sensitive) under key of the enclosing block, and reports whether it wrote one.
func (c *converter) convert(a, u, sn int32, cfg cfgBlock, key string, s *spec) (bool, error) {
	want := markShape(s)
	if s.shape == object && c.ta.kind(a) == '{' {
		want = '{' // a block given as an object (a configuration constant) has object marks
	}
	if err := c.checkMark(c.tu, u, want, "after_unknown"); err != nil {
		return false, err
	}
	if err := c.checkMark(c.ts, sn, want, "after_sensitive"); err != nil {
		return false, err
	}
	if c.ts.isTrue(sn) {
		c.sensitive(a)
	}
	if c.tu.isTrue(u) {
		if !c.computed[s] || s.assigned {
			return c.unknown(a, s)
		}
		return c.unknownComputed(a, cfg, key, s)
	}
	if c.ta.isNull(a) {
		return false, nil
	}
	if s.defaultWhy != "" && ((cfg.ok && !cfg.expr(key).written()) || (!cfg.ok && c.priorDefaults && string(c.ta.raw(a)) == "true")) {
		// Not written: the value is the provider's default. A prior value without a
		// configuration to tell (a deleted resource, blocks the configuration no longer
		// matches) that equals the default (true, for every such attribute) is taken as
		// the default too: the provider sends it silently, so it is rarely written.
		c.f.markDefaulted(c.here(), s.defaultWhy)
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
			return false, c.errorf("expected a block (a list of one object), not %s", c.ta.describe(a))
		}
		n := c.ta.count(a)
		if n == 0 {
			return false, nil
		}
		if n > 1 && !s.unbounded {
			return false, c.errorf("expected at most one block, not %d", n)
		}
		ul, sl := c.tu.elems(u), c.ts.elems(sn)
		ue, se := ul.step(), sl.step()
		if err := c.elemMarks(ue, se); err != nil {
			return false, err
		}
		if c.ts.isTrue(se) {
			c.sensitive(a + 1)
		}
		if c.tu.isTrue(ue) {
			c.f.markUnknown(c.here())
			return false, nil
		}
		if c.ta.isNull(a + 1) {
			return false, nil
		}
		return true, c.block(a+1, ue, se, cfg.nested(key, 0, n), s)
	case array:
		if c.ta.kind(a) != '[' {
			return false, c.errorf("expected a list of blocks, not %s", c.ta.describe(a))
		}
		n := c.ta.count(a)
		ul, sl := c.tu.elems(u), c.ts.elems(sn)
		c.buf = append(c.buf, '[')
		i := 0
		for e := a + 1; e < c.ta.nodes[a].next; e = c.ta.nodes[e].next {
			if i > 0 {
				c.buf = append(c.buf, ',')
			}
			c.pushIndex(i)
			ue, se := ul.step(), sl.step()
			if err := c.elemMarks(ue, se); err != nil {
				return false, err
			}
			if c.ts.isTrue(se) {
				c.sensitive(e)
			}
			if c.tu.isTrue(ue) || c.ta.isNull(e) {
				if c.tu.isTrue(ue) {
					c.f.markUnknown(c.here())
				}
				c.buf = append(c.buf, '{', '}') // keep indexes aligned with the plan
			} else if err := c.block(e, ue, se, cfg.nested(key, i, n), s); err != nil {
				return false, err
			}
			c.pop()
			i++
		}
		if err := c.extraMarks(&ul, &sl); err != nil {
			return false, err
		}
		c.buf = append(c.buf, ']')
		return true, nil
	}
	return false, c.errorf("unsupported schema shape")
}

// unknownComputed judges a value of a computed attribute or block (spec s, under key of
// the block whose configuration is cfg) that the plan has unknown: the provider fills it
// in when the configuration does not write it, so only what the configuration wrote can
// be unknown. It reports whether it wrote a value.
func (c *converter) unknownComputed(a int32, cfg cfgBlock, key string, s *spec) (bool, error) {
	block := s.shape == object || s.shape == array
	if !cfg.ok {
		// The configuration cannot be matched (a dynamic block). A whole computed block
		// that is unknown was not written (a written block is a known list), unless the
		// source says a dynamic block writes it.
		if block && !c.dynamic() {
			return false, nil
		}
		return c.unknown(a, s)
	}
	e := cfg.expr(key)
	if !e.written() {
		if block && c.dynamic() {
			// Not in the configuration section because a dynamic block over a collection
			// unknown until apply writes it.
			return c.unknown(a, s)
		}
		// Not written: the API server leaves it unset (or fills in its own default).
		return false, nil
	}
	if refs := e.refs(); len(refs) > 0 {
		// Written from references: when they are all known at plan time (input variables,
		// through module calls), the value was null or empty, which the provider plans as
		// unknown (refs.go): nothing is sent.
		if r := c.planScope().knownAtPlan(refs); r.known {
			if r.sensitive {
				c.sensitive(a)
			}
			return false, nil
		}
		return c.unknown(a, s)
	}
	if v, ok := e.constant(); ok {
		// Written as a constant (e.g. `limits = {}`): the constant is what will be sent.
		return c.constant(e.t.raw(v), s)
	}
	return c.unknown(a, s)
}

// dynamic reports whether the source says that the block at the current path is written
// by a dynamic block.
func (c *converter) dynamic() bool {
	d, ok := c.source.(DynamicBlocks)
	if !ok {
		return false
	}
	// The block's name, not its first element (TFPath writes a single block as name[0]).
	return d.Dynamic(c.address, strings.TrimSuffix(c.f.TFPath(c.here()), "[0]"))
}

// planScope is the scope of the resource's expressions (nil when the configuration has
// none for it).
func (c *converter) planScope() *scope {
	if !c.scoped {
		c.resolved, c.scoped = resourceScope(c.config, c.module, c.res), true
	}
	return c.resolved
}

// unknown records that the value at the current path (node a, spec s) is not known until
// apply. A map whose keys the source writes as literals is known but for its values: it is
// written empty, with each key marked unknown.
func (c *converter) unknown(a int32, s *spec) (bool, error) {
	if s.shape == attrMap && c.source != nil {
		if keys, ok := c.source.WrittenKeys(c.address, c.f.TFPath(c.here())); ok {
			for _, k := range keys {
				c.push(k)
				c.f.markUnknown(c.here())
				c.pop()
			}
			c.buf = append(c.buf, '{', '}')
			return true, nil
		}
	}
	c.f.markUnknown(c.here())
	return false, nil
}

// elemMarks checks the marks of one block of a list: an object or a boolean.
func (c *converter) elemMarks(ue, se int32) error {
	if err := c.checkMark(c.tu, ue, '{', "after_unknown"); err != nil {
		return err
	}
	return c.checkMark(c.ts, se, '{', "after_sensitive")
}

// extraMarks refuses marks of elements a list does not have: Terraform writes one mark per
// element, and a mark that marks nothing would hide what it claims.
func (c *converter) extraMarks(ul, sl *elems) error {
	if ul.rest() {
		return c.errorf("after_unknown marks more elements than the list has")
	}
	if sl.rest() {
		return c.errorf("after_sensitive marks more elements than the list has")
	}
	return nil
}

// constant converts a value the configuration wrote as a constant (its JSON, b).
func (c *converter) constant(b []byte, s *spec) (bool, error) {
	ct := &tape{}
	if err := ct.parse(b); err != nil {
		return false, c.errorf("the configuration's constant: %v", err)
	}
	saved, savedSens := c.ta, c.sensAt
	c.ta = ct
	c.inexact = c.inexact || ct.inexact
	defer func() { c.ta, c.sensAt = saved, savedSens }()
	return c.convert(0, absent, absent, cfgBlock{}, "", s)
}

func (c *converter) scalar(a int32, s *spec) (bool, error) {
	raw := c.ta.raw(a)
	if string(raw) == `""` {
		return false, nil
	}
	if !s.integer {
		if k := c.ta.kind(a); k == '{' || k == '[' {
			return false, c.errorf("expected a single value, not %s", c.ta.describe(a))
		}
		c.buf = append(c.buf, raw...)
		return true, nil
	}
	n, ok, err := intValue(c.ta, a)
	if err != nil {
		return false, c.errorf("%s %v", c.shown(a), err)
	}
	if !ok {
		return false, nil
	}
	c.buf = strconv.AppendInt(c.buf, n, 10)
	return true, nil
}

var (
	errNotInteger = errors.New("is not an integer")
	errOutOfRange = errors.New("is out of range (an integer from -9223372036854775808 to 9223372036854775807)")
)

// intValue reads the provider's string-typed integers ("0", "1000") and plain numbers
// exactly; "" means unset. A fraction (1.5), or a value beyond int64 (1e19, 2^63, 1e400),
// is an error, never a rounded, truncated or wrapped reading: a UID that overflows is not
// root, and not anything else plan-check could judge either.
func intValue(t *tape, a int32) (int64, bool, error) {
	switch t.kind(a) {
	case '"':
		s := strings.TrimSpace(t.key(a))
		if s == "" {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return 0, false, errOutOfRange
			}
			return 0, false, errNotInteger
		}
		return n, true, nil
	case '0':
		n, err := exactInt(string(t.raw(a)))
		return n, err == nil, err
	}
	return 0, false, fmt.Errorf("is %s, not an integer", t.describe(a))
}

// exactInt reads a JSON number that must be an integer within int64, exactly: 1e3 is
// 1000, 1.0 is 1, 1.5 and 1e-1 are not integers, 1e19 is out of range.
func exactInt(num string) (int64, error) {
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		return n, nil
	} else if errors.Is(err, strconv.ErrRange) {
		return 0, errOutOfRange
	}
	i, neg := 0, false
	if i < len(num) && num[i] == '-' {
		neg = true
		i++
	}
	j := i
	for j < len(num) && num[j] >= '0' && num[j] <= '9' {
		j++
	}
	digits := num[i:j]
	fracLen := 0
	if j < len(num) && num[j] == '.' {
		k := j + 1
		for k < len(num) && num[k] >= '0' && num[k] <= '9' {
			k++
		}
		digits += num[j+1 : k]
		fracLen = k - j - 1
		j = k
	}
	exp := 0
	if j < len(num) && (num[j] == 'e' || num[j] == 'E') {
		j++
		expNeg := false
		if j < len(num) && (num[j] == '+' || num[j] == '-') {
			expNeg = num[j] == '-'
			j++
		}
		for ; j < len(num); j++ {
			if exp < 1_000_000 { // saturate: beyond this every non-zero value is out of reach
				exp = exp*10 + int(num[j]-'0')
			}
		}
		if expNeg {
			exp = -exp
		}
	}
	// value = digits × 10^(exp - fracLen), with digits normalized.
	digits = strings.TrimLeft(digits, "0")
	trimmed := strings.TrimRight(digits, "0")
	scale := exp - fracLen + (len(digits) - len(trimmed))
	if trimmed == "" {
		return 0, nil
	}
	if scale < 0 {
		return 0, errNotInteger
	}
	if len(trimmed)+scale > 19 {
		return 0, errOutOfRange
	}
	s := trimmed + strings.Repeat("0", scale)
	if neg {
		s = "-" + s
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errOutOfRange
	}
	return n, nil
}

func (c *converter) attrMap(a, u, sn int32) (bool, error) {
	if c.ta.kind(a) != '{' {
		return false, c.errorf("expected a map, not %s", c.ta.describe(a))
	}
	for _, m := range []struct {
		t    *tape
		n    int32
		name string
	}{{c.tu, u, "after_unknown"}, {c.ts, sn, "after_sensitive"}} {
		var err error
		m.t.each(m.n, func(_ int, k, v int32) bool {
			if kk := m.t.kind(v); kk != 't' && kk != 'f' && kk != 'n' {
				c.push(m.t.key(k))
				err = c.errorf("%s of a map value is a boolean, not %s", m.name, m.t.describe(v))
				c.pop()
				return false
			}
			return true
		})
		if err != nil {
			return false, err
		}
	}
	c.buf = append(c.buf, '{')
	first := true
	sens := c.ts.cursor(sn, c.ta, a)
	for k := a + 1; k < c.ta.nodes[a].next; k = c.ta.nodes[k+1].next {
		v := k + 1
		if c.ts.isTrue(sens.lookup(c.ta, k)) {
			c.push(c.ta.key(k))
			c.sensitive(v)
			c.pop()
		}
		if c.ta.isNull(v) || string(c.ta.raw(v)) == `""` {
			continue
		}
		if !first {
			c.buf = append(c.buf, ',')
		}
		first = false
		c.buf = append(c.buf, c.ta.raw(k)...)
		c.buf = append(c.buf, ':')
		c.buf = append(c.buf, c.ta.raw(v)...)
	}
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
		return false, c.errorf("expected a list, not %s", c.ta.describe(a))
	}
	c.buf = append(c.buf, '[')
	first := true
	ul, sl := c.tu.elems(u), c.ts.elems(sn)
	i := 0
	for e := a + 1; e < c.ta.nodes[a].next; e, i = c.ta.nodes[e].next, i+1 {
		ue, se := ul.step(), sl.step()
		c.pushIndex(i)
		if err := c.checkMark(c.tu, ue, 0, "after_unknown"); err != nil {
			return false, err
		}
		if err := c.checkMark(c.ts, se, 0, "after_sensitive"); err != nil {
			return false, err
		}
		if c.ts.isTrue(se) {
			c.sensitive(e)
		}
		if c.tu.isTrue(ue) {
			c.f.markUnknown(c.here())
			c.pop()
			continue
		}
		if c.ta.isNull(e) {
			c.pop()
			continue
		}
		raw := c.ta.raw(e)
		if k := c.ta.kind(e); k == '{' || k == '[' {
			err := c.errorf("expected a single value, not %s", c.ta.describe(e))
			return false, err
		}
		if s.integer {
			n, ok, err := intValue(c.ta, e)
			if err != nil {
				return false, c.errorf("%s %v", c.shown(e), err)
			}
			if !ok {
				c.pop()
				continue
			}
			raw = strconv.AppendInt(nil, n, 10)
		}
		c.pop()
		if !first {
			c.buf = append(c.buf, ',')
		}
		first = false
		c.buf = append(c.buf, raw...)
	}
	if err := c.extraMarks(&ul, &sl); err != nil {
		return false, err
	}
	c.buf = append(c.buf, ']')
	return true, nil
}

// block converts one nested block (an object of attributes) through its spec.
func (c *converter) block(a, u, sn int32, cfg cfgBlock, s *spec) error {
	if c.ta.kind(a) != '{' {
		return c.errorf("expected a block (an object), not %s", c.ta.describe(a))
	}
	// The node indexes of this block's fields live on a scratch stack: nested blocks push
	// above it and truncate back, so a whole resource reuses one slice.
	n := len(s.keys)
	base := len(c.scratch)
	for i := 0; i < 3*n; i++ {
		c.scratch = append(c.scratch, absent)
	}
	defer func() { c.scratch = c.scratch[:base] }()
	collect := func(t *tape, n int32, off int) {
		if t.kind(n) != '{' {
			return
		}
		for k := n + 1; k < t.nodes[n].next; k = t.nodes[k+1].next {
			r := t.rawKey(k)
			i, ok := s.index[string(r)]
			if !ok && t.nodes[k].esc {
				i, ok = s.index[t.key(k)]
			}
			if ok {
				c.scratch[base+off+i] = k + 1
			}
		}
	}
	collect(c.ta, a, 0)
	collect(c.tu, u, n)
	collect(c.ts, sn, 2*n)
	c.buf = append(c.buf, '{')
	first := true
	for i, tfKey := range s.keys {
		child := s.fields[tfKey]
		// A boolean mark of the block covers each of its attributes.
		uv, sv := c.scratch[base+n+i], c.scratch[base+2*n+i]
		if k := c.tu.kind(u); k == 't' || k == 'f' {
			uv = u
		}
		if k := c.ts.kind(sn); k == 't' || k == 'f' {
			sv = sn
		}
		mark := len(c.buf)
		if !first {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendJSONString(c.buf, child.k8s)
		c.buf = append(c.buf, ':')
		c.push(child.k8s)
		wrote, err := c.convert(c.scratch[base+i], uv, sv, cfg, tfKey, child)
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
