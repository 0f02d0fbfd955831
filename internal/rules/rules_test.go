package rules

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// judge runs the catalogue over kubernetes_manifest resources built from YAML documents
// (address → YAML; plantest markers "(unknown)" and "(sensitive)" apply).
func judge(t *testing.T, opts Options, docs map[string]string) []finding.Finding {
	t.Helper()
	var rs []plantest.Resource
	addrs := make([]string, 0, len(docs))
	for a := range docs {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		rs = append(rs, plantest.Manifest(a, docs[a]))
	}
	p, err := plan.Parse(plantest.Plan(rs...))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := plan.NewReader().Read(p)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e.Run(inv)
}

// has reports whether findings include rule (optionally "RULE@container") with status.
func has(fs []finding.Finding, status finding.Status, rule string) bool {
	id, container, _ := strings.Cut(rule, "@")
	for _, f := range fs {
		if f.RuleID == id && f.Status == status && (container == "" || f.Container == container) {
			return true
		}
	}
	return false
}

func ids(fs []finding.Finding) string {
	var s []string
	for _, f := range fs {
		c := ""
		if f.Container != "" {
			c = "@" + f.Container
		}
		s = append(s, fmt.Sprintf("%s%s(%s)", f.RuleID, c, f.Status))
	}
	return strings.Join(s, " ")
}

// pod renders a Pod manifest whose spec is the given YAML (indented two spaces per level
// under spec).
func pod(spec string) string {
	return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n" + spec
}

// hardened is a container that passes every container rule.
const hardened = `
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: app
    image: nginx:1.25
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: 200m, memory: 128Mi}
`

type ruleCase struct {
	name        string
	doc         string
	opts        Options
	fail        []string // must be reported as fail
	unknown     []string // must be reported as unknown
	notFail     []string // must not be reported as fail
	notAnything []string // must not be reported at all
}

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := judge(t, tc.opts, map[string]string{"kubernetes_manifest.x": tc.doc})
			for _, r := range tc.fail {
				if !has(fs, finding.Fail, r) {
					t.Errorf("want fail %s; got %s", r, ids(fs))
				}
			}
			for _, r := range tc.unknown {
				if !has(fs, finding.Unknown, r) {
					t.Errorf("want unknown %s; got %s", r, ids(fs))
				}
			}
			for _, r := range tc.notFail {
				if has(fs, finding.Fail, r) {
					t.Errorf("want no fail %s; got %s", r, ids(fs))
				}
			}
			for _, r := range tc.notAnything {
				if has(fs, finding.Fail, r) || has(fs, finding.Unknown, r) {
					t.Errorf("want nothing for %s; got %s", r, ids(fs))
				}
			}
		})
	}
}

func TestHardenedPodIsClean(t *testing.T) {
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(hardened)})
	if len(fs) != 0 {
		t.Fatalf("hardened pod: %s", ids(fs))
	}
}

