package rules

import (
	"testing"
)

func TestEPS012(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS012 added capabilities; NET_BIND_SERVICE allowed by default",
			doc: pod(`
  containers:
  - {name: admin, image: nginx, securityContext: {capabilities: {add: [SYS_ADMIN]}}}
  - {name: all, image: nginx, securityContext: {capabilities: {add: [ALL]}}}
  - {name: bind, image: nginx, securityContext: {capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}}}
`), fail: []string{"EPS012@admin", "EPS012@all", "EPS013@admin"}, notFail: []string{"EPS012@bind", "EPS013@bind"}},
		{name: "EPS012 allowed capability option",
			opts: Options{AllowedCapabilities: []string{"NET_ADMIN"}},
			doc: pod(`
  containers:
  - {name: net, image: nginx, securityContext: {capabilities: {add: [NET_ADMIN]}}}
  - {name: bind, image: nginx, securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}
`), fail: []string{"EPS012@bind"}, notFail: []string{"EPS012@net"}},
	})
}
