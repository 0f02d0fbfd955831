package plan

import (
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// header is what the reader needs of a resource change before indexing it. Parse reads it
// while it checks the plan, so the first pass never rescans a change.
type header struct {
	address, module, typ, name, mode, deposed string
	actions                                   tfjson.Actions
}

// willExist reports whether the change leaves the resource in place after apply.
func (h header) willExist() bool {
	if h.deposed != "" || h.mode != string(tfjson.ManagedResourceMode) {
		return false
	}
	return actionsKeep(h.actions)
}

// hasPrior reports whether the change has a prior object that exists now and that the
// change updates, keeps, replaces or deletes: an update, a no-op, a replacement or a
// delete of a managed resource. A create has none; a read is a data source's; a forget
// leaves the object running outside Terraform (neither kept nor removed); a deposed
// object is an instance left over by create_before_destroy, removed whatever the plan.
func (h header) hasPrior() bool {
	if h.deposed != "" || h.mode != string(tfjson.ManagedResourceMode) {
		return false
	}
	a := h.actions
	return a.Update() || a.NoOp() || a.Replace() || a.Delete()
}

// actionsKeep reports whether actions leave a managed resource in place after apply:
// create, update, no-op, a replacement, or create then forget (created, then left to
// exist outside Terraform).
func actionsKeep(a tfjson.Actions) bool {
	switch {
	case a.Create(), a.Update(), a.NoOp(), a.Replace():
		return true
	}
	return len(a) == 2 && a[0] == tfjson.ActionCreate && a[1] == tfjson.ActionForget
}

// WillExist reports whether the change leaves the resource in place after apply (create,
// update, no-op, replace, create then forget) rather than deleting it, forgetting it or
// only reading it.
func WillExist(rc *tfjson.ResourceChange) bool {
	if rc.Change == nil || rc.DeposedKey != "" || rc.Mode == tfjson.DataResourceMode {
		return false
	}
	return actionsKeep(rc.Change.Actions)
}

// checkActions accepts the action lists Terraform writes.
func checkActions(a tfjson.Actions) error {
	switch len(a) {
	case 1:
		switch a[0] {
		case tfjson.ActionNoop, tfjson.ActionCreate, tfjson.ActionRead, tfjson.ActionUpdate, tfjson.ActionDelete, tfjson.ActionForget:
			return nil
		}
	case 2:
		if a.Replace() || (a[0] == tfjson.ActionCreate && a[1] == tfjson.ActionForget) {
			return nil
		}
	}
	shown := make([]string, 0, 3)
	for i, x := range a {
		if i == 3 {
			shown = append(shown, "…")
			break
		}
		s := string(x)
		if len(s) > 20 {
			s = s[:20] + "…"
		}
		shown = append(shown, fmt.Sprintf("%q", s))
	}
	return fmt.Errorf("change.actions [%s] is not an action list Terraform writes (no-op, create, read, update, delete, forget, or a replacement)", strings.Join(shown, ", "))
}

// interner shares the strings that repeat from change to change (types, names, modules,
// modes), so that a plan of many resources holds each once.
type interner map[string]string

func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

// The action lists Terraform writes, shared by every change.
var actionLists = []tfjson.Actions{
	{tfjson.ActionNoop}, {tfjson.ActionCreate}, {tfjson.ActionRead}, {tfjson.ActionUpdate}, {tfjson.ActionDelete}, {tfjson.ActionForget},
	{tfjson.ActionDelete, tfjson.ActionCreate}, {tfjson.ActionCreate, tfjson.ActionDelete}, {tfjson.ActionCreate, tfjson.ActionForget},
}

// sharedActions returns the shared list equal to a, or a copy of a.
func sharedActions(a []tfjson.Action) tfjson.Actions {
	for _, l := range actionLists {
		if len(l) == len(a) && (len(a) < 1 || l[0] == a[0]) && (len(a) < 2 || l[1] == a[1]) {
			return l
		}
	}
	return append(tfjson.Actions(nil), a...)
}

// scanChange checks the resource change at b[i] and reads its header; it returns the
// offset just past the change.
func scanChange(b []byte, i int, in interner) (header, int, error) {
	var h header
	i = skipSpace(b, i)
	if i < len(b) && b[i] != '{' {
		end, err := skipValue(b, i)
		if err != nil {
			return h, end, err
		}
		return h, end, fmt.Errorf("a resource change is an object, not %s", kindName(jsonKind(b[i])))
	}
	var seen keySet
	hasChange, hasActions := false, false
	var acts [3]tfjson.Action
	nacts := 0
	end, err := eachMember(b, i, func(key []byte, at int) (int, error) {
		if seen.add(key) {
			return at, fmt.Errorf("duplicate member %q at byte %d: two readers could see two different resources", clip(string(key)), at)
		}
		var target *string
		switch string(key) {
		case "address":
			target = &h.address
		case "module_address":
			target = &h.module
		case "type":
			target = &h.typ
		case "name":
			target = &h.name
		case "mode":
			target = &h.mode
		case "deposed":
			target = &h.deposed
		case "change":
			hasChange = true
			var body keySet
			return eachMember(b, at, func(key []byte, at int) (int, error) {
				if body.add(key) {
					return at, fmt.Errorf("change: duplicate member %q at byte %d: two readers could see two different changes", clip(string(key)), at)
				}
				if string(key) != "actions" {
					end, err := skipValue(b, at)
					if err != nil {
						return end, fmt.Errorf("change.%s: %w", showName(string(key)), err)
					}
					return end, nil
				}
				hasActions = true
				if b[at] != '[' {
					end, err := skipValue(b, at)
					if err != nil {
						return end, err
					}
					return end, fmt.Errorf("change.actions is a list of strings, not %s", kindName(jsonKind(b[at])))
				}
				return eachElement(b, at, func(_, at int) (int, error) {
					s, end, err := scanString(b, at)
					if err != nil {
						return end, fmt.Errorf("change.actions: %w", err)
					}
					if nacts < len(acts) {
						acts[nacts] = tfjson.Action(in.get(s))
					}
					nacts++
					return end, nil
				})
			})
		default:
			end, err := skipValue(b, at)
			if err != nil {
				return end, fmt.Errorf("%s: %w", showName(string(key)), err)
			}
			return end, nil
		}
		s, end, err := scanString(b, at)
		if err != nil {
			return end, fmt.Errorf("%s: %w", showName(string(key)), err)
		}
		if target == &h.address {
			*target = string(s)
		} else {
			*target = in.get(s)
		}
		return end, nil
	})
	if err != nil {
		return h, end, err
	}
	if nacts > len(acts) {
		return h, end, fmt.Errorf("change.actions has %d actions: not an action list Terraform writes", nacts)
	}
	h.actions = sharedActions(acts[:nacts])
	switch {
	case h.address == "":
		return h, end, fmt.Errorf("the resource change has no address")
	case h.typ == "":
		return h, end, fmt.Errorf("the resource change has no type")
	case !hasChange:
		return h, end, fmt.Errorf("the resource change has no change member")
	case !hasActions:
		return h, end, fmt.Errorf("change.actions is missing")
	}
	switch h.mode {
	case "":
		h.mode = string(tfjson.ManagedResourceMode)
	case string(tfjson.ManagedResourceMode), string(tfjson.DataResourceMode):
	default:
		return h, end, fmt.Errorf("mode %q is neither managed nor data", clip(h.mode))
	}
	return h, end, checkActions(h.actions)
}

// scanString reads the string (or null, as "") at b[at]: the input's bytes when it has no
// escapes (not to be kept), else a copy unescaped.
func scanString(b []byte, at int) ([]byte, int, error) {
	switch b[at] {
	case '"':
		end, esc, err := skipString(b, at)
		if err != nil {
			return nil, end, err
		}
		if esc && needsUnquote(b[at:end]) {
			return appendUnquoted(nil, b[at:end]), end, nil
		}
		return b[at+1 : end-1], end, nil
	case 'n':
		end, err := skipLiteral(b, at, "null")
		return nil, end, err
	}
	end, err := skipValue(b, at)
	if err != nil {
		return nil, end, err
	}
	return nil, end, fmt.Errorf("expected a string, not %s", kindName(jsonKind(b[at])))
}

// jsonKind is the tape kind of the value starting with byte c.
func jsonKind(c byte) byte {
	if c == '-' || (c >= '0' && c <= '9') {
		return '0'
	}
	return c
}

// clip shortens a name for a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Change is one resource change, indexed in a tape: `after`, `after_unknown` and
// `after_sensitive` are read through the schema table (typed resources) or walked.
type Change struct {
	Address, Module, Type, Name string

	t                         *tape
	after, unknown, sensitive int32 // nodes in t, or absent
	// prior and priorSensitive are `before` and `before_sensitive`, found only when the
	// reader reads prior values (ReaderOptions.Before); absent otherwise.
	prior, priorSensitive int32
	// isPrior is set on priorView's copy: after and sensitive are the prior value's.
	isPrior bool
}

// decodeChange finds the planned value and its marks in the resource change indexed in t,
// and checks their types.
func decodeChange(t *tape, h header) (*Change, error) {
	c := &Change{Address: h.address, Module: h.module, Type: h.typ, Name: h.name, t: t, after: absent, unknown: absent, sensitive: absent, prior: absent, priorSensitive: absent}
	body := t.member(0, "change")
	if t.kind(body) != '{' {
		return nil, fmt.Errorf("change is an object, not %s", t.describe(body))
	}
	c.after, c.unknown, c.sensitive = t.member(body, "after"), t.member(body, "after_unknown"), t.member(body, "after_sensitive")
	switch t.kind(c.after) {
	case 0, 'n', '{':
	default:
		return nil, fmt.Errorf("change.after is an object, not %s", t.describe(c.after))
	}
	for _, m := range []struct {
		name string
		n    int32
	}{{"after_unknown", c.unknown}, {"after_sensitive", c.sensitive}} {
		switch t.kind(m.n) {
		case 0, 'n', 't', 'f', '{':
		default:
			return nil, fmt.Errorf("change.%s is an object or a boolean, not %s", m.name, t.describe(m.n))
		}
	}
	return c, nil
}

// decodePrior finds `before` and `before_sensitive` in the change and checks their types
// as decodeChange checks `after`'s.
func (c *Change) decodePrior() error {
	t := c.t
	body := t.member(0, "change")
	c.prior, c.priorSensitive = t.member(body, "before"), t.member(body, "before_sensitive")
	switch t.kind(c.prior) {
	case 0, 'n', '{':
	default:
		return fmt.Errorf("change.before is an object, not %s", t.describe(c.prior))
	}
	switch t.kind(c.priorSensitive) {
	case 0, 'n', 't', 'f', '{':
	default:
		return fmt.Errorf("change.before_sensitive is an object or a boolean, not %s", t.describe(c.priorSensitive))
	}
	return nil
}

// priorView is the change seen from its prior value: `before` in place of `after`,
// `before_sensitive` in place of `after_sensitive`, and nothing unknown (a value read
// back from the API server is known). Every adapter reads it as it reads a planned value;
// errors are named by priorError.
func (c *Change) priorView() *Change {
	v := *c
	v.after, v.unknown, v.sensitive = c.prior, absent, c.priorSensitive
	v.prior, v.priorSensitive, v.isPrior = absent, absent, true
	return &v
}

// priorError names an error found while reading a prior value: in change.before, its
// marks in before_sensitive (the adapters' messages speak of after_sensitive). A message
// may quote a value that is not sensitive (`{"x": 1} is an object, not an integer`); the
// renaming could only touch such a value's text in the message, never what is judged.
type priorError struct{ err error }

func (e priorError) Error() string {
	return "change.before: " + strings.ReplaceAll(e.err.Error(), "after_sensitive", "before_sensitive")
}

func (e priorError) Unwrap() error { return e.err }

// attr returns the value of attribute name of the planned value and its marks (a mark of
// the whole resource covers each attribute).
func (c *Change) attr(name string) (a, u, s int32) {
	return c.t.member(c.after, name), c.t.sub(c.unknown, name), c.t.sub(c.sensitive, name)
}

// sub is the mark of member name under mark node n: n itself when it is a boolean that
// covers everything below it.
func (t *tape) sub(n int32, name string) int32 {
	switch t.kind(n) {
	case 't', 'f':
		return n
	case '{':
		return t.member(n, name)
	}
	return absent
}
