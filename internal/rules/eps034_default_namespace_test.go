package rules

import (
	"testing"
)

func TestEPS034(t *testing.T) {
	on := Options{Overrides: map[string]RuleOverride{"EPS034": {Enabled: true}}}
	runCases(t, []ruleCase{
		{name: "off by default", doc: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x:1}]\n", notAnything: []string{"EPS034"}},
		{name: "left out", opts: on, doc: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x:1}]\n", fail: []string{"EPS034"}},
		{name: "written", opts: on, doc: "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n  containers: [{name: a, image: x:1}]\n", fail: []string{"EPS034"}},
		{name: "own namespace", opts: on, doc: pod("  containers: [{name: a, image: x:1}]\n"), notAnything: []string{"EPS034"}},
		{name: "unknown", opts: on, doc: "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: \"(unknown)\"}\nspec:\n  containers: [{name: a, image: x:1}]\n", unknown: []string{"EPS034"}, notFail: []string{"EPS034"}},
	})
}
