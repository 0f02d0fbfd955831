// Package plan reads `terraform show -json` plan output and turns the Kubernetes resources
// in it into typed k8s.io/api objects, remembering for each field where it came from in
// Terraform terms and whether Terraform knows its value yet.
package plan

import (
	"encoding/json"
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
	// Config is the plan's configuration section: the expressions the user wrote.
	Config *tfjson.Config

	// changes are the raw resource_changes elements; each is indexed when it is read.
	changes [][]byte
}

// Parse validates data as a plan of JSON format 1.x and prepares its resource changes.
func Parse(data []byte) (*Plan, error) {
	members, err := objectMembers(data)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string][]byte, len(members))
	for _, m := range members {
		byKey[m.Key] = m.Value
	}

	rawVersion, ok := byKey["format_version"]
	if !ok {
		return nil, notAPlan(byKey)
	}
	p := &Plan{}
	if err := json.Unmarshal(rawVersion, &p.FormatVersion); err != nil {
		return nil, fmt.Errorf("format_version is not a string: %w", err)
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
		_ = json.Unmarshal(raw, &p.TerraformVersion)
	}
	if raw, ok := byKey["errored"]; ok {
		_ = json.Unmarshal(raw, &p.Errored)
	}
	if raw, ok := byKey["configuration"]; ok {
		var cfg tfjson.Config
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return nil, fmt.Errorf("reading the plan's configuration section: %w", err)
		}
		p.Config = &cfg
	}
	if raw, ok := byKey["resource_changes"]; ok {
		if p.changes, err = arrayElements(raw); err != nil {
			return nil, fmt.Errorf("reading resource_changes: %w", err)
		}
	}
	return p, nil
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
		return fmt.Errorf("format_version %q is not a version: %w", v, err)
	}
	if seg := ver.Segments(); len(seg) == 0 || seg[0] != 1 {
		return fmt.Errorf("unsupported plan format_version %q: plan-check reads format 1.x (Terraform 1.0 and later)", v)
	}
	// terraform-json's own constraint, so the decoder agrees with this check.
	c, err := version.NewConstraint(tfjson.PlanFormatVersionConstraints)
	if err == nil && !c.Check(ver) {
		return fmt.Errorf("unsupported plan format_version %q (terraform-json supports %s)", v, tfjson.PlanFormatVersionConstraints)
	}
	return nil
}

// WillExist reports whether the change leaves the resource in place after apply (create,
// update, no-op, replace) rather than deleting it or only reading it.
func WillExist(rc *tfjson.ResourceChange) bool {
	if rc.Change == nil || rc.DeposedKey != "" || rc.Mode == tfjson.DataResourceMode {
		return false
	}
	a := rc.Change.Actions
	switch {
	case a.Create(), a.Update(), a.NoOp(), a.Replace():
		return true
	}
	return false
}
