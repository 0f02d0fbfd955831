package advise

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestFixturePlans: every fixture plan is advised, deterministically, in every format.
func TestFixturePlans(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "plans", "*.json"))
	if err != nil || len(files) < 40 {
		t.Fatalf("fixture plans: %v (%d)", err, len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			for _, kv := range []string{"", "1.31", "1.24"} {
				var outs [2][]byte
				for i := range outs {
					a := mustAdvise(t, planInput(t, name), Options{KubernetesVersion: kv})
					var b bytes.Buffer
					for _, w := range []func(*bytes.Buffer, *Advice) error{
						func(b *bytes.Buffer, a *Advice) error { return WriteHCL(b, a) },
						func(b *bytes.Buffer, a *Advice) error { return WriteYAML(b, a) },
						func(b *bytes.Buffer, a *Advice) error { return WriteJSON(b, a) },
						func(b *bytes.Buffer, a *Advice) error { return WriteReport(b, a) },
					} {
						if err := w(&b, a); err != nil {
							t.Fatalf("version %q: %v", kv, err)
						}
					}
					outs[i] = b.Bytes()
				}
				if !bytes.Equal(outs[0], outs[1]) {
					t.Errorf("version %q: two runs differ", kv)
				}
			}
		})
	}
}

// TestCompliantNamespaceIsRestricted: a namespace whose workloads all pass restricted is
// advised restricted, by Pod Security Admission alone.
func TestCompliantNamespaceIsRestricted(t *testing.T) {
	// In the other compliant fixtures, typed containers have a security_context block that
	// does not write run_as_non_root: the provider sends runAsNonRoot: false, which
	// overrides the pod's true, and Pod Security Admission's restricted level refuses them.
	for _, plan := range []string{"pod_v1_compliant.json", "stateful_set_v1_compliant.json",
		"job_v1_compliant.json", "cron_job_v1_compliant.json", "namespace_policy_compliant.json"} {
		a := mustAdvise(t, planInput(t, plan), Options{KubernetesVersion: "1.31"})
		for _, n := range a.Namespaces {
			if n.Name == "kube-system" {
				continue
			}
			if n.Level != Baseline {
				t.Errorf("%s: namespace %s: level %s, want baseline (the provider sends runAsNonRoot: false)", plan, n.Name, n.Level)
			}
			for _, w := range n.Workloads {
				if b, _ := json.Marshal(w.Forbidden["restricted"]); w.Level == Baseline && !strings.Contains(string(b), "runAsNonRoot") {
					t.Errorf("%s: %s is baseline for %s, not runAsNonRoot", plan, w.Name, b)
				}
			}
		}
	}
	for _, plan := range []string{"deployment_v1_compliant.json"} {
		a := mustAdvise(t, planInput(t, plan), Options{KubernetesVersion: "1.31"})
		if len(a.Namespaces) == 0 {
			t.Fatalf("%s: no namespace advised", plan)
		}
		for _, n := range a.Namespaces {
			if n.Name == "kube-system" {
				continue
			}
			if n.Level != Restricted || n.Labels == nil || n.Labels.Enforce != Restricted || n.Labels.Version != "v1.31" {
				t.Errorf("%s: namespace %s: level %s, labels %+v", plan, n.Name, n.Level, n.Labels)
			}
			if n.Rest != nil || len(n.ServiceAccounts) > 0 {
				t.Errorf("%s: namespace %s: a restricted namespace needs no policy", plan, n.Name)
			}
			if n.Labels.Labels["pod-security.kubernetes.io/enforce"] != "restricted" || n.Labels.Labels["pod-security.kubernetes.io/enforce-version"] != "v1.31" {
				t.Errorf("%s: labels %v", plan, n.Labels.Labels)
			}
		}
	}
	// and a namespace with one workload that is not restricted is not
	a := mustAdvise(t, planInput(t, "deployment_v1_violating.json"), Options{})
	for _, n := range a.Namespaces {
		if n.Level == Restricted {
			t.Errorf("deployment_v1_violating: namespace %s advised restricted", n.Name)
		}
	}
}

