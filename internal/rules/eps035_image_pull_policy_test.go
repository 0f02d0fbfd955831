package rules

import (
	"testing"
)

func TestEPS035(t *testing.T) {
	on := Options{Overrides: map[string]RuleOverride{"EPS035": {Enabled: true}}}
	doc := pod(`
  containers:
  - {name: always, image: "x:1", imagePullPolicy: Always}
  - {name: written, image: "x:1", imagePullPolicy: IfNotPresent}
  - {name: tagged, image: "x:1"}
  - {name: digest, image: "x@sha256:abc"}
  - {name: latest, image: "x:latest"}
  - {name: untagged, image: "registry:5000/x"}
  - {name: unknown, image: "x:1", imagePullPolicy: "(unknown)"}
`)
	runCases(t, []ruleCase{
		{name: "off by default", doc: doc, notAnything: []string{"EPS035"}},
		{name: "policies", opts: on, doc: doc, fail: []string{"EPS035@written", "EPS035@tagged", "EPS035@digest"},
			unknown: []string{"EPS035@unknown"}, notAnything: []string{"EPS035@always", "EPS035@latest", "EPS035@untagged"}},
	})
}
