package rules

import (
	"strings"
	"testing"
)

func TestEPS031(t *testing.T) {
	doc := pod(`
  containers:
  - name: app
    image: nginx
    env:
    - name: DATABASE_PASSWORD
      valueFrom: {secretKeyRef: {name: db-credentials, key: password}}
    - name: LOG_LEVEL
      valueFrom: {configMapKeyRef: {name: settings, key: level}}
    - {name: PLAIN, value: x}
    envFrom:
    - secretRef: {name: payments-api-keys}
    - configMapRef: {name: settings}
  - name: reader
    image: nginx
    volumeMounts: [{name: creds, mountPath: /run/creds, readOnly: true}]
  volumes:
  - name: creds
    secret: {secretName: db-credentials}
`)
	runCases(t, []ruleCase{
		{name: "env and envFrom", doc: doc, fail: []string{"EPS031@app"}, notAnything: []string{"EPS031@reader"}},
		{name: "unknown sources", doc: pod(`
  containers:
  - name: app
    image: nginx
    env: "(unknown)"
  - name: other
    image: nginx
    env:
    - {name: FROM_UNKNOWN, valueFrom: "(unknown)"}
    - {name: VALUE_UNKNOWN, value: "(unknown)"}
`), unknown: []string{"EPS031@app", "EPS031@other"}, notFail: []string{"EPS031"}},
	})
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": doc})
	var msgs []string
	for _, f := range fs {
		if f.RuleID == "EPS031" {
			msgs = append(msgs, f.K8sPath+": "+f.Message)
		}
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{
		"spec.containers[0].env[0].valueFrom.secretKeyRef: The container app reads key password of Secret db-credentials into environment variable DATABASE_PASSWORD.",
		"spec.containers[0].envFrom[0].secretRef: The container app reads every key of Secret payments-api-keys into its environment.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in\n%s", want, got)
		}
	}
	if len(msgs) != 2 {
		t.Errorf("one finding per Secret reference, none for ConfigMaps:\n%s", got)
	}
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers:
  - name: app
    image: nginx
    env:
    - name: "(sensitive)TOKEN_NAME"
      valueFrom: {secretKeyRef: {name: "(sensitive)vault-token", key: "(sensitive)token"}}
`)})
	for _, f := range fs {
		if f.RuleID == "EPS031" && containsAny(f.Message, "TOKEN_NAME", "vault-token", "token of") {
			t.Errorf("sensitive names printed: %q", f.Message)
		}
	}
}