// TestDaemonSetFixture: the node agent gets exactly the host paths (read-only where every
// mount is) and host namespaces it uses, under a service account of its own.
func TestDaemonSetFixture(t *testing.T) {
	a := mustAdvise(t, planInput(t, "daemon_set_v1_violating.json"), Options{KubernetesVersion: "1.31"})
	n := namespaceOf(t, a, "kube-system")
	if n.Level != Privileged {
		t.Errorf("level %s", n.Level)
	}
	if len(n.ServiceAccounts) != 1 {
		t.Fatalf("groups: %+v", n.ServiceAccounts)
	}
	g := n.ServiceAccounts[0]
	if g.ServiceAccount != "node-agent" || !g.Create {
		t.Errorf("the agent runs as default: want a service account of its own, got %q create=%v", g.ServiceAccount, g.Create)
	}
	var paths []string
	for _, hp := range g.Exceptions.HostPaths {
		mode := "rw"
		if hp.ReadOnly {
			mode = "ro"
		}
		paths = append(paths, hp.PathPrefix+" "+mode)
	}
	want := []string{"/proc rw", "/var/lib/docker/containers ro", "/var/log ro", "/var/run/docker.sock rw"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("host paths %v, want %v", paths, want)
	}
	var nss []string
	for _, h := range g.Exceptions.HostNamespaces {
		nss = append(nss, h.Value)
	}
	if !reflect.DeepEqual(nss, []string{"hostNetwork", "hostPID"}) {
		t.Errorf("host namespaces %v", nss)
	}
	if len(g.Exceptions.Privileged) != 1 || len(g.Exceptions.Capabilities) != 0 || len(g.Exceptions.HostPorts) != 0 {
		t.Errorf("exceptions %+v", g.Exceptions)
	}
	if g.Policy == nil {
		t.Fatal("no policy")
	}
	for _, s := range a.ServiceAccounts {
		if s.Name == "default" {
			t.Errorf("default is granted something: %+v", s)
		}
	}
	// The policy admits the agent (as its new service account) and refuses one thing more.
	for id, obj := range workloadPods(t, n) {
		if got := admit(t, a, n, obj); len(got) > 0 {
			t.Errorf("%s refused by %v", id, got)
		}
	}
	agent := func(extra string) map[string]any {
		return podObject(t, "kube-system", `
serviceAccountName: node-agent
hostNetwork: true
hostPID: true
containers:
- name: agent
  image: example/node-agent:2.0
  securityContext: {privileged: true}
  resources: {requests: {cpu: 100m, memory: 200Mi}}
  volumeMounts:
  - {name: varlog, mountPath: /var/log, readOnly: true}
  - {name: proc, mountPath: /host/proc}
`+extra+`
volumes:
- {name: varlog, hostPath: {path: /var/log}}
- {name: proc, hostPath: {path: /proc}}
`)
	}
	if got := admit(t, a, n, agent("")); len(got) > 0 {
		t.Errorf("the agent's own shape is refused: %v", got)
	}
	more := agent("")
	spec := more["spec"].(map[string]any)
	spec["volumes"] = append(spec["volumes"].([]any), map[string]any{"name": "etc", "hostPath": map[string]any{"path": "/etc"}})
	if got := admit(t, a, n, more); !slices.Contains(got, "EPS007") {
		t.Errorf("another host path: refused by %v, want EPS007", got)
	}
	ipc := agent("")
	ipc["spec"].(map[string]any)["hostIPC"] = true
	if got := admit(t, a, n, ipc); !slices.Contains(got, "EPS010") {
		t.Errorf("hostIPC: refused by %v, want EPS010", got)
	}
	rw := agent("")
	mounts := rw["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["volumeMounts"].([]any)
	mounts[0].(map[string]any)["readOnly"] = false
	if got := admit(t, a, n, rw); !slices.Contains(got, "EPS006") {
		t.Errorf("/var/log written: refused by %v, want EPS006", got)
	}
	// As the default service account, the agent gets nothing: no policy selects it in
	// kube-system (the input does not describe the rest of it), so nothing was granted
	// to default either.
	if n.Rest == nil || n.Rest.Policy != nil || n.Labels != nil {
		t.Errorf("kube-system from a plan: the rest of it gets no labels and no policy: %+v", n.Rest)
	}
}

// TestDefaultServiceAccountNeverGranted: a workload that runs as default and needs more is
// advised its own service account; as default, the policy of the other pods refuses it.
func TestDefaultServiceAccountNeverGranted(t *testing.T) {
	in := yamlInput(t, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: log-reader, namespace: web}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: reader
        image: reader:1
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        resources: {requests: {cpu: 10m, memory: 10Mi}, limits: {cpu: 10m, memory: 10Mi}}
        volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}]
      volumes: [{name: logs, hostPath: {path: /var/log/pods}}]
`, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: web}
spec:
  template:
    spec:
      serviceAccountName: api
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: api
        image: api:1
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        resources: {requests: {cpu: 10m, memory: 10Mi}, limits: {cpu: 10m, memory: 10Mi}}
`)
	a := mustAdvise(t, in, Options{KubernetesVersion: "1.31"})
	n := namespaceOf(t, a, "web")
	if n.Level != Privileged {
		t.Fatalf("level %s", n.Level)
	}
	if len(n.ServiceAccounts) != 1 || n.ServiceAccounts[0].ServiceAccount != "log-reader" || !n.ServiceAccounts[0].Create {
		t.Fatalf("groups %+v", n.ServiceAccounts)
	}
	g := n.ServiceAccounts[0]
	if len(g.Exceptions.HostPaths) != 1 || g.Exceptions.HostPaths[0].PathPrefix != "/var/log/pods" || !g.Exceptions.HostPaths[0].ReadOnly {
		t.Errorf("host paths %+v", g.Exceptions.HostPaths)
	}
	if len(g.Relaxed) != 0 {
		t.Errorf("nothing else needs relaxing: %+v", g.Relaxed)
	}
	if n.Rest == nil || n.Rest.Policy == nil || !reflect.DeepEqual(n.Rest.Except, []string{"log-reader"}) {
		t.Fatalf("rest %+v", n.Rest)
	}
	for id, obj := range workloadPods(t, n) {
		if got := admit(t, a, n, obj); len(got) > 0 {
			t.Errorf("%s refused by %v", id, got)
		}
	}
	reader := func(sa string) map[string]any {
		return podObject(t, "web", `
serviceAccountName: `+sa+`
securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
containers:
- name: reader
  image: reader:1
  securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
  resources: {requests: {cpu: 10m, memory: 10Mi}, limits: {cpu: 10m, memory: 10Mi}}
  volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}]
volumes: [{name: logs, hostPath: {path: /var/log/pods}}]
`)
	}
	if got := admit(t, a, n, reader("log-reader")); len(got) > 0 {
		t.Errorf("as log-reader: refused by %v", got)
	}
	for _, sa := range []string{"default", "api"} {
		if got := admit(t, a, n, reader(sa)); !slices.Contains(got, "EPS005") {
			t.Errorf("as %s: refused by %v, want EPS005 (no hostPath for the others)", sa, got)
		}
	}
	var buf bytes.Buffer
	if err := WriteHCL(&buf, a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `kind       = "ServiceAccount"`) || !strings.Contains(buf.String(), `name      = "log-reader"`) {
		t.Errorf("the HCL does not create the service account:\n%s", buf.String())
	}
}

