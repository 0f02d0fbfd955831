// Package computedgen derives, from the hashicorp/kubernetes provider itself, which
// attributes and nested blocks of each resource type plan-check reads the provider
// computes: values it fills in when the configuration leaves them out, so that an unknown
// value there in a plan means "not written" unless the configuration wrote it.
//
// Two sources, neither hand-listed:
//
//   - attributes: the provider schema (`terraform providers schema -json`) marks them
//     `computed: true`;
//   - blocks: the schema JSON cannot say (Terraform's JSON schema has no computed flag for
//     nested blocks, and the SDKv2 provider marks many Optional+Computed), so a probe
//     configuration (ProbeConfig: every resource type, written block by block, level by
//     level) is planned with Terraform and the real provider, and every block the plan
//     shows wholly unknown (`after_unknown` true) while the configuration does not write it
//     is a computed block.
//
// Generate writes the Go table (package plan's computed_gen.go); Observed says which
// blocks the probe plan saw unwritten, so package plan can check that every block of its
// table was probed.
package computedgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"sort"
	"strings"
)

// Probes are the resource types plan-check's table reads, grouped by shape, each with the
// blocks the probe configuration writes (one level at a time): the table's blocks that
// have blocks of the table below them. Leaf blocks are never written, so that each is
// observed unwritten.
//
// The table's hashicorp/aws types (aws_eks_access_policy_association) are not probed: the
// aws provider cannot be planned offline (it is not in the filesystem mirror) and its
// schema is not the one read here. They have no entry in the table, so every unknown
// value of theirs stays unknown; package plan's TestAWSTypesComputeNothingRead checks
// that this loses nothing (no attribute they read is computed, every block required).
func Probes() []Probe {
	container := func(c string) []string {
		out := []string{c, c + ".security_context", c + ".env", c + ".env.value_from", c + ".env_from",
			c + ".lifecycle", c + ".lifecycle.post_start", c + ".lifecycle.pre_stop"}
		for _, probe := range []string{"liveness_probe", "readiness_probe", "startup_probe"} {
			out = append(out, c+"."+probe)
		}
		return out
	}
	podSpec := func(p string) []string {
		out := []string{p, p + ".security_context", p + ".volume", p + ".volume.ephemeral"}
		out = append(out, container(p+".container")...)
		return append(out, container(p+".init_container")...)
	}
	return []Probe{
		{Types: []string{"kubernetes_pod", "kubernetes_pod_v1"}, Writes: podSpec("spec")},
		{Types: []string{
			"kubernetes_deployment", "kubernetes_deployment_v1", "kubernetes_daemonset", "kubernetes_daemon_set_v1",
			"kubernetes_stateful_set", "kubernetes_stateful_set_v1", "kubernetes_replication_controller",
			"kubernetes_replication_controller_v1", "kubernetes_job", "kubernetes_job_v1",
		}, Writes: podSpec("spec.template.spec")},
		{Types: []string{"kubernetes_cron_job", "kubernetes_cron_job_v1"}, Writes: podSpec("spec.job_template.spec.template.spec")},
		{Types: []string{"kubernetes_cluster_role", "kubernetes_cluster_role_v1"}, Writes: []string{"aggregation_rule"}},
		{Types: []string{"kubernetes_role", "kubernetes_role_v1"}},
		{Types: []string{"kubernetes_cluster_role_binding", "kubernetes_cluster_role_binding_v1", "kubernetes_role_binding", "kubernetes_role_binding_v1"}},
		{Types: []string{"kubernetes_namespace", "kubernetes_namespace_v1"}},
		{Types: []string{"kubernetes_limit_range", "kubernetes_limit_range_v1"}, Writes: []string{"spec"}},
		{Types: []string{"kubernetes_resource_quota", "kubernetes_resource_quota_v1"}, Writes: []string{"spec", "spec.scope_selector"}},
		{Types: []string{"kubernetes_service_account", "kubernetes_service_account_v1"}},
		{Types: []string{"kubernetes_labels"}},
		{Types: []string{"kubernetes_secret", "kubernetes_secret_v1"}},
		{Types: []string{"kubernetes_config_map", "kubernetes_config_map_v1", "kubernetes_config_map_v1_data"}},
		// spec and spec.resources are required: written at every level.
		{Types: []string{"kubernetes_persistent_volume_claim", "kubernetes_persistent_volume_claim_v1"}},
		{Types: []string{"kubernetes_storage_class", "kubernetes_storage_class_v1"}},
	}
}

