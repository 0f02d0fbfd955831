package plan

import (
	"testing"
)

// refsConfig is a configuration section in the shape Terraform writes it: a root module
// with variables (one sensitive), a for_each module call passing each.value's attributes,
// a resource reference and a sensitive variable, a nested count module, and a module whose
// for_each is a local.
const refsConfig = `{
  "root_module": {
    "variables": {
      "agents": {"default": {}},
      "secret_limits": {"default": {}, "sensitive": true},
      "names": {"default": ["a"]}
    },
    "resources": [
      {"address": "kubernetes_pod_v1.each", "mode": "managed", "type": "kubernetes_pod_v1", "name": "each",
       "for_each_expression": {"references": ["var.names"]}},
      {"address": "kubernetes_pod_v1.fromres", "mode": "managed", "type": "kubernetes_pod_v1", "name": "fromres",
       "for_each_expression": {"references": ["kubernetes_namespace_v1.x"]}}
    ],
    "module_calls": {
      "agent": {
        "source": "./agent",
        "for_each_expression": {"references": ["var.agents"]},
        "expressions": {
          "resources": {"references": ["each.value.resources", "each.value"]},
          "name": {"references": ["each.key"]},
          "namespace": {"references": ["kubernetes_namespace_v1.x.metadata[0].name", "kubernetes_namespace_v1.x.metadata[0]", "kubernetes_namespace_v1.x"]},
          "limits": {"references": ["var.secret_limits"]},
          "image": {"constant_value": "nginx"},
          "fn": {}
        },
        "module": {
          "variables": {
            "resources": {}, "name": {}, "namespace": {}, "limits": {}, "image": {}, "fn": {},
            "unset": {"default": {}}, "token": {"sensitive": true}
          },
          "module_calls": {
            "inner": {
              "source": "./inner",
              "count_expression": {"constant_value": 2},
              "expressions": {"r": {"references": ["var.resources.requests", "var.resources"]}, "i": {"references": ["count.index"]}},
              "module": {"variables": {"r": {}, "i": {}}}
            }
          }
        }
      },
      "fromlocal": {
        "source": "./agent",
        "for_each_expression": {"references": ["local.agents"]},
        "expressions": {"resources": {"references": ["each.value.resources", "each.value"]}},
        "module": {"variables": {"resources": {}}}
      }
    }
  }
}`

func TestKnownAtPlan(t *testing.T) {
	cfg := &config{data: []byte(refsConfig)}
	if err := cfg.index(); err != nil {
		t.Fatal(err)
	}
	resource := func(name string) *resourceConfig {
		r, found, err := cfg.lookup("", "kubernetes_pod_v1", name, &cfgTape{})
		if err != nil || !found {
			t.Fatalf("no resource %s: %v", name, err)
		}
		return &r
	}
	for _, c := range []struct {
		name   string
		module string
		res    *resourceConfig
		refs   []string
		want   planTime
	}{
		{"root variable", "", nil, []string{"var.agents"}, planTime{known: true}},
		{"root variable, attribute", "", nil, []string{`var.agents["x"].resources`, "var.agents"}, planTime{known: true}},
		{"sensitive root variable", "", nil, []string{"var.secret_limits"}, planTime{known: true, sensitive: true}},
		{"undeclared variable", "", nil, []string{"var.nope"}, planTime{}},
		{"resource attribute", "", nil, []string{"kubernetes_namespace_v1.x.metadata"}, planTime{}},
		{"local", "", nil, []string{"local.x"}, planTime{}},
		{"data source", "", nil, []string{"data.aws_eks_cluster.c.version"}, planTime{}},
		{"module output", "", nil, []string{"module.agent.name"}, planTime{}},
		{"path and workspace", "", nil, []string{"path.module", "terraform.workspace"}, planTime{known: true}},
		{"one unknown reference among known ones", "", nil, []string{"var.agents", "local.x"}, planTime{}},
		{"no references", "", nil, nil, planTime{}},
		{"each.value without for_each", "", nil, []string{"each.value"}, planTime{}},
		{"resource for_each over a variable", "", resource("each"), []string{"each.value.x", "each.value"}, planTime{known: true}},
		{"resource for_each over a resource", "", resource("fromres"), []string{"each.value"}, planTime{}},
		{"resource for_each: each.key is known", "", resource("fromres"), []string{"each.key"}, planTime{known: true}},
		{"module: each.value through for_each over a variable", `module.agent["a"]`, nil, []string{"var.resources.requests", "var.resources"}, planTime{known: true}},
		{"module: each.key", `module.agent["a"]`, nil, []string{"var.name"}, planTime{known: true}},
		{"module: argument from a resource", `module.agent["a"]`, nil, []string{"var.namespace"}, planTime{}},
		{"module: argument from a sensitive variable", `module.agent["a"]`, nil, []string{"var.limits"}, planTime{known: true, sensitive: true}},
		{"module: constant argument", `module.agent["a"]`, nil, []string{"var.image"}, planTime{known: true}},
		{"module: argument neither constant nor referencing", `module.agent["a"]`, nil, []string{"var.fn"}, planTime{}},
		{"module: default", `module.agent["a"]`, nil, []string{"var.unset"}, planTime{known: true}},
		{"module: sensitive default", `module.agent["a"]`, nil, []string{"var.token"}, planTime{known: true, sensitive: true}},
		{"nested count module", `module.agent["a"].module.inner[1]`, nil, []string{"var.r", "var.i"}, planTime{known: true}},
		{"module for_each over a local", `module.fromlocal["a"]`, nil, []string{"var.resources"}, planTime{}},
		{"module not in the configuration", `module.gone`, nil, []string{"var.x"}, planTime{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := resourceScope(cfg, c.module, c.res).knownAtPlan(c.refs)
			if got != c.want {
				t.Errorf("%v in %q: %+v, want %+v", c.refs, c.module, got, c.want)
			}
		})
	}
	if resourceScope(nil, "", nil) != nil {
		t.Error("no configuration, no scope")
	}
}

func TestSplitRef(t *testing.T) {
	for ref, want := range map[string][2]string{
		"var.x.y":           {"var", "x.y"},
		`each.value["a"]`:   {"each", `value["a"]`},
		`value["a"]`:        {"value", `["a"]`},
		"count.index":       {"count", "index"},
		"local":             {"local", ""},
		"kubernetes_x.y[0]": {"kubernetes_x", "y[0]"},
	} {
		if h, r := splitRef(ref); h != want[0] || r != want[1] {
			t.Errorf("splitRef(%q) = %q, %q", ref, h, r)
		}
	}
}