// TestExceptionsPerServiceAccount: capabilities, host ports and host namespaces are
// granted to the service account that needs them, and one more is refused naming the rule.
func TestExceptionsPerServiceAccount(t *testing.T) {
	in := yamlInput(t, `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: proxy, namespace: edge}
spec:
  template:
    spec:
      serviceAccountName: proxy
      hostNetwork: true
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: envoy
        image: envoy:1
        ports: [{containerPort: 8443}]
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_ADMIN, NET_BIND_SERVICE]}}
        resources: {requests: {cpu: 10m, memory: 10Mi}, limits: {cpu: 10m, memory: 10Mi}}
`)
	a := mustAdvise(t, in, Options{KubernetesVersion: "1.31", WarnLevel: true})
	n := namespaceOf(t, a, "edge")
	if n.Labels == nil || n.Labels.Enforce != Privileged || n.Labels.Warn != Baseline || n.Labels.Audit != Baseline {
		t.Errorf("labels %+v (--warn-level: one level stricter)", n.Labels)
	}
	g := n.ServiceAccounts[0]
	if g.ServiceAccount != "proxy" || g.Create {
		t.Fatalf("group %+v", g)
	}
	if len(g.Exceptions.Capabilities) != 1 || g.Exceptions.Capabilities[0].Value != "NET_ADMIN" {
		t.Errorf("capabilities %+v", g.Exceptions.Capabilities)
	}
	// hostNetwork: the API server gives the port its containerPort as hostPort
	if len(g.Exceptions.HostPorts) != 1 || g.Exceptions.HostPorts[0].Port != 8443 {
		t.Errorf("host ports %+v", g.Exceptions.HostPorts)
	}
	if !reflect.DeepEqual(g.Policy.DataSource.AllowedCapabilities, []string{"NET_ADMIN", "NET_BIND_SERVICE"}) {
		t.Errorf("data source capabilities %v", g.Policy.DataSource.AllowedCapabilities)
	}
	for id, obj := range workloadPods(t, n) {
		if got := admit(t, a, n, obj); len(got) > 0 {
			t.Errorf("%s refused by %v", id, got)
		}
	}
	pod := func(mut func(spec, c map[string]any)) []string {
		obj := podObject(t, "edge", `
serviceAccountName: proxy
hostNetwork: true
securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
containers:
- name: envoy
  image: envoy:1
  ports: [{containerPort: 8443, hostPort: 8443}]
  securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_ADMIN]}}
  resources: {requests: {cpu: 10m, memory: 10Mi}, limits: {cpu: 10m, memory: 10Mi}}
`)
		spec := obj["spec"].(map[string]any)
		mut(spec, spec["containers"].([]any)[0].(map[string]any))
		return admit(t, a, n, obj)
	}
	if got := pod(func(_, _ map[string]any) {}); len(got) > 0 {
		t.Errorf("the proxy itself: %v", got)
	}
	if got := pod(func(_, c map[string]any) {
		c["securityContext"].(map[string]any)["capabilities"].(map[string]any)["add"] = []any{"NET_ADMIN", "SYS_ADMIN"}
	}); !slices.Contains(got, "EPS012") {
		t.Errorf("SYS_ADMIN more: %v, want EPS012", got)
	}
	if got := pod(func(_, c map[string]any) { c["securityContext"].(map[string]any)["privileged"] = true }); !slices.Contains(got, "EPS001") {
		t.Errorf("privileged: %v, want EPS001", got)
	}
	if got := pod(func(_, c map[string]any) {
		c["ports"] = []any{map[string]any{"containerPort": 8443, "hostPort": 8443}, map[string]any{"containerPort": 22, "hostPort": 22}}
	}); !slices.Contains(got, "EPS011") {
		t.Errorf("host port 22 more: %v, want EPS011", got)
	}
	if got := pod(func(s, _ map[string]any) { s["hostPID"] = true }); !slices.Contains(got, "EPS010") {
		t.Errorf("hostPID: %v, want EPS010", got)
	}
}

// TestHostPathPrefixes: the smallest prefix set, no wider than what is mounted.
func TestHostPathPrefixes(t *testing.T) {
	w := &Workload{Kind: "DaemonSet", Namespace: "n", Name: "w", Needs: Needs{HostPaths: []HostPathNeed{
		{Path: "/var/log", ReadOnly: true, Field: "a"},
		{Path: "/var/log/pods", ReadOnly: false, Field: "b"},
		{Path: "/var/log/containers", ReadOnly: true, Field: "c"},
		{Path: "/var/lib", ReadOnly: false, Field: "d"},
		{Path: "/var/lib/kubelet/pods", ReadOnly: true, Field: "e"},
		{Path: "/var/logs", ReadOnly: true, Field: "f"},
		{Path: "//etc/./ssl/", ReadOnly: true, Field: "g"},
		{Path: "/etc/ssl", ReadOnly: false, Field: "h"},
	}}}
	e := exceptionsOf([]*Workload{w})
	var got []string
	for _, hp := range e.HostPaths {
		got = append(got, hp.PathPrefix+":"+map[bool]string{true: "ro", false: "rw"}[hp.ReadOnly]+":"+itoa(len(hp.NeededBy)))
	}
	want := []string{"/etc/ssl:rw:2", "/var/lib:rw:2", "/var/log:ro:2", "/var/log/pods:rw:1", "/var/logs:ro:1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("prefixes %v, want %v", got, want)
	}
}

