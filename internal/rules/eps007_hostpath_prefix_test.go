package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

func TestEPS007(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS007 allowed prefix matches whole segments",
			opts: Options{AllowedHostPaths: []profile.HostPath{{PathPrefix: "/var/log", ReadOnly: true}}},
			doc: pod(`
  containers:
  - name: app
    image: fluent-bit
    volumeMounts:
    - {name: logs, mountPath: /logs, readOnly: true}
    - {name: fool, mountPath: /fool, readOnly: true}
    - {name: climb, mountPath: /climb, readOnly: true}
  volumes:
  - {name: logs, hostPath: {path: /var/log/pods}}
  - {name: fool, hostPath: {path: /var/logs}}
  - {name: climb, hostPath: {path: /var/log/../../etc}}
`), fail: []string{"EPS005", "EPS007"}, notFail: []string{"EPS006"}},
	})
}