func TestContainerRules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS001 privileged container and init container",
			doc: pod(`
  initContainers:
  - {name: init, image: busybox, securityContext: {privileged: true}}
  containers:
  - {name: app, image: nginx, securityContext: {privileged: true}}
  - {name: side, image: nginx, securityContext: {privileged: false}}
`), fail: []string{"EPS001@init", "EPS001@app"}, notFail: []string{"EPS001@side"}},
		{name: "EPS001 ephemeral container",
			doc: pod(`
  containers: [{name: app, image: nginx}]
  ephemeralContainers:
  - {name: dbg, image: busybox, securityContext: {privileged: true}}
`), fail: []string{"EPS001@dbg"}},
		{name: "EPS001 unknown privileged",
			doc: pod(`
  containers: [{name: app, image: nginx, securityContext: {privileged: "(unknown)"}}]
`), unknown: []string{"EPS001@app"}, notFail: []string{"EPS001"}},
		{name: "EPS002 unset, true and false",
			doc: pod(`
  containers:
  - {name: unset, image: nginx}
  - {name: on-true, image: nginx, securityContext: {allowPrivilegeEscalation: true}}
  - {name: disabled, image: nginx, securityContext: {allowPrivilegeEscalation: false}}
`), fail: []string{"EPS002@unset", "EPS002@on-true"}, notFail: []string{"EPS002@disabled"}},
		{name: "EPS003 may run as root; pod-level runAsNonRoot covers; container user covers",
			doc: pod(`
  containers:
  - {name: bare, image: nginx}
  - {name: user, image: nginx, securityContext: {runAsUser: 1000}}
  - {name: nonroot, image: nginx, securityContext: {runAsNonRoot: true}}
`), fail: []string{"EPS003@bare"}, notFail: []string{"EPS003@user", "EPS003@nonroot"}},
		{name: "EPS003 pod level covers all",
			doc: pod(`
  securityContext: {runAsNonRoot: true}
  containers: [{name: app, image: nginx}]
`), notFail: []string{"EPS003"}},
		{name: "EPS003 container runAsNonRoot false overrides pod",
			doc: pod(`
  securityContext: {runAsNonRoot: true}
  containers: [{name: app, image: nginx, securityContext: {runAsNonRoot: false}}]
`), fail: []string{"EPS003@app"}},
		{name: "EPS004 root user, group, fsGroup, supplemental group",
			doc: pod(`
  securityContext: {fsGroup: 0, supplementalGroups: [1000, 0]}
  containers:
  - {name: u, image: nginx, securityContext: {runAsUser: 0}}
  - {name: g, image: nginx, securityContext: {runAsUser: 1000, runAsGroup: 0}}
`), fail: []string{"EPS004@u", "EPS004@g", "EPS004"}},
		{name: "EPS004 container user overrides pod root",
			doc: pod(`
  securityContext: {runAsUser: 0}
  containers:
  - {name: fixed, image: nginx, securityContext: {runAsUser: 1000}}
  - {name: inherits, image: nginx}
`), fail: []string{"EPS004@inherits"}, notFail: []string{"EPS004@fixed"}},
		{name: "EPS004 unknown user",
			doc: pod(`
  containers: [{name: app, image: nginx, securityContext: {runAsUser: "(unknown)"}}]
`), unknown: []string{"EPS004@app", "EPS003@app"}, notFail: []string{"EPS004", "EPS003"}},
		{name: "EPS009 docker in docker images",
			doc: pod(`
  containers:
  - {name: a, image: "docker:24-dind"}
  - {name: b, image: "docker.io/library/docker:dind-rootless"}
  - {name: c, image: "registry.example.com/ci/dind:1"}
  - {name: d, image: "docker:24-cli"}
  - {name: e, image: "nginx:1.25"}
`), fail: []string{"EPS009@a", "EPS009@b", "EPS009@c"}, notFail: []string{"EPS009@d", "EPS009@e"}},
		{name: "EPS009 unknown image",
			doc: pod(`
  containers: [{name: app, image: "(unknown)"}]
`), unknown: []string{"EPS009@app"}},
		{name: "EPS010 host namespaces",
			doc: pod(`
  hostNetwork: true
  hostPID: true
  hostIPC: true
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS010"}},
		{name: "EPS011 host port",
			doc: pod(`
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 80, hostPort: 8080}]}
  - {name: side, image: nginx, ports: [{containerPort: 9090}]}
`), fail: []string{"EPS011@app"}, notFail: []string{"EPS011@side"}},
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
		{name: "EPS013 drop all lowercase counts",
			doc: pod(`
  containers: [{name: app, image: nginx, securityContext: {capabilities: {drop: [all]}}}]
`), notFail: []string{"EPS013"}},
		{name: "EPS016 seccomp unset, unconfined, runtime default, localhost",
			doc: pod(`
  containers:
  - {name: unset, image: nginx}
  - {name: unconfined, image: nginx, securityContext: {seccompProfile: {type: Unconfined}}}
  - {name: rd, image: nginx, securityContext: {seccompProfile: {type: RuntimeDefault}}}
  - {name: lh, image: nginx, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}
`), fail: []string{"EPS016@unset", "EPS016@unconfined"}, notFail: []string{"EPS016@rd", "EPS016@lh"}},
		{name: "EPS016 pod level unconfined, container overrides",
			doc: pod(`
  securityContext: {seccompProfile: {type: Unconfined}}
  containers:
  - {name: inherits, image: nginx}
  - {name: fixed, image: nginx, securityContext: {seccompProfile: {type: RuntimeDefault}}}
`), fail: []string{"EPS016@inherits"}, notFail: []string{"EPS016@fixed"}},
		{name: "EPS016 windows pods exempt",
			doc: pod(`
  os: {name: windows}
  containers: [{name: app, image: mcr.microsoft.com/windows/nanoserver}]
`), notFail: []string{"EPS016"}},
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
		{name: "EPS020 automount token",
			doc: pod(`
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS020"}},
		{name: "unknown container list never passes",
			doc: pod(`
  containers: "(unknown)"
`), unknown: []string{"EPS001", "EPS002", "EPS003", "EPS013", "EPS014"}},
	})
}

