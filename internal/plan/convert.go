package plan

import (
	"fmt"
	"sort"

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

// converter turns a planned value (after, after_unknown, after_sensitive) into a
// Kubernetes-shaped JSON tree, recording unknown and sensitive fields.
type converter struct {
	f *Fields
}

// convert converts the value under key of the enclosing block.
func (c *converter) convert(v, unk, sens any, cfg cfgBlock, key string, s *spec, tfPath, k8sPath string) (any, bool, error) {
	if sens == true {
		c.f.markSensitive(k8sPath)
	}
	if sens == true && v != nil {
		c.f.addSecrets(v)
	}
	if unk == true {
		if !s.computed {
			c.f.markUnknown(k8sPath)
			return nil, false, nil
		}
		// A computed attribute: unknown in the plan because the provider fills it in when
		// the user did not write it. Only what the configuration wrote can be unknown.
		if !cfg.ok {
			// The configuration cannot be matched (a dynamic block). A whole computed block
			// that is unknown was not written: a written block is a known list of one.
			if s.shape != object {
				c.f.markUnknown(k8sPath)
			}
			return nil, false, nil
		}
		e := cfg.m[key]
		if e == nil {
			return nil, false, nil
		}
		if e.ExpressionData == nil || e.ConstantValue == nil || e.ConstantValue == tfjson.UnknownConstantValue {
			c.f.markUnknown(k8sPath)
			return nil, false, nil
		}
		// Written as a constant (e.g. `limits = {}`): the constant is what will be sent.
		v, unk = e.ConstantValue, nil
	}
	if v == nil {
		return nil, false, nil
	}
	switch s.shape {
	case scalar:
		if str, ok := v.(string); ok && str == "" {
			return nil, false, nil
		}
		if s.conv != nil {
			out, err := s.conv(v)
			if err != nil {
				return nil, false, fmt.Errorf("%s: %w", tfPath, err)
			}
			return out, out != nil, nil
		}
		return v, true, nil

	case attrMap:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false, fmt.Errorf("%s: expected a map, got %T", tfPath, v)
		}
		um, _ := unk.(map[string]any)
		sm, _ := sens.(map[string]any)
		out := make(map[string]any, len(m))
		for k, val := range m {
			kp := Join(k8sPath, k)
			if sm[k] == true {
				c.f.markSensitive(kp)
			}
			if val == nil || val == "" {
				continue
			}
			out[k] = val
		}
		for k, u := range um {
			if u == true {
				c.f.markUnknown(Join(k8sPath, k))
			}
		}
		return out, true, nil

	case attrSeq:
		l, ok := v.([]any)
		if !ok {
			return nil, false, fmt.Errorf("%s: expected a list, got %T", tfPath, v)
		}
		ul, _ := unk.([]any)
		sl, _ := sens.([]any)
		out := make([]any, 0, len(l))
		for i, e := range l {
			ep := Index(k8sPath, i)
			if i < len(sl) && sl[i] == true {
				c.f.markSensitive(ep)
			}
			if i < len(ul) && ul[i] == true {
				c.f.markUnknown(ep)
				continue
			}
			if e == nil {
				continue
			}
			if s.conv != nil {
				cv, err := s.conv(e)
				if err != nil {
					return nil, false, fmt.Errorf("%s[%d]: %w", tfPath, i, err)
				}
				if cv == nil {
					continue
				}
				e = cv
			}
			out = append(out, e)
		}
		return out, true, nil

	case object:
		if m, ok := v.(map[string]any); ok { // the resource itself
			out, err := c.block(m, unk, sens, cfg, s, tfPath, k8sPath)
			return out, err == nil, err
		}
		l, ok := v.([]any)
		if !ok {
			return nil, false, fmt.Errorf("%s: expected a block, got %T", tfPath, v)
		}
		if len(l) == 0 {
			return nil, false, nil
		}
		ue, se := elem(unk, 0), elem(sens, 0)
		if se == true {
			c.f.markSensitive(k8sPath)
		}
		if ue == true {
			c.f.markUnknown(k8sPath)
			return nil, false, nil
		}
		em, ok := l[0].(map[string]any)
		if !ok {
			return nil, false, fmt.Errorf("%s[0]: expected a block, got %T", tfPath, l[0])
		}
		out, err := c.block(em, ue, se, cfg.nested(key, 0, len(l)), s, Index(tfPath, 0), k8sPath)
		return out, err == nil, err

	case array:
		l, ok := v.([]any)
		if !ok {
			return nil, false, fmt.Errorf("%s: expected a list of blocks, got %T", tfPath, v)
		}
		out := make([]any, len(l))
		for i, e := range l {
			ep, tp := Index(k8sPath, i), Index(tfPath, i)
			ue, se := elem(unk, i), elem(sens, i)
			if se == true {
				c.f.markSensitive(ep)
			}
			em, isMap := e.(map[string]any)
			if ue == true || !isMap {
				if ue == true {
					c.f.markUnknown(ep)
				}
				out[i] = map[string]any{} // keep indexes aligned with the plan
				continue
			}
			o, err := c.block(em, ue, se, cfg.nested(key, i, len(l)), s, tp, ep)
			if err != nil {
				return nil, false, err
			}
			out[i] = o
		}
		return out, true, nil
	}
	return nil, false, fmt.Errorf("%s: unsupported schema shape", tfPath)
}

// block converts one nested block (a map of attributes) through its spec.
func (c *converter) block(m map[string]any, unk, sens any, cfg cfgBlock, s *spec, tfPath, k8sPath string) (map[string]any, error) {
	um, _ := unk.(map[string]any)
	sm, _ := sens.(map[string]any)
	out := make(map[string]any, len(s.fields))
	for _, tfKey := range s.keys {
		child := s.fields[tfKey]
		cv, present, err := c.convert(m[tfKey], um[tfKey], sm[tfKey], cfg, tfKey, child,
			joinTF(tfPath, tfKey), Join(k8sPath, child.k8s))
		if err != nil {
			return nil, err
		}
		if present {
			out[child.k8s] = cv
		}
	}
	return out, nil
}

func joinTF(p, key string) string {
	if p == "" {
		return key
	}
	return p + "." + key
}

// elem returns element i of a list-shaped after_unknown/after_sensitive value, or the value
// itself when it is a plain true/false covering the whole list.
func elem(v any, i int) any {
	switch t := v.(type) {
	case []any:
		if i < len(t) {
			return t[i]
		}
		return nil
	case bool:
		return t
	}
	return nil
}

func sortedSet(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
