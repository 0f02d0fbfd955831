package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/objtest"
)

// restrictedPod is hardened with one change (indented as a pod spec's fields).
func restrictedPod(change func(string) string) string { return pod(change(hardened)) }

func same(s string) string { return s }

// objtestTyped builds an object as the kubernetes provider's typed resources give it.
func objtestTyped(t *testing.T, origin, doc string) *object.Object {
	t.Helper()
	o := objtest.FromYAML(t, origin, doc)
	o.Dialect = object.Typed
	object.ApplyProviderDefaults(o) // as the pipeline does for typed resources
	return o
}

func TestEPS032(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "hardened", doc: restrictedPod(same), notAnything: []string{"EPS032"}},
		{name: "unsafe sysctl", doc: restrictedPod(func(s string) string {
			return strings.Replace(s, "    runAsUser: 10001\n", "    runAsUser: 10001\n    sysctls: [{name: kernel.msgmax, value: \"65536\"}]\n", 1)
		}), fail: []string{"EPS032"}},
		{name: "safe sysctl", doc: restrictedPod(func(s string) string {
			return strings.Replace(s, "    runAsUser: 10001\n", "    runAsUser: 10001\n    sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: \"0\"}]\n", 1)
		}), notAnything: []string{"EPS032"}},
		{name: "unmasked proc", doc: restrictedPod(func(s string) string {
			return strings.Replace(s, "      readOnlyRootFilesystem: true\n", "      readOnlyRootFilesystem: true\n      procMount: Unmasked\n", 1)
		}), fail: []string{"EPS032@app"}},
		{name: "selinux type", doc: restrictedPod(func(s string) string {
			return strings.Replace(s, "      readOnlyRootFilesystem: true\n", "      readOnlyRootFilesystem: true\n      seLinuxOptions: {type: spc_t}\n", 1)
		}), fail: []string{"EPS032@app"}},
		{name: "lower-case all", doc: restrictedPod(func(s string) string {
			return strings.Replace(s, "capabilities: {drop: [ALL]}", "capabilities: {drop: [all]}", 1)
		}), fail: []string{"EPS032@app"}, notFail: []string{"EPS013"}},
		{name: "probe host", doc: restrictedPod(func(s string) string {
			return strings.Replace(s, "    image: nginx:1.25\n", "    image: nginx:1.25\n    livenessProbe: {httpGet: {host: 169.254.169.254, path: /, port: 80}}\n", 1)
		}), fail: []string{"EPS032@app"}},
		{name: "sysctls unknown", doc: restrictedPod(func(s string) string {
			return strings.Replace(s, "    runAsUser: 10001\n", "    runAsUser: 10001\n    sysctls: \"(unknown)\"\n", 1)
		}), unknown: []string{"EPS032"}, notFail: []string{"EPS032"}},
		{name: "privileged is EPS001's", doc: pod(`
  containers:
  - {name: app, image: nginx:1.25, securityContext: {privileged: true}}
`), fail: []string{"EPS001@app"}, notAnything: []string{"EPS032"}},
		{name: "AppArmor unconfined is EPS017's", doc: `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
  annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}
spec:` + hardened, fail: []string{"EPS017@app"}, notAnything: []string{"EPS032"}},
		{name: "a rule turned off covers its controls", opts: Options{Overrides: map[string]RuleOverride{"EPS016": {Disabled: true}}},
			doc: restrictedPod(func(s string) string {
				return strings.Replace(s, "    seccompProfile: {type: RuntimeDefault}\n", "", 1)
			}),
			notAnything: []string{"EPS032", "EPS016"}},
		{name: "a capability the settings allow, baseline does not", opts: Options{AllowedCapabilities: []string{"NET_BIND_SERVICE", "SYS_ADMIN"}},
			doc: restrictedPod(func(s string) string {
				return strings.Replace(s, "capabilities: {drop: [ALL]}", "capabilities: {drop: [ALL], add: [SYS_ADMIN]}", 1)
			}), fail: []string{"EPS032@app"}, notFail: []string{"EPS012"}},
	})
	// The kubernetes provider sends runAsNonRoot: false for a container security_context
	// that does not set it, overriding the pod's true: PSA restricted refuses the pod.
	fs := judge(t, Options{}, map[string]string{"kubernetes_deployment_v1.x": restrictedPod(func(s string) string {
		return strings.Replace(s, "      readOnlyRootFilesystem: true\n", "      readOnlyRootFilesystem: true\n      runAsNonRoot: \"(default)false\"\n", 1)
	})})
	if !has(fs, finding.Fail, "EPS032@app") || has(fs, finding.Fail, "EPS003") {
		t.Errorf("provider's runAsNonRoot false: %s", ids(fs))
	}
	for _, f := range fs {
		if f.RuleID == "EPS032" && (f.K8sPath != "spec.containers[0].securityContext.runAsNonRoot" || !strings.Contains(f.Message, "the test's provider sends it by default, and a container's false overrides the pod's true")) {
			t.Errorf("%+v", f)
		}
	}
	// unknown fields are reported once, naming the controls
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  securityContext: "(unknown)"
  containers:
  - {name: app, image: nginx:1.25, securityContext: {privileged: "(unknown)"}}