func TestHostPathRules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "EPS005-EPS008 docker socket read-write",
			doc: pod(`
  containers:
  - {name: app, image: nginx, volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]}
  volumes:
  - {name: sock, hostPath: {path: /var/run/docker.sock}}
`), fail: []string{"EPS005", "EPS006@app", "EPS007", "EPS008"}},
		{name: "EPS008 parent directory of the containerd socket",
			doc: pod(`
  containers: [{name: app, image: nginx, volumeMounts: [{name: run, mountPath: /run, readOnly: true}]}]
  volumes: [{name: run, hostPath: {path: /run/containerd}}]
`), fail: []string{"EPS008"}, notFail: []string{"EPS006"}},
		{name: "EPS008 not for unrelated run paths",
			doc: pod(`
  containers: [{name: app, image: nginx, volumeMounts: [{name: l, mountPath: /l, readOnly: true}]}]
  volumes: [{name: l, hostPath: {path: /var/run/secrets-store}}]
`), fail: []string{"EPS005", "EPS007"}, notFail: []string{"EPS008", "EPS006"}},
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
		{name: "EPS006 init container mounts read-write",
			doc: pod(`
  initContainers: [{name: chown, image: busybox, volumeMounts: [{name: data, mountPath: /data}]}]
  containers: [{name: app, image: nginx, volumeMounts: [{name: data, mountPath: /data, readOnly: true}]}]
  volumes: [{name: data, hostPath: {path: /srv/data}}]
`), fail: []string{"EPS006@chown"}, notFail: []string{"EPS006@app"}},
		{name: "volumes unknown",
			doc: pod(`
  containers: [{name: app, image: nginx}]
  volumes: "(unknown)"
`), unknown: []string{"EPS005", "EPS008"}},
		{name: "EPS018 volume types outside the restricted set",
			doc: pod(`
  containers: [{name: app, image: nginx}]
  volumes:
  - {name: nfs, nfs: {server: 10.0.0.1, path: /export}}
  - {name: git, gitRepo: {repository: https://example.com/r.git}}
  - {name: ok, emptyDir: {}}
  - {name: csi, csi: {driver: secrets-store.csi.k8s.io}}
`), fail: []string{"EPS018"}},
	})
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": pod(`
  containers: [{name: app, image: nginx}]
  volumes:
  - {name: ok, emptyDir: {}}
  - {name: csi, csi: {driver: secrets-store.csi.k8s.io}}
  - {name: p, projected: {sources: []}}
`)})
	if has(fs, finding.Fail, "EPS018") {
		t.Errorf("restricted volume types flagged: %s", ids(fs))
	}
}

func TestResourceRules(t *testing.T) {
	lr := `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: apps}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
`
	runCases(t, []ruleCase{
		{name: "missing requests and limits",
			doc: pod(`
  containers: [{name: app, image: nginx}]
`), fail: []string{"EPS014@app", "EPS015@app"}},
		{name: "limits imply requests",
			doc: pod(`
  containers: [{name: app, image: nginx, resources: {limits: {cpu: "1", memory: 1Gi}}}]
`), notFail: []string{"EPS014", "EPS015"}},
		{name: "requests only",
			doc: pod(`
  containers: [{name: app, image: nginx, resources: {requests: {cpu: "1", memory: 1Gi}}}]
`), fail: []string{"EPS015@app"}, notFail: []string{"EPS014"}},
		{name: "ephemeral containers cannot have resources",
			doc: pod(`
  containers: [{name: app, image: nginx, resources: {limits: {cpu: "1", memory: 1Gi}}}]
  ephemeralContainers: [{name: dbg, image: busybox}]
`), notFail: []string{"EPS014@dbg", "EPS015@dbg"}},
		{name: "unknown limits",
			doc: pod(`
  containers: [{name: app, image: nginx, resources: {requests: {cpu: "1", memory: 1Gi}, limits: {cpu: "(unknown)", memory: 1Gi}}}]
`), unknown: []string{"EPS015@app"}, notFail: []string{"EPS015"}},
	})
	t.Run("LimitRange with defaults covers the namespace", func(t *testing.T) {
		fs := judge(t, Options{}, map[string]string{
			"kubernetes_manifest.lr":  lr,
			"kubernetes_manifest.pod": pod("  containers: [{name: app, image: nginx}]\n"),
			"kubernetes_manifest.other": strings.Replace(pod("  containers: [{name: app, image: nginx}]\n"),
				"namespace: apps", "namespace: other", 1),
		})
		for _, f := range fs {
			if (f.RuleID == "EPS014" || f.RuleID == "EPS015") && f.Address == "kubernetes_manifest.pod" {
				t.Errorf("covered by the LimitRange: %s %s", f.RuleID, f.Message)
			}
		}
		if !has(fs, finding.Fail, "EPS014@app") {
			t.Errorf("namespace other has no LimitRange: %s", ids(fs))
		}
	})
	t.Run("LimitRange max alone sets the default limit and request", func(t *testing.T) {
		fs := judge(t, Options{}, map[string]string{
			"kubernetes_manifest.lr": `apiVersion: v1
kind: LimitRange
metadata: {name: m, namespace: apps}
spec:
  limits: [{type: Container, max: {cpu: "2", memory: 2Gi}}]
