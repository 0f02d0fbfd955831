package plan

import (
	"encoding/json"
	"fmt"

	tfjson "github.com/hashicorp/terraform-json"
)

// Change is one resource change. Its header and actions are decoded into terraform-json's
// types; `after`, `after_unknown` and `after_sensitive` stay in a tape (one pass over the
// bytes) and are read through the schema table (typed resources) or decoded on demand.
type Change struct {
	tfjson.ResourceChange

	t                         *tape
	after, unknown, sensitive int32 // nodes in t, or absent
}

// AfterValue decodes change.after generically (maps, slices, float64, string, bool, nil).
func (c *Change) AfterValue() any { return c.t.value(c.after) }

// decodeMarks decodes after_unknown and after_sensitive into the tfjson.Change (the
// converter of typed resources reads them from the tape instead).
func (c *Change) decodeMarks() {
	c.Change.AfterUnknown = c.t.value(c.unknown)
	c.Change.AfterSensitive = c.t.value(c.sensitive)
}

// decodeChange decodes the header of the resource change indexed in t.
func decodeChange(t *tape) (*Change, error) {
	if t.kind(0) != '{' {
		return nil, fmt.Errorf("a resource change is an object")
	}
	c := &Change{t: t, after: absent, unknown: absent, sensitive: absent}
	rc := &c.ResourceChange
	var err error
	t.each(0, func(_ int, k, v int32) bool {
		var target any
		switch string(t.rawKey(k)) {
		case "address":
			target = &rc.Address
		case "previous_address":
			target = &rc.PreviousAddress
		case "module_address":
			target = &rc.ModuleAddress
		case "mode":
			target = &rc.Mode
		case "type":
			target = &rc.Type
		case "name":
			target = &rc.Name
		case "index":
			target = &rc.Index
		case "provider_name":
			target = &rc.ProviderName
		case "deposed":
			target = &rc.DeposedKey
		case "action_reason":
			target = &rc.ActionReason
		case "change":
			err = c.decodeBody(v)
			return err == nil
		default:
			return true
		}
		if uerr := json.Unmarshal(t.raw(v), target); uerr != nil {
			err = fmt.Errorf("%s: %w", t.key(k), uerr)
			return false
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if rc.Mode == "" {
		rc.Mode = tfjson.ManagedResourceMode
	}
	return c, nil
}

func (c *Change) decodeBody(n int32) error {
	t := c.t
	if t.kind(n) != '{' {
		return fmt.Errorf("change: not an object")
	}
	c.Change = &tfjson.Change{}
	var err error
	t.each(n, func(_ int, k, v int32) bool {
		switch string(t.rawKey(k)) {
		case "actions":
			if uerr := json.Unmarshal(t.raw(v), &c.Change.Actions); uerr != nil {
				err = fmt.Errorf("change.actions: %w", uerr)
				return false
			}
		case "after":
			c.after = v
		case "after_unknown":
			c.unknown = v
		case "after_sensitive":
			c.sensitive = v
		}
		return true
	})
	return err
}

// header is what the first pass needs of a resource change, read without indexing it.
type header struct {
	typ     string
	mode    tfjson.ResourceMode
	deposed string
	actions tfjson.Actions
	hasBody bool
}

func (h header) willExist() bool {
	rc := tfjson.ResourceChange{Mode: h.mode, DeposedKey: h.deposed}
	if h.hasBody {
		rc.Change = &tfjson.Change{Actions: h.actions}
	}
	if rc.Mode == "" {
		rc.Mode = tfjson.ManagedResourceMode
	}
	return WillExist(&rc)
}

// peekChange reads a resource change's type, mode, deposed key and actions. Terraform
// writes those before `after`, and actions first in `change`, so this reads a few hundred
// bytes of each change however large it is.
func peekChange(raw []byte) (header, error) {
	var h header
	members, err := leadingMembers(raw, func(key string) bool { return key == "change" })
	if err != nil {
		return h, err
	}
	if !hasKey(members, "type") {
		// Not Terraform's own member order (a plan rewritten by jq -S, say): read them all.
		if members, err = objectMembers(raw); err != nil {
			return h, err
		}
	}
	for _, m := range members {
		var err error
		switch m.Key {
		case "type":
			err = json.Unmarshal(m.Value, &h.typ)
		case "mode":
			err = json.Unmarshal(m.Value, &h.mode)
		case "deposed":
			err = json.Unmarshal(m.Value, &h.deposed)
		case "change":
			h.hasBody = true
			body, berr := leadingMembers(m.Value, func(key string) bool { return key == "actions" })
			if berr != nil {
				return h, fmt.Errorf("change: %w", berr)
			}
			for _, b := range body {
				if b.Key == "actions" {
					if err := json.Unmarshal(b.Value, &h.actions); err != nil {
						return h, fmt.Errorf("change.actions: %w", err)
					}
				}
			}
		}
		if err != nil {
			return h, fmt.Errorf("%s: %w", m.Key, err)
		}
	}
	return h, nil
}

func hasKey(ms []member, key string) bool {
	for _, m := range ms {
		if m.Key == key {
			return true
		}
	}
	return false
}
