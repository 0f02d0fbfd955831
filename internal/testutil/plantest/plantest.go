// Package plantest builds `terraform show -json` plans for tests and benchmarks: small
// synthetic ones from YAML manifests, and large ones of many typed workloads.
package plantest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// Resource is one resource change of a synthetic plan.
type Resource struct {
	Address string
	Type    string
	Name    string
	Module  string
	Index   any
	// Actions default to ["create"].
	Actions        []string
	After          map[string]any
	AfterUnknown   map[string]any
	AfterSensitive map[string]any
	// Expressions is the resource's configuration; nil leaves it out.
	Expressions map[string]any
}

// Unknown and Sensitive are markers in Manifest YAML: a string "(unknown)" becomes a value
// unknown until apply; "(sensitive)VALUE" becomes VALUE, marked sensitive.
const (
	Unknown   = "(unknown)"
	Sensitive = "(sensitive)"
)

// Manifest is a kubernetes_manifest resource at address (e.g. "kubernetes_manifest.pod")
// whose manifest is the YAML document, with Unknown/Sensitive markers applied.
func Manifest(address, doc string) Resource {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		panic(fmt.Sprintf("plantest.Manifest %s: %v", address, err))
	}
	after, unk, sens := split(m)
	typ, name := splitAddress(address)
	return Resource{
		Address: address, Type: typ, Name: name,
		After:          map[string]any{"manifest": after, "object": after},
		AfterUnknown:   map[string]any{"manifest": orEmpty(unk), "object": true},
		AfterSensitive: map[string]any{"manifest": orEmpty(sens)},
	}
}

func orEmpty(v any) any {
	if v == nil {
		return map[string]any{}
	}
	return v
}

// split separates a marked value into after, after_unknown and after_sensitive trees.
func split(v any) (after, unk, sens any) {
	switch t := v.(type) {
	case string:
		if t == Unknown {
			return nil, true, nil
		}
		if strings.HasPrefix(t, Sensitive) {
			var v any // the rest is a YAML scalar: "(sensitive)0" is the number 0
			if err := yaml.Unmarshal([]byte(strings.TrimPrefix(t, Sensitive)), &v); err != nil {
				v = strings.TrimPrefix(t, Sensitive)
			}
			return v, nil, true
		}
		return t, nil, nil
	case map[string]any:
		a, u, s := map[string]any{}, map[string]any{}, map[string]any{}
		for k, c := range t {
			ca, cu, cs := split(c)
			if cu == true {
				u[k] = true
				continue
			}
			a[k] = ca
			if cu != nil {
				u[k] = cu
			}
			if cs != nil {
				s[k] = cs
			}
		}
		return a, nilIfEmpty(u), nilIfEmpty(s)
	case []any:
		a, u, s := make([]any, 0, len(t)), make([]any, len(t)), make([]any, len(t))
		anyU, anyS := false, false
		for i, c := range t {
			ca, cu, cs := split(c)
			a = append(a, ca)
			if cu != nil {
				u[i], anyU = cu, true
			} else {
				u[i] = false
			}
			if cs != nil {
				s[i], anyS = cs, true
			} else {
				s[i] = false
			}
		}
		var ru, rs any
		if anyU {
			ru = u
		}
		if anyS {
			rs = s
		}
		return a, ru, rs
	}
	return v, nil, nil
}

func nilIfEmpty(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

func splitAddress(addr string) (typ, name string) {
	parts := strings.Split(addr, ".")
	if len(parts) < 2 {
		return addr, addr
	}
	name = parts[len(parts)-1]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	return parts[len(parts)-2], name
}

// Plan renders resources as a plan of format 1.2, with configuration for those that have
// expressions.
func Plan(rs ...Resource) []byte {
	changes := make([]any, 0, len(rs))
	var cfg []any
	for _, r := range rs {
		actions := r.Actions
		if actions == nil {
			actions = []string{"create"}
		}
		typ, name := r.Type, r.Name
		if typ == "" {
			typ, name = splitAddress(r.Address)
		}
		rc := map[string]any{
			"address": r.Address, "mode": "managed", "type": typ, "name": name,
			"provider_name": "registry.terraform.io/hashicorp/kubernetes",
			"change": map[string]any{
				"actions": actions, "before": nil, "after": r.After,
				"after_unknown": orEmpty(r.AfterUnknown), "before_sensitive": false,
				"after_sensitive": orEmpty(r.AfterSensitive),
			},
		}
		if r.Module != "" {
			rc["module_address"] = r.Module
		}
		if r.Index != nil {
			rc["index"] = r.Index
		}
		changes = append(changes, rc)
		if r.Expressions != nil {
			cfg = append(cfg, map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name, "expressions": r.Expressions})
		}
	}
	p := map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.11.4",
		"planned_values":    map[string]any{"root_module": map[string]any{}},
		"resource_changes":  changes,
		"configuration":     map[string]any{"root_module": map[string]any{"resources": cfg}},
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}

//go:embed deployment.json
var deploymentTemplates []byte

// LargePlan is a plan of n kubernetes_deployment_v1 workloads in the exact shape Terraform
// 1.11 and the kubernetes provider write (copied from two real plans: a compliant
// deployment and one with 30 violations), each in planned_values and in resource_changes
// as in a real plan, in a module with for_each keys. One workload in violatingEvery is the
// violating one (1 = all of them). It is what the benchmarks measure.
func LargePlan(n, violatingEvery int) []byte {
	var t map[string]struct {
		Change map[string]any `json:"change"`
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(deploymentTemplates, &t); err != nil {
		panic(err)
	}
	type shape struct{ after, change []byte }
	shapes := map[bool]shape{}
	for name, v := range t {
		after, _ := json.Marshal(v.Change["change"].(map[string]any)["after"])
		change, _ := json.Marshal(v.Change["change"])
		shapes[name == "violating"] = shape{after, change}
	}
	// The two share one module resource configuration, as for_each instances do; the
	// violating one's is the superset (it writes every block).
	cfgJSON, _ := json.Marshal(t["violating"].Config["expressions"])
	bad := func(i int) bool { return violatingEvery > 0 && i%violatingEvery == 0 }

	var b strings.Builder
	b.WriteString(`{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{"child_modules":[{"address":"module.apps","resources":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"address":"module.apps.kubernetes_deployment_v1.app[\"svc-%d\"]","mode":"managed","type":"kubernetes_deployment_v1","name":"app","index":"svc-%d","provider_name":"registry.terraform.io/hashicorp/kubernetes","schema_version":1,"values":%s,"sensitive_values":{}}`, i, i, shapes[bad(i)].after)
	}
	b.WriteString(`]}]}},"resource_changes":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"address":"module.apps.kubernetes_deployment_v1.app[\"svc-%d\"]","module_address":"module.apps","mode":"managed","type":"kubernetes_deployment_v1","name":"app","index":"svc-%d","provider_name":"registry.terraform.io/hashicorp/kubernetes","change":%s}`, i, i, shapes[bad(i)].change)
	}
	fmt.Fprintf(&b, `],"configuration":{"root_module":{"module_calls":{"apps":{"source":"./apps","module":{"resources":[{"address":"kubernetes_deployment_v1.app","mode":"managed","type":"kubernetes_deployment_v1","name":"app","expressions":%s}]}}}}},"timestamp":"2026-11-28T00:00:00Z","applyable":true,"complete":true,"errored":false}`, cfgJSON)
	return []byte(b.String())
}
