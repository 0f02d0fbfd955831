package rules

import (
	"testing"
)

func TestEPS017(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS017 apparmor unconfined annotation and field",
			doc: `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/ann: unconfined
spec:
  containers:
  - {name: ann, image: nginx}
  - {name: field, image: nginx, securityContext: {appArmorProfile: {type: Unconfined}}}
  - {name: ok, image: nginx}
`, fail: []string{"EPS017@ann", "EPS017@field"}, notFail: []string{"EPS017@ok"}},
	})
}
