package rules

import (
	"testing"
)

func TestParseImage(t *testing.T) {
	for in, want := range map[string]imageRef{
		"nginx":                            {Name: "nginx"},
		"nginx:latest":                     {Name: "nginx", Tag: "latest"},
		"registry.local:5000/tools/jq":     {Name: "registry.local:5000/tools/jq"},
		"registry.local:5000/tools/jq:1.7": {Name: "registry.local:5000/tools/jq", Tag: "1.7"},
		"busybox:1.36.1@sha256:abc":        {Name: "busybox", Tag: "1.36.1", Digest: "sha256:abc"},
		"ghcr.io/org/app@sha256:0123":      {Name: "ghcr.io/org/app", Digest: "sha256:0123"},
		"":                                 {},
		"localhost:5000/a:b:c":             {Name: "localhost:5000/a:b", Tag: "c"},
	} {
		if got := parseImage(in); got != want {
			t.Errorf("parseImage(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestEPS029(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "tags", doc: pod(`
  initContainers:
  - {name: jq, image: "registry.local:5000/tools/jq"}
  - {name: config, image: "busybox:1.36.1"}
  containers:
  - {name: web, image: "nginx:latest"}
  - {name: sidecar, image: nginx}
  - {name: exporter, image: "quay.io/prometheus/node-exporter@sha256:0123456789abcdef"}
  - {name: pinned-latest, image: "nginx:latest@sha256:0123456789abcdef"}
  - {name: upper, image: "nginx:LATEST"}
`), fail: []string{"EPS029@jq", "EPS029@web", "EPS029@sidecar"},
			notAnything: []string{"EPS029@config", "EPS029@exporter", "EPS029@pinned-latest", "EPS029@upper"}},
		{name: "unknown image", doc: pod(`
  containers:
  - {name: app, image: "(unknown)"}
`), unknown: []string{"EPS029@app"}, notFail: []string{"EPS029"}},
		{name: "sensitive image is judged, never shown", doc: pod(`
  containers:
  - {name: app, image: "(sensitive)private.example/app:latest"}
`), fail: []string{"EPS029@app"}},
	})
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers:
  - {name: app, image: "(sensitive)private.example/app:latest"}
`)})
	for _, f := range fs {
		if f.RuleID == "EPS029" && (containsAny(f.Message, "private.example") || !containsAny(f.Message, Redacted)) {
			t.Errorf("a sensitive image is printed: %q", f.Message)
		}
	}
}
