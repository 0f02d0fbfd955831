// Package plan reads `terraform show -json` plan output and turns the Kubernetes resources
// in it into typed k8s.io/api objects, remembering for each field where it came from in
// Terraform terms and whether Terraform knows its value yet.
package plan

import (
	"errors"
	"fmt"

	"github.com/hashicorp/go-version"
	tfjson "github.com/hashicorp/terraform-json"
)

var errEmpty = errors.New("the input is empty")

// Plan is a validated plan whose resource changes are decoded lazily, one at a time.
type Plan struct {
	FormatVersion    string
	TerraformVersion string
	// Errored is true when Terraform could not finish planning: the plan is incomplete.
	Errored bool

	// cfg is the plan's configuration section (the expressions the user wrote), indexed
	// on first use (config.go); nil when the plan has none.
	cfg *config

	// data is the plan; changes are its resource_changes elements, each indexed when it is
	// read.
	data    []byte
	changes []changeRef
}

// changeRef is one resource change: where its bytes are in the plan, and its header.
type changeRef struct {
	start, end int
	h          header
}

// raw returns the bytes of resource change i.
func (p *Plan) raw(i int) []byte { return p.data[p.changes[i].start:p.changes[i].end] }

// Parse validates data as a plan of JSON format 1.x and prepares its resource changes. The
// whole document must be valid JSON (json.Valid) without duplicate member names in the
// plan object and in each resource change's header; each resource change must have an
// address, a type and an action list Terraform writes.
func Parse(data []byte) (*Plan, error) {
	i := skipSpace(data, 0)
	if i >= len(data) {
		return nil, errEmpty
	}
	if data[i] != '{' {
		if err := validJSON(data); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("the input is %s, not an object: a plan (terraform show -json PLANFILE) is a JSON object", kindName(jsonKind(data[i])))
	}
	p := &Plan{data: data}
	byKey := map[string][]byte{}
	cfgAt := 0
	end, err := eachMember(data, i, func(k []byte, at int) (int, error) {
		key := string(k)
		if _, dup := byKey[key]; dup {
			return at, fmt.Errorf("duplicate member %q in the plan object at byte %d: two readers could see two different plans", clip(key), at)
		}
		var end int
		var err error
		if key == "resource_changes" {
			end, err = p.scanChanges(data, at)
		} else {
			end, err = skipValue(data, at)
		}
		if err != nil {
			return end, err
		}
		byKey[key] = data[at:end]
		if key == "configuration" {
			cfgAt = at
		}
		return end, nil
	})
	if err != nil {
		return nil, err
	}
	if err := trailing(data, end); err != nil {
		return nil, err
	}

	rawVersion, ok := byKey["format_version"]
	if !ok {
		return nil, notAPlan(byKey)
	}
	if p.FormatVersion, err = stringMember(rawVersion); err != nil {
		return nil, fmt.Errorf("format_version: %w", err)
	}
	if err := checkFormatVersion(p.FormatVersion); err != nil {
		return nil, err
	}
	_, hasChanges := byKey["resource_changes"]
	_, hasPlanned := byKey["planned_values"]
	if !hasChanges && !hasPlanned {
		return nil, notAPlan(byKey)
	}
	if raw, ok := byKey["terraform_version"]; ok {
		if p.TerraformVersion, err = stringMember(raw); err != nil {
			return nil, fmt.Errorf("terraform_version: %w", err)
		}
	}
	if raw, ok := byKey["errored"]; ok {
		switch string(raw) {
		case "true":
			p.Errored = true
		case "false", "null":
		default:
			return nil, fmt.Errorf("errored is a boolean, not %s", kindName(jsonKind(raw[0])))
		}
	}
	if raw, ok := byKey["configuration"]; ok && string(raw) != "null" {
		p.cfg = &config{data: data, at: cfgAt}
	}
	return p, nil
}

// configuration returns the plan's configuration section, indexed (nil when the plan has
// none).
func (p *Plan) configuration() (*config, error) {
	if p.cfg == nil {
		return nil, nil
	}
	if err := p.cfg.index(); err != nil {
		return nil, err
	}
	return p.cfg, nil
}

// scanChanges checks resource_changes at data[at] and reads each change's header.
func (p *Plan) scanChanges(data []byte, at int) (int, error) {
	if data[at] == 'n' {
		return skipLiteral(data, at, "null")
	}
	if data[at] != '[' {
		end, err := skipValue(data, at)
		if err != nil {
			return end, err
		}
		return end, fmt.Errorf("resource_changes is a list, not %s", kindName(jsonKind(data[at])))
	}
	in := interner{}
	return eachElement(data, at, func(n, at int) (int, error) {
		h, end, err := scanChange(data, at, in)
		if err != nil {
			if h.address != "" {
				return end, fmt.Errorf("resource_changes[%d] (%s): %w", n, h.address, err)
			}
			return end, fmt.Errorf("resource_changes[%d]: %w", n, err)
		}
		p.changes = append(p.changes, changeRef{start: at, end: end, h: h})
		return end, nil
	})
}

// stringMember decodes a JSON string without quoting it in errors.
func stringMember(raw []byte) (string, error) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", fmt.Errorf("expected a string, not %s", kindName(jsonKind(raw[0])))
	}
	end, esc, err := skipString(raw, 0)
	if err != nil {
		return "", err
	}
	return unquote(raw[:end], esc && needsUnquote(raw[:end])), nil
}

// notAPlan explains what a JSON document without a plan's shape most likely is.
func notAPlan(byKey map[string][]byte) error {
	switch {
	case byKey["values"] != nil && byKey["format_version"] != nil:
		return errors.New("this is a Terraform state (terraform show -json without a plan file), not a plan: " +
			"run 'terraform plan -out=tfplan' and 'terraform show -json tfplan'")
	case byKey["provider_schemas"] != nil:
		return errors.New("this is a provider schema (terraform providers schema -json), not a plan")
	case byKey["format_version"] == nil:
		return errors.New("this JSON has no format_version: it is not the output of 'terraform show -json PLANFILE'")
	}
	return errors.New("this JSON has neither resource_changes nor planned_values: it is not a plan")
}

// checkFormatVersion accepts plan format 1.x, the format of every Terraform since 1.0.
func checkFormatVersion(v string) error {
	ver, err := version.NewVersion(v)
	if err != nil {
		return fmt.Errorf("format_version %q is not a version", clip(v))
	}
	if seg := ver.Segments(); len(seg) == 0 || seg[0] != 1 {
		return fmt.Errorf("unsupported plan format_version %q: plan-check reads format 1.x (Terraform 1.0 and later)", clip(v))
	}
	// terraform-json's own constraint, so the decoder agrees with this check.
	c, err := version.NewConstraint(tfjson.PlanFormatVersionConstraints)
	if err == nil && !c.Check(ver) {
		return fmt.Errorf("unsupported plan format_version %q (terraform-json supports %s)", clip(v), tfjson.PlanFormatVersionConstraints)
	}
	return nil
}