// TestNotDecidable: values unknown until apply leave the namespace's level undecided,
// with the fields that make it so, and nothing written for it.
func TestNotDecidable(t *testing.T) {
	a := mustAdvise(t, planInput(t, "unknown_values_violating.json"), Options{KubernetesVersion: "1.31"})
	n := namespaceOf(t, a, "apps")
	if n.Level != LevelUnknown || len(n.NotDecidable) == 0 || n.Labels != nil || n.Rest != nil {
		t.Fatalf("apps: %+v", n)
	}
	if !slices.ContainsFunc(n.NotDecidable, func(s string) bool { return strings.Contains(s, "securityContext.privileged is not known until apply") }) {
		t.Errorf("reasons %v", n.NotDecidable)
	}
	var hcl, yml bytes.Buffer
	if err := WriteHCL(&hcl, a); err != nil {
		t.Fatal(err)
	}
	if err := WriteYAML(&yml, a); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hcl.String(), `data "ekspodsec_pod_security_admission" "apps"`) || strings.Contains(yml.String(), "name: apps") {
		t.Errorf("an undecidable namespace got labels")
	}
	if !strings.Contains(hcl.String(), "# Namespace apps: nothing is written: its level is not decidable yet.") {
		t.Errorf("the HCL does not say why apps is missing:\n%s", hcl.String())
	}
	var rep bytes.Buffer
	if err := WriteReport(&rep, a); err != nil {
		t.Fatal(err)
	}
	if !hasLine(rep.String(), "not decidable yet", "apps/unknown-sec") {
		t.Errorf("report:\n%s", rep.String())
	}
	// a workload whose namespace is unknown makes every namespace undecidable
	b := mustAdvise(t, yamlInput(t, `
apiVersion: v1
kind: Pod
metadata: {name: pod-a, namespace: "(unknown)"}
spec: {containers: [{name: a, image: a}]}
`, `
apiVersion: v1
kind: Pod
metadata: {name: pod-b, namespace: web}
spec: {containers: [{name: a, image: a}]}
`), Options{})
	if n := namespaceOf(t, b, "web"); n.Level != LevelUnknown {
		t.Errorf("web: %s, want unknown (a pod of unknown namespace may run there)", n.Level)
	}
}

// TestSensitiveNeverPrinted: a sensitive host path is judged but never printed, and the
// namespace's advice is not written.
func TestSensitiveNeverPrinted(t *testing.T) {
	const secret = "/srv/s3cr3t-mount"
	a := mustAdvise(t, yamlInput(t, `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: web}
spec:
  serviceAccountName: reader
  containers: [{name: a, image: a, volumeMounts: [{name: v, mountPath: /v, readOnly: true}]}]
  volumes: [{name: v, hostPath: {path: "(sensitive)`+secret+`"}}]
`, `
apiVersion: v1
kind: Pod
metadata: {name: q, namespace: web}
spec:
  serviceAccountName: other
  containers:
  - name: "(sensitive)s3cr3t-name"
    image: a
    ports: [{containerPort: 31337, hostPort: "(sensitive)31337"}]
    securityContext: {privileged: true, capabilities: {add: ["(sensitive)SYS_S3CR3T"]}}
`), Options{KubernetesVersion: "1.31"})
	n := namespaceOf(t, a, "web")
	if len(n.NotWritable) == 0 || n.Labels != nil {
		t.Errorf("a sensitive host path: the advice must not be written: %+v", n)
	}
	for name, w := range map[string]func(*bytes.Buffer, *Advice) error{
		"hcl": func(b *bytes.Buffer, a *Advice) error { return WriteHCL(b, a) }, "yaml": func(b *bytes.Buffer, a *Advice) error { return WriteYAML(b, a) },
		"json": func(b *bytes.Buffer, a *Advice) error { return WriteJSON(b, a) }, "report": func(b *bytes.Buffer, a *Advice) error { return WriteReport(b, a) },
	} {
		var b bytes.Buffer
		if err := w(&b, a); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "s3cr3t") || strings.Contains(b.String(), "S3CR3T") || strings.Contains(b.String(), "31337") {
			t.Errorf("%s prints the sensitive value", name)
		}
	}
}

