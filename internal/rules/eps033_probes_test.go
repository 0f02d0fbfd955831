package rules

import (
	"testing"
)

func TestEPS033(t *testing.T) {
	on := Options{Overrides: map[string]RuleOverride{"EPS033": {Enabled: true}}}
	runCases(t, []ruleCase{
		{name: "off by default", doc: pod(`
  containers: [{name: app, image: x:1}]
`), notAnything: []string{"EPS033"}},
		{name: "probes", opts: on, doc: pod(`
  initContainers: [{name: init, image: x:1}]
  containers:
  - {name: none, image: x:1}
  - {name: live-only, image: x:1, livenessProbe: {httpGet: {path: /healthz, port: 8080}}}
  - name: both
    image: x:1
    livenessProbe: {tcpSocket: {port: 8080}}
    readinessProbe: {exec: {command: [/bin/true]}}
  - {name: unknown, image: x:1, livenessProbe: {grpc: {port: 9000}}, readinessProbe: "(unknown)"}
`), fail: []string{"EPS033@none", "EPS033@live-only"}, unknown: []string{"EPS033@unknown"},
			notAnything: []string{"EPS033@both", "EPS033@init"}},
		{name: "jobs are exempt", opts: on, doc: `apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: apps}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: run, image: x:1}]
`, notAnything: []string{"EPS033"}},
	})
}