`,
			"kubernetes_manifest.pod": pod("  containers: [{name: app, image: nginx}]\n"),
		})
		if has(fs, finding.Fail, "EPS014") || has(fs, finding.Fail, "EPS015") {
			t.Errorf("max defaults limits and requests: %s", ids(fs))
		}
	})
	t.Run("LimitRange in an unknown namespace makes it unknown", func(t *testing.T) {
		fs := judge(t, Options{}, map[string]string{
			"kubernetes_manifest.lr":  strings.Replace(lr, "namespace: apps", `namespace: "(unknown)"`, 1),
			"kubernetes_manifest.pod": pod("  containers: [{name: app, image: nginx}]\n"),
		})
		if has(fs, finding.Fail, "EPS014") || !has(fs, finding.Unknown, "EPS014") {
			t.Errorf("want EPS014 unknown: %s", ids(fs))
		}
	})
}

func TestWorkloadKinds(t *testing.T) {
	tmpl := `
    spec:
      containers: [{name: app, image: nginx, securityContext: {privileged: true}}]
`
	for kind, doc := range map[string]string{
		"Deployment":            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"DaemonSet":             "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"StatefulSet":           "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"ReplicaSet":            "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"ReplicationController": "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"Job":                   "apiVersion: batch/v1\nkind: Job\nmetadata: {name: d}\nspec:\n  template:" + tmpl,
		"CronJob":               "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: d}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: app, image: nginx, securityContext: {privileged: true}}]\n",
	} {
		fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": doc})
		if !has(fs, finding.Fail, "EPS001@app") {
			t.Errorf("%s: EPS001 not reported: %s", kind, ids(fs))
			continue
		}
		for _, f := range fs {
			if f.RuleID == "EPS001" && (!strings.HasPrefix(f.TFPath, "manifest.spec.") || !strings.HasSuffix(f.K8sPath, "containers[0].securityContext.privileged")) {
				t.Errorf("%s: paths %q %q", kind, f.K8sPath, f.TFPath)
			}
			if f.PSSLevel != "privileged" {
				t.Errorf("%s: pss level %q", kind, f.PSSLevel)
			}
		}
	}
}

func TestPSSLevel(t *testing.T) {
	level := func(doc string) string {
		fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.x": doc})
		if len(fs) == 0 {
			t.Fatal("no findings to read the level from")
		}
		return fs[0].PSSLevel
	}
	// the hardened pod mounts a token (EPS020, low) so it has a finding to carry the level
	restricted := strings.Replace(pod(hardened), "automountServiceAccountToken: false", "automountServiceAccountToken: true", 1)
	if got := level(restricted); got != "restricted" {
		t.Errorf("hardened pod: %q", got)
	}
	if got := level(pod("  containers: [{name: app, image: nginx}]\n")); got != "baseline" {
		t.Errorf("plain pod: %q", got)
	}
	if got := level(pod("  hostNetwork: true\n  containers: [{name: app, image: nginx}]\n")); got != "privileged" {
		t.Errorf("host network pod: %q", got)
	}
	unknownPriv := strings.Replace(restricted, "allowPrivilegeEscalation: false", `allowPrivilegeEscalation: false
      privileged: "(unknown)"`, 1)
	if got := level(unknownPriv); got != "unknown" {
		t.Errorf("pod with unknown privileged: %q", got)
	}
}

func TestOpaqueManifest(t *testing.T) {
	r := plantest.Resource{Address: "kubernetes_manifest.x", After: map[string]any{}, AfterUnknown: map[string]any{"manifest": true}}
	p, err := plan.Parse(plantest.Plan(r))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := plan.NewReader().Read(p)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := New(Options{})
	fs := e.Run(inv)
	if !has(fs, finding.Unknown, "EPS021") {
		t.Fatalf("an unknown manifest must be reported unknown: %s", ids(fs))
	}
}

// TestCustomWorkloadKind: a custom kind with a Deployment-like pod template (an Argo
// Rollout) is judged like a Deployment.
func TestCustomWorkloadKind(t *testing.T) {
	fs := judge(t, Options{}, map[string]string{"kubernetes_manifest.rollout": `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: apps}
spec:
  strategy: {canary: {}}
  template:
    spec:
      containers: [{name: app, image: nginx, securityContext: {privileged: true}}]
`, "kubernetes_manifest.pdb": `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: apps}
spec: {maxUnavailable: 1}
`})
	if !has(fs, finding.Fail, "EPS001@app") {
		t.Errorf("the Rollout's privileged container is not reported: %s", ids(fs))
	}
	if len(at(fs, "kubernetes_manifest.pdb")) != 0 {
		t.Errorf("a kind without a pod template is not a workload: %s", ids(at(fs, "kubernetes_manifest.pdb")))
	}
}