// TestPSPMigration: the fixture's PodSecurityPolicies are mapped to their levels, what
// they allow beyond, who their RBAC reaches, and the labels and policies that keep them.
func TestPSPMigration(t *testing.T) {
	a := mustAdvise(t, planInput(t, "augmented_psp_rbac.json"), Options{KubernetesVersion: "1.31"})
	if len(a.Migrations) != 2 {
		t.Fatalf("migrations %+v", a.Migrations)
	}
	byName := map[string]*Migration{}
	for _, m := range a.Migrations {
		byName[m.Name] = m
	}
	priv, restr := byName["eks.privileged"], byName["restricted"]
	if priv == nil || restr == nil {
		t.Fatalf("migrations %v", byName)
	}
	if priv.Level != Privileged || priv.Enforce != Privileged {
		t.Errorf("eks.privileged: %s/%s", priv.Level, priv.Enforce)
	}
	for _, b := range []string{"privileged containers", "hostNetwork", "hostPID", "hostIPC", "host ports 0-65535", "any host path, read-write", "every capability", "running as root", "unconfined seccomp"} {
		if !slices.Contains(priv.Beyond, b) {
			t.Errorf("eks.privileged: %q not in %v", b, priv.Beyond)
		}
	}
	if restr.Level != Restricted || restr.Enforce != Restricted || len(restr.Beyond) != 0 {
		t.Errorf("restricted: %s/%s beyond %v", restr.Level, restr.Enforce, restr.Beyond)
	}
	reach := func(m *Migration) []string {
		var out []string
		for _, r := range m.Reach {
			switch {
			case r.Everywhere:
				out = append(out, "*")
			default:
				out = append(out, r.Namespace+"/"+r.ServiceAccount)
			}
		}
		sort.Strings(out)
		return out
	}
	if got := reach(priv); !reflect.DeepEqual(got, []string{"*", "monitoring/node-agent"}) {
		t.Errorf("eks.privileged reaches %v", got)
	}
	if got := reach(restr); !reflect.DeepEqual(got, []string{"apps/app"}) {
		t.Errorf("restricted reaches %v", got)
	}
	if !slices.ContainsFunc(priv.Notes, func(s string) bool { return strings.Contains(s, "every service account of every namespace") }) {
		t.Errorf("the cluster-wide grant is not called out: %v", priv.Notes)
	}
	apps := namespaceOf(t, a, "apps")
	if apps.Migrated != "restricted" || apps.Labels == nil || apps.Labels.Enforce != Restricted {
		t.Errorf("apps: %+v", apps)
	}
	mon := namespaceOf(t, a, "monitoring")
	if mon.Labels == nil || mon.Labels.Enforce != Privileged {
		t.Fatalf("monitoring: %+v", mon.Labels)
	}
	if len(mon.ServiceAccounts) != 1 || mon.ServiceAccounts[0].ServiceAccount != "node-agent" || mon.ServiceAccounts[0].Policy != nil {
		t.Errorf("node-agent keeps eks.privileged: no policy can be stricter; got %+v", mon.ServiceAccounts)
	}
	if mon.Rest == nil || mon.Rest.Policy == nil || !reflect.DeepEqual(mon.Rest.Except, []string{"node-agent"}) {
		t.Fatalf("monitoring's other pods: %+v", mon.Rest)
	}
	// node-agent may run anything; any other pod of monitoring gets the restricted rules
	bad := podObject(t, "monitoring", `{serviceAccountName: other, containers: [{name: a, image: a, securityContext: {privileged: true}}]}`)
	if got := admit(t, a, mon, bad); !slices.Contains(got, "EPS001") {
		t.Errorf("a privileged pod of another service account: %v", got)
	}
	agent := podObject(t, "monitoring", `{serviceAccountName: node-agent, hostNetwork: true, containers: [{name: a, image: a, securityContext: {privileged: true}}]}`)
	if got := admit(t, a, mon, agent); len(got) > 0 {
		t.Errorf("node-agent as eks.privileged allowed it: %v", got)
	}
}