// Probe is one group of resource types of the same shape.
type Probe struct {
	Types []string
	// Writes are the block paths ("spec.template.spec.container") written at levels at or
	// above their depth; their ancestors are written with them.
	Writes []string
}

// schema is the part of `terraform providers schema -json` read here.
type schema struct {
	ProviderSchemas map[string]struct {
		ResourceSchemas map[string]struct {
			Block block `json:"block"`
		} `json:"resource_schemas"`
	} `json:"provider_schemas"`
}

type block struct {
	Attributes map[string]attribute `json:"attributes"`
	BlockTypes map[string]blockType `json:"block_types"`
}

type attribute struct {
	Type     json.RawMessage `json:"type"`
	Required bool            `json:"required"`
	Computed bool            `json:"computed"`
}

type blockType struct {
	NestingMode string `json:"nesting_mode"`
	Block       block  `json:"block"`
	MinItems    int    `json:"min_items"`
}

// resources returns the resource schemas of the kubernetes provider in a schema document.
func resources(schemaJSON []byte) (map[string]block, error) {
	var s schema
	if err := json.Unmarshal(schemaJSON, &s); err != nil {
		return nil, fmt.Errorf("reading the provider schema: %w", err)
	}
	for addr, p := range s.ProviderSchemas {
		if strings.HasSuffix(addr, "/hashicorp/kubernetes") {
			out := map[string]block{}
			for t, r := range p.ResourceSchemas {
				out[t] = r.Block
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("the provider schema has no hashicorp/kubernetes provider")
}

// values are the HCL values written for required attributes, by attribute path (the most
// specific first) or name; other required attributes get a value of their type.
var values = map[string]string{
	"schedule":           `"*/5 * * * *"`,
	"role_ref.kind":      `"ClusterRole"`,
	"role_ref.api_group": `"rbac.authorization.k8s.io"`,
	"subject.kind":       `"User"`,
	"api_version":        `"v1"`,
	"kind":               `"ConfigMap"`,
	"scope_name":         `"BestEffort"`,
	"operator":           `"Exists"`,
	"access_modes":       `["ReadWriteOnce"]`,
}

// ProbeConfig writes the probe configuration: for each resource type, one resource per
// level L (probe_lL) that writes the required attributes and blocks and the probe's blocks
// of depth L or less.
func ProbeConfig(schemaJSON []byte) ([]byte, error) {
	rs, err := resources(schemaJSON)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(`# Code generated by gencomputed -probe; DO NOT EDIT.
#
# The probe configuration of computedgen: every resource type plan-check's table reads,
# written one level of nested blocks at a time (probe_l0 writes only what the schema
# requires), planned with Terraform 1.11.4 and hashicorp/kubernetes 3.2.1 into plan.json
# (see README.md). A block the plan shows wholly unknown while this file does not write it
# is a block the provider computes.

terraform {
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "3.2.1"
    }
  }
}

provider "kubernetes" {
  host     = "https://127.0.0.1:1"
  insecure = true
}
`)
	for _, p := range Probes() {
		writes := map[string]bool{}
		maxDepth := 0
		for _, w := range p.Writes {
			parts := strings.Split(w, ".")
			for i := range parts {
				writes[strings.Join(parts[:i+1], ".")] = true
			}
			maxDepth = max(maxDepth, len(parts))
		}
		for _, t := range p.Types {
			root, ok := rs[t]
			if !ok {
				return nil, fmt.Errorf("the provider schema has no resource type %s", t)
			}
			for level := 0; level <= maxDepth; level++ {
				fmt.Fprintf(&b, "\nresource %q \"probe_l%d\" {\n", t, level)
				writeBlock(&b, root, "", 1, func(path string) bool {
					return writes[path] && strings.Count(path, ".")+1 <= level
				})
				b.WriteString("}\n")
			}
		}
	}
	return b.Bytes(), nil
}

// writeBlock writes the body of a block: its required attributes, its required blocks,
// and the optional blocks write selects.
func writeBlock(b *bytes.Buffer, blk block, path string, indent int, write func(string) bool) {
	pad := strings.Repeat("  ", indent)
	for _, name := range sortedKeys(blk.Attributes) {
		a := blk.Attributes[name]
		if !a.Required {
			continue
		}
		fmt.Fprintf(b, "%s%s = %s\n", pad, name, valueFor(join(path, name), name, a.Type))
	}
	for _, name := range sortedKeys(blk.BlockTypes) {
		bt := blk.BlockTypes[name]
		p := join(path, name)
		if bt.MinItems == 0 && !write(p) {
			continue
		}
		fmt.Fprintf(b, "%s%s {\n", pad, name)
		writeBlock(b, bt.Block, p, indent+1, write)
		fmt.Fprintf(b, "%s}\n", pad)
	}
}

func valueFor(path, name string, typ json.RawMessage) string {
	parts := strings.Split(path, ".")
	for i := range parts {
		if v, ok := values[strings.Join(parts[i:], ".")]; ok {
			return v
		}
	}
	if v, ok := values[name]; ok {
		return v
	}
	var t any
	_ = json.Unmarshal(typ, &t)
	return zero(t)
}

// zero is a valid value of a cty type written as JSON ("string", ["map","string"], ...).
func zero(t any) string {
	switch t := t.(type) {
	case string:
		switch t {
		case "number":
			return "1"
		case "bool":
			return "false"
		}
		return `"probe"`
	case []any:
		if len(t) == 2 {
			if kind, _ := t[0].(string); kind == "map" {
				return "{ probe = " + zero(t[1]) + " }"
			}
			return "[" + zero(t[1]) + "]"
		}
	}
	return `"probe"`
}

func join(p, name string) string {
	if p == "" {
		return name
	}
	return p + "." + name
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// probePlan is the part of the probe plan read here.
type probePlan struct {
	ResourceChanges []struct {
		Type   string `json:"type"`
		Name   string `json:"name"`
		Change struct {
			After        json.RawMessage `json:"after"`
			AfterUnknown json.RawMessage `json:"after_unknown"`
		} `json:"change"`
	} `json:"resource_changes"`
	Configuration struct {
		RootModule struct {
			Resources []struct {
				Type        string          `json:"type"`
				Name        string          `json:"name"`
				Expressions json.RawMessage `json:"expressions"`
			} `json:"resources"`
		} `json:"root_module"`
	} `json:"configuration"`
}

// Observation is what the probe plan shows about one nested block of one resource type
// that a probe resource did not write.
type Observation struct {
	// Computed is set when the plan shows the unwritten block wholly unknown.
	Computed bool
}

// Observed walks the probe plan: for each resource type, each block path (no indexes) that
// some probe resource leaves unwritten under a written parent, and whether the plan shows
// it computed there.
func Observed(schemaJSON, planJSON []byte) (map[string]map[string]Observation, error) {
	rs, err := resources(schemaJSON)
	if err != nil {
		return nil, err
	}
	var p probePlan
	if err := json.Unmarshal(planJSON, &p); err != nil {
		return nil, fmt.Errorf("reading the probe plan: %w", err)
	}
	cfg := map[string]json.RawMessage{}
	for _, r := range p.Configuration.RootModule.Resources {
		cfg[r.Type+"."+r.Name] = r.Expressions
	}
	out := map[string]map[string]Observation{}
	for _, rc := range p.ResourceChanges {
		root, ok := rs[rc.Type]
		if !ok {
			return nil, fmt.Errorf("the probe plan has %s.%s, a type the provider schema does not have", rc.Type, rc.Name)
		}
		var after, unknown, expr any
		if err := json.Unmarshal(rc.Change.After, &after); err != nil {
			return nil, fmt.Errorf("%s.%s: after: %w", rc.Type, rc.Name, err)
		}
		if err := json.Unmarshal(rc.Change.AfterUnknown, &unknown); err != nil {
			return nil, fmt.Errorf("%s.%s: after_unknown: %w", rc.Type, rc.Name, err)
		}
		if raw := cfg[rc.Type+"."+rc.Name]; raw != nil {
			if err := json.Unmarshal(raw, &expr); err != nil {
				return nil, fmt.Errorf("%s.%s: expressions: %w", rc.Type, rc.Name, err)
			}
		}
		if out[rc.Type] == nil {
			out[rc.Type] = map[string]Observation{}
		}
		observe(root, "", after, unknown, expr, out[rc.Type])
	}
	return out, nil
}

// observe records the blocks below one block value (its after, after_unknown and
// configuration).
func observe(blk block, path string, after, unknown, expr any, out map[string]Observation) {
	am, _ := after.(map[string]any)
	um, _ := unknown.(map[string]any)
	em, _ := expr.(map[string]any)
	for name, bt := range blk.BlockTypes {
		p := join(path, name)
		written, _ := em[name].([]any)
		if em[name] == nil {
			o := out[p]
			if u, _ := um[name].(bool); u {
				o.Computed = true
			}
			out[p] = o
			continue
		}
		values, _ := am[name].([]any)
		unknowns, _ := um[name].([]any)
		for i, v := range values {
			var u, e any
			if i < len(unknowns) {
				u = unknowns[i]
			}
			if i < len(written) {
				e = written[i]
			}
			observe(bt.Block, p, v, u, e, out)
		}
	}
}

// Generate writes package plan's computed_gen.go: for each probed resource type, the
// paths (attribute and block names joined by ".", no indexes) of every attribute the
// schema marks computed and every block the probe plan shows computed.
func Generate(schemaJSON, planJSON []byte) ([]byte, error) {
	rs, err := resources(schemaJSON)
	if err != nil {
		return nil, err
	}
	obs, err := Observed(schemaJSON, planJSON)
	if err != nil {
		return nil, err
	}
	var types []string
	for _, p := range Probes() {
		types = append(types, p.Types...)
	}
	sort.Strings(types)
	var b bytes.Buffer
	b.WriteString(`// Code generated by computedgen (go generate ./internal/plan); DO NOT EDIT.
// Sources: testdata/kubernetes-provider-schema.json (attributes marked computed) and
// testdata/computed-probe/plan.json (blocks the provider computes, seen in a real plan).

package plan

// computedPaths returns, for each resource type of the table, the Terraform paths
// (names joined by ".", without list indexes) of the attributes and nested blocks the
// kubernetes provider computes when the configuration does not write them.
func computedPaths() map[string][]string {
	return map[string][]string{
`)
	for _, t := range types {
		if _, ok := obs[t]; !ok {
			return nil, fmt.Errorf("the probe plan has no resource of type %s: plan testdata/computed-probe/main.tf again", t)
		}
		set := map[string]bool{}
		collectAttrs(rs[t], "", set)
		for p, o := range obs[t] {
			if o.Computed {
				set[p] = true
			}
		}
		fmt.Fprintf(&b, "\t\t%q: {\n", t)
		for _, p := range sortedKeys(set) {
			fmt.Fprintf(&b, "\t\t\t%q,\n", p)
		}
		b.WriteString("\t\t},\n")
	}
	b.WriteString("\t}\n}\n")
	return format.Source(b.Bytes())
}

func collectAttrs(blk block, path string, set map[string]bool) {
	for name, a := range blk.Attributes {
		if a.Computed {
			set[join(path, name)] = true
		}
	}
	for name, bt := range blk.BlockTypes {
		collectAttrs(bt.Block, join(path, name), set)
	}
}
