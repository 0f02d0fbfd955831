package plan

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// A Deployment whose container's resources are unknown (computed): whether it was written
// is read from the configuration.
// cfg is spliced in as written (duplicate members included).
func configPlan(t *testing.T, cfg string) []byte {
	t.Helper()
	r := rc("", container(map[string]any{}))
	data := withConfig(t, plantest.Plan(r), `"CONFIGURATION"`)
	return []byte(strings.Replace(string(data), `"CONFIGURATION"`, cfg, 1))
}

func readErr(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	_, err = NewReader().Read(p)
	return err
}

// TestConfigShapes: the configuration section is read where a verdict needs it, and a
// malformed expression there is an error naming the resource and the attribute, never a
// pass; the expressions of a resource plan-check does not read are not looked at.
func TestConfigShapes(t *testing.T) {
	const web = `{"address": "kubernetes_replication_controller_v1.web", "mode": "managed", "type": "kubernetes_replication_controller_v1", "name": "web", "expressions": %s}`
	for _, c := range []struct {
		name     string
		cfg      string
		contains []string // empty: no error
	}{
		{"well formed", `{"root_module": {"resources": [` + strings.Replace(web, "%s", `{"spec": [{"template": [{"spec": [{"container": [{"name": {"constant_value": "web"}}]}]}]}]}`, 1) + `]}}`, nil},
		{"expression is a string", `{"root_module": {"resources": [` + strings.Replace(web, "%s", `{"spec": [{"template": [{"spec": [{"container": [{"resources": "x"}]}]}]}]}`, 1) + `]}}`,
			[]string{"kubernetes_replication_controller_v1.web", "configuration section", "expressions.spec[0].template[0].spec[0].container[0].resources", "not a string"}},
		{"references not strings", `{"root_module": {"resources": [` + strings.Replace(web, "%s", `{"metadata": {"references": [1]}}`, 1) + `]}}`,
			[]string{"kubernetes_replication_controller_v1.web", "expressions.metadata.references[0]: expected a string"}},
		{"nested block not an object", `{"root_module": {"resources": [` + strings.Replace(web, "%s", `{"spec": ["x"]}`, 1) + `]}}`,
			[]string{"kubernetes_replication_controller_v1.web", "expressions.spec[0]: expected a nested block"}},
		{"expressions not an object", `{"root_module": {"resources": [` + strings.Replace(web, "%s", `[]`, 1) + `]}}`,
			[]string{"root_module.resources[0].expressions: expected an object, not a list"}},
		{"resources not a list", `{"root_module": {"resources": {}}}`, []string{"root_module.resources: expected a list, not an object"}},
		{"type not a string", `{"root_module": {"resources": [{"type": 1}]}}`, []string{"root_module.resources[0].type: expected a string"}},
		{"sensitive not a boolean", `{"root_module": {"variables": {"v": {"sensitive": "yes"}}}}`, []string{"root_module.variables.v.sensitive: expected a boolean"}},
		{"module call not an object", `{"root_module": {"module_calls": {"m": []}}}`, []string{"root_module.module_calls.m: expected an object"}},
		{"module call argument malformed", `{"root_module": {"module_calls": {"m": {"expressions": {"x": 1}}}}}`, []string{"root_module.module_calls.m.expressions.x: expected an expression"}},
		{"duplicate member", `{"root_module": {"resources": [], "resources": []}}`, []string{"configuration", "duplicate member"}},
		{"configuration not an object", `[]`, []string{"configuration: expected an object"}},
		{"unread resource malformed: not looked at", `{"root_module": {"resources": [{"address": "aws_instance.x", "mode": "managed", "type": "aws_instance", "name": "x", "expressions": {"ami": 5}}]}}`, nil},
		{"outputs and providers not looked at", `{"provider_config": 5, "root_module": {"outputs": 7}}`, nil},
		{"nulls", `{"root_module": {"resources": [null], "module_calls": {"m": null}, "variables": {"v": null}}}`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := readErr(configPlan(t, c.cfg))
			if len(c.contains) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one containing %q", c.contains)
			}
			for _, s := range c.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}