`)})
	n := 0
	for _, f := range fs {
		if f.RuleID == "EPS032" {
			n++
			if f.Status != finding.Unknown || !strings.Contains(f.Message, "controls seLinuxOptions, sysctls and windowsHostProcess") {
				t.Errorf("%+v", f)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d EPS032 findings, want one unknown: %s", n, ids(fs))
	}
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.x": restrictedPod(func(s string) string {
		return strings.Replace(s, "capabilities: {drop: [ALL]}", "capabilities: {drop: [all]}", 1)
	})})
	for _, f := range fs {
		if f.RuleID == "EPS032" && (f.Severity != finding.Low || !strings.Contains(f.Message, "restricted control capabilities_restricted (unrestricted capabilities") ||
			f.K8sPath != "spec.containers[0].securityContext.capabilities") {
			t.Errorf("lower-case all: %+v", f)
		}
	}
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.x": restrictedPod(func(s string) string {
		return strings.Replace(s, "    runAsUser: 10001\n", "    runAsUser: 10001\n    sysctls: [{name: kernel.msgmax, value: \"65536\"}]\n", 1)
	})})
	for _, f := range fs {
		if f.RuleID == "EPS032" && (f.Severity != finding.High || f.Container != "" || f.K8sPath != "spec.securityContext.sysctls" || !strings.Contains(f.Message, "baseline control sysctls (forbidden sysctls (kernel.msgmax))")) {
			t.Errorf("sysctl: %+v", f)
		}
	}
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.x": restrictedPod(func(s string) string {
		return strings.Replace(s, "    runAsUser: 10001\n", "    runAsUser: 10001\n    sysctls: [{name: \"(sensitive)kernel.secretname\", value: \"1\"}]\n", 1)
	})})
	for _, f := range fs {
		if strings.Contains(f.Message, "kernel.secretname") {
			t.Errorf("a sensitive sysctl name is printed: %q", f.Message)
		}
	}
}

// TestEPS032ProviderRunAsNonRoot: a typed resource's container security_context without
// run_as_non_root is sent with runAsNonRoot: false (the plan shows null); PSA restricted
// refuses the pod, checked against kube-apiserver v1.37.2.
func TestEPS032ProviderRunAsNonRoot(t *testing.T) {
	doc := restrictedPod(same)
	o := objtestTyped(t, "kubernetes_pod_v1.x", doc)
	fs := judgeObjects(t, Options{}, Facts{}, o)
	if !has(fs, finding.Fail, "EPS032@app") {
		t.Fatalf("typed: %s", ids(fs))
	}
	for _, f := range fs {
		if f.RuleID == "EPS032" && (f.K8sPath != "spec.containers[0].securityContext.runAsNonRoot" || f.Severity != finding.Low || !strings.Contains(f.Message, "the kubernetes provider sends false whenever a container's security_context block is present")) {
			t.Errorf("%+v", f)
		}
	}
	// the same object as a manifest sends nothing
	if fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": doc}); has(fs, finding.Fail, "EPS032") {
		t.Errorf("manifest: %s", ids(fs))
	}
	// and run_as_non_root = true on the container passes
	o = objtestTyped(t, "kubernetes_pod_v1.x", pod(strings.Replace(hardened, "      allowPrivilegeEscalation: false\n", "      allowPrivilegeEscalation: false\n      runAsNonRoot: true\n", 1)))
	if fs := judgeObjects(t, Options{}, Facts{}, o); has(fs, finding.Fail, "EPS032") {
		t.Errorf("container runAsNonRoot true: %s", ids(fs))
	}
}