// TestLegacyPodSecurityPolicies: before 1.25 the exceptions become PodSecurityPolicies
// bound to exactly those service accounts.
func TestLegacyPodSecurityPolicies(t *testing.T) {
	a := mustAdvise(t, planInput(t, "daemon_set_v1_violating.json"), Options{KubernetesVersion: "1.24"})
	if a.Mechanism != MechanismPSP {
		t.Fatalf("mechanism %s", a.Mechanism)
	}
	n := namespaceOf(t, a, "kube-system")
	g := n.ServiceAccounts[0]
	if g.Legacy == nil || g.Legacy.Profile != Privileged || !reflect.DeepEqual(g.Legacy.ServiceAccounts, []string{"node-agent"}) {
		t.Fatalf("legacy %+v", g.Legacy)
	}
	maps, err := a.Manifests()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, m := range maps {
		kinds = append(kinds, m["kind"].(string))
	}
	if !reflect.DeepEqual(kinds, []string{"ServiceAccount", "PodSecurityPolicy", "ClusterRole", "RoleBinding"}) {
		t.Errorf("kinds %v", kinds)
	}
	rb := maps[3]
	subjects := rb["subjects"].([]any)
	if len(subjects) != 1 || subjects[0].(map[string]any)["name"] != "node-agent" {
		t.Errorf("binding subjects %v", subjects)
	}
	// a log reader that needs only a read-only host path keeps the restricted profile
	b := mustAdvise(t, yamlInput(t, `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: logs, namespace: obs}
spec:
  template:
    spec:
      serviceAccountName: logs
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - {name: a, image: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}, volumeMounts: [{name: v, mountPath: /v, readOnly: true}]}
      volumes: [{name: v, hostPath: {path: /var/log}}]
`), Options{KubernetesVersion: "1.23"})
	obs := namespaceOf(t, b, "obs")
	l := obs.ServiceAccounts[0].Legacy
	if l == nil || l.Profile != Restricted || len(l.AllowedHostPaths) != 1 || l.AllowedHostPaths[0].PathPrefix != "/var/log" || !l.AllowedHostPaths[0].ReadOnly {
		t.Errorf("legacy %+v", l)
	}
	if obs.Rest == nil || obs.Rest.Legacy == nil || obs.Rest.Legacy.Profile != Restricted || len(obs.Rest.Legacy.ServiceAccounts) != 0 {
		t.Errorf("the namespace's other service accounts: %+v", obs.Rest)
	}
}

// TestMechanismByVersion: 1.25 to 1.29 have no admissionregistration.k8s.io/v1 policies.
func TestMechanismByVersion(t *testing.T) {
	for v, want := range map[string]string{"1.24": MechanismPSP, "1.25": MechanismPSA, "1.29": MechanismPSA, "1.30": MechanismAdmission, "1.37": MechanismAdmission, "": MechanismAdmission} {
		a := mustAdvise(t, planInput(t, "daemon_set_v1_violating.json"), Options{KubernetesVersion: v})
		if a.Mechanism != want {
			t.Errorf("%q: %s, want %s", v, a.Mechanism, want)
		}
	}
	if _, err := Advise(t.Context(), &Input{}, Options{KubernetesVersion: "2.1"}); err == nil {
		t.Error("Kubernetes 2.1 accepted")
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

// TestServiceAccountGroupHoldsAllItsWorkloads: when one workload of a service account needs
// more, every workload of that service account is judged by (and admitted by) its policy.
func TestServiceAccountGroupHoldsAllItsWorkloads(t *testing.T) {
	compliant := `
apiVersion: apps/v1
kind: Deployment
metadata: {name: %s, namespace: ops}
spec:
  template:
    spec:
      serviceAccountName: ops
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: a
        image: a
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]%s}}
        resources: {requests: {cpu: 10m, memory: 10Mi}, limits: {cpu: 10m, memory: 10Mi}}
`
	a := mustAdvise(t, yamlInput(t, fmt.Sprintf(compliant, "plain", ""), fmt.Sprintf(compliant, "raw", ", add: [NET_RAW]"), fmt.Sprintf(strings.Replace(compliant, "serviceAccountName: ops", "serviceAccountName: web", 1), "web", "")), Options{KubernetesVersion: "1.31"})
	n := namespaceOf(t, a, "ops")
	if len(n.ServiceAccounts) != 1 || !reflect.DeepEqual(n.ServiceAccounts[0].Workloads, []string{"Deployment ops/plain", "Deployment ops/raw"}) {
		t.Fatalf("groups %+v", n.ServiceAccounts)
	}
	if !reflect.DeepEqual(n.Rest.Workloads, []string{"Deployment ops/web"}) {
		t.Errorf("rest %+v", n.Rest.Workloads)
	}
	for id, obj := range workloadPods(t, n) {
		if got := admit(t, a, n, obj); len(got) > 0 {
			t.Errorf("%s refused by %v", id, got)
		}
	}
}
