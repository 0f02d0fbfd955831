package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/advise"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
)

// The kube-apiserver of the harness is v1.37: the advice is written for it.
const adviseVersion = "1.37"

const workloadsFile = "testdata/advise/workloads.yaml"

func readFile(p string, max int64) ([]byte, error) { return inputfile.Read(p, max) }

// adviceOn advises on the workloads file.
func adviceOn(t *testing.T) (*advise.Input, *advise.Advice) {
	t.Helper()
	in, err := advise.FromManifests(context.Background(), []string{workloadsFile}, 1<<20, readFile)
	if err != nil {
		t.Fatal(err)
	}
	a, err := advise.Advise(context.Background(), in, advise.Options{KubernetesVersion: adviseVersion})
	if err != nil {
		t.Fatal(err)
	}
	return in, a
}

func writeAdvice(t *testing.T, a *advise.Advice, w func(*bytes.Buffer, *advise.Advice) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := w(&b, a); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// yamlDocs splits a YAML stream into objects.
func yamlDocs(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, doc := range strings.Split(s, "\n---\n") {
		if strings.TrimSpace(strings.TrimPrefix(doc, "---")) == "" || strings.HasPrefix(strings.TrimSpace(doc), "#") && !strings.Contains(doc, "kind:") {
			continue
		}
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("YAML document: %v\n%s", err, doc)
		}
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

// workloadDoc is one workload of the workloads file, as kubectl sends it.
type workloadDoc struct {
	kind, namespace, name string
	obj                   map[string]any
}

func workloadDocs(t *testing.T) []workloadDoc {
	t.Helper()
	data, err := os.ReadFile(workloadsFile)
	if err != nil {
		t.Fatal(err)
	}
	var out []workloadDoc
	for _, m := range yamlDocs(t, string(data)) {
		meta := m["metadata"].(map[string]any)
		out = append(out, workloadDoc{kind: m["kind"].(string), namespace: meta["namespace"].(string), name: meta["name"].(string), obj: m})
	}
	return out
}

// podSpecOf is the pod spec inside a workload object (a copy).
func podSpecOf(t *testing.T, d workloadDoc) map[string]any {
	t.Helper()
	var spec any
	switch d.kind {
	case "Pod":
		spec = d.obj["spec"]
	case "CronJob":
		spec = d.obj["spec"].(map[string]any)["jobTemplate"].(map[string]any)["spec"].(map[string]any)["template"].(map[string]any)["spec"]
	default:
		spec = d.obj["spec"].(map[string]any)["template"].(map[string]any)["spec"]
	}
	b, _ := json.Marshal(spec)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// withServiceAccount is a copy of the workload object running as sa.
func withServiceAccount(t *testing.T, d workloadDoc, sa string) map[string]any {
	t.Helper()
	b, _ := json.Marshal(d.obj)
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	switch d.kind {
	case "Pod":
		spec = obj["spec"].(map[string]any)
	case "CronJob":
		spec = obj["spec"].(map[string]any)["jobTemplate"].(map[string]any)["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	default:
		spec = obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	}
	if sa == "" || sa == "default" {
		delete(spec, "serviceAccountName")
	} else {
		spec["serviceAccountName"] = sa
	}
	return obj
}

// pod is a Pod with the spec, named, in the namespace.
func pod(name, namespace string, spec map[string]any) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": name, "namespace": namespace}, "spec": spec}
}

func toYAMLDoc(t *testing.T, obj map[string]any) string {
	t.Helper()
	b, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// groupOf is the advice's group of a workload (the service account it is advised to run
// as), and that service account.
func groupOf(a *advise.Advice, d workloadDoc) (*advise.Group, string) {
	for _, n := range a.Namespaces {
		if n.Name != d.namespace {
			continue
		}
		for _, w := range n.Workloads {
			if w.Kind != d.kind || w.Name != d.name {
				continue
			}
			sa := w.ServiceAccount
			if w.AdvisedServiceAccount != "" {
				sa = w.AdvisedServiceAccount
			}
			for _, g := range n.ServiceAccounts {
				if g.ServiceAccount == sa {
					return g, sa
				}
			}
			return n.Rest, sa
		}
	}
	return nil, ""
}

// TestAdviseRoundTrip: the advised HCL, run through the real Terraform CLI with this
// provider, gives exactly the manifests of --format yaml; applied with kubectl, they
// admit every workload of the input (and its pods), and refuse, naming the rule, a pod
// that asks for one thing more than its service account's exceptions. On the workloads
// file and on fixture plans.
func TestAdviseRoundTrip(t *testing.T) {
	requireE2E(t)
	t.Run("workloads.yaml", func(t *testing.T) {
		in, a := adviceOn(t)
		roundTrip(t, in, a, workloadDocs(t), 12)
	})
	for _, plan := range []string{"daemon_set_v1_violating.json", "legacy_violating.json", "hostnetwork_no_hostport.json", "privileged_agent.json"} {
		t.Run(plan, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "advise", "testdata", "plans", plan))
			if err != nil {
				t.Fatal(err)
			}
			in, err := advise.FromPlan(context.Background(), data, plan)
			if err != nil {
				t.Fatal(err)
			}
			a, err := advise.Advise(context.Background(), in, advise.Options{KubernetesVersion: adviseVersion})
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, in, a, objectDocs(t, in), 3)
		})
	}
}

// objectDocs rebuilds the workloads of an input as valid objects of their kinds.
func objectDocs(t *testing.T, in *advise.Input) []workloadDoc {
	t.Helper()
	var out []workloadDoc
	for i, o := range in.Objects {
		if o.Pod == nil {
			continue
		}
		spec := o.Pod.Spec.DeepCopy()
		spec.EphemeralContainers = nil
		have := map[string]bool{}
		for _, v := range spec.Volumes {
			have[v.Name] = true
		}
		for _, c := range append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...) {
			for _, m := range c.VolumeMounts {
				if !have[m.Name] {
					have[m.Name] = true
					spec.Volumes = append(spec.Volumes, corev1.Volume{Name: m.Name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
				}
			}
		}
		if (o.Kind == "Job" || o.Kind == "CronJob") && (spec.RestartPolicy == "" || spec.RestartPolicy == corev1.RestartPolicyAlways) {
			spec.RestartPolicy = corev1.RestartPolicyOnFailure
		}
		labels := map[string]string{"e2e-workload": fmt.Sprintf("w%d", i)}
		tmpl := map[string]any{"metadata": map[string]any{"labels": labels, "annotations": o.Pod.Template.Annotations}, "spec": spec}
		meta := map[string]any{"name": o.Name, "namespace": o.Namespace}
		selector := map[string]any{"matchLabels": labels}
		var obj map[string]any
		switch o.Kind {
		case "Pod":
			obj = map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": o.Name, "namespace": o.Namespace, "labels": labels}, "spec": spec}
		case "CronJob":
			obj = map[string]any{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta, "spec": map[string]any{"schedule": "0 3 * * *", "jobTemplate": map[string]any{"spec": map[string]any{"template": tmpl}}}}
		case "Job":
			obj = map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": map[string]any{"template": tmpl}}
		case "ReplicationController":
			obj = map[string]any{"apiVersion": "v1", "kind": o.Kind, "metadata": meta, "spec": map[string]any{"selector": labels, "template": tmpl}}
		case "StatefulSet":
			obj = map[string]any{"apiVersion": "apps/v1", "kind": o.Kind, "metadata": meta, "spec": map[string]any{"selector": selector, "serviceName": o.Name, "template": tmpl}}
		default:
			obj = map[string]any{"apiVersion": "apps/v1", "kind": o.Kind, "metadata": meta, "spec": map[string]any{"selector": selector, "template": tmpl}}
		}
		b, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, workloadDoc{kind: o.Kind, namespace: o.Namespace, name: o.Name, obj: m})
	}
	return out
}

// roundTrip runs the advice through Terraform and the API server (minRefused: the
// requests for one thing more the input must give rise to, at least).
func roundTrip(t *testing.T, in *advise.Input, a *advise.Advice, docs []workloadDoc, minRefused int) {
	t.Helper()
	hclSrc := writeAdvice(t, a, func(b *bytes.Buffer, a *advise.Advice) error { return advise.WriteHCL(b, a) })
	yamlSrc := writeAdvice(t, a, func(b *bytes.Buffer, a *advise.Advice) error { return advise.WriteYAML(b, a) })

	// Terraform and --format yaml: the same objects.
	fromTF := map[string]map[string]any{}
	for _, m := range terraformManifests(t, hclSrc) {
		fromTF[objectKey(m)] = m
	}
	fromYAML := map[string]map[string]any{}
	for _, m := range yamlDocs(t, string(yamlSrc)) {
		fromYAML[objectKey(m)] = normalized(t, m)
	}
	if len(fromYAML) == 0 {
		t.Fatal("nothing advised")
	}
	for k, y := range fromYAML {
		tfObj, ok := fromTF[k]
		switch {
		case !ok:
			t.Errorf("%s: in --format yaml, not applied by the HCL", k)
		case !reflect.DeepEqual(tfObj, y):
			tb, _ := json.MarshalIndent(tfObj, "", " ")
			yb, _ := json.MarshalIndent(y, "", " ")
			t.Errorf("%s: the HCL applies\n%s\nbut --format yaml is\n%s", k, tb, yb)
		}
	}
	for k := range fromTF {
		if _, ok := fromYAML[k]; !ok {
			t.Errorf("%s: applied by the HCL, not in --format yaml", k)
		}
	}
	t.Logf("Terraform and --format yaml agree on %d manifests", len(fromYAML))

	c := startCluster(t)
	// Namespaces the advice does not label exist already where the input runs.
	for _, d := range docs {
		if _, err := c.kubectl("", "get", "namespace", d.namespace); err != nil {
			c.mustKubectl(t, "", "create", "namespace", d.namespace)
		}
	}
	c.mustKubectl(t, string(yamlSrc), "apply", "-f", "-")
	// No controller manager: create the service accounts the pods run as.
	sas := map[string]bool{}
	for _, d := range docs {
		sa, _ := podSpecOf(t, d)["serviceAccountName"].(string)
		for _, s := range []string{"default", sa} {
			if s != "" && !sas[d.namespace+"/"+s] {
				sas[d.namespace+"/"+s] = true
				if _, err := c.kubectl("", "-n", d.namespace, "get", "serviceaccount", s); err != nil {
					c.mustKubectl(t, "", "-n", d.namespace, "create", "serviceaccount", s)
				}
			}
		}
	}
	waitForPolicies(t, c, a)

	admitted, refused := 0, 0
	for _, d := range docs {
		g, sa := groupOf(a, d)
		// the workload and its pod, as the service account advised
		obj := withServiceAccount(t, d, sa)
		spec := podSpecOf(t, workloadDoc{kind: d.kind, obj: obj})
		for _, o := range []map[string]any{obj, pod(strings.ToLower(d.kind)+"-"+d.name, d.namespace, spec)} {
			if out, err := c.kubectl(toYAMLDoc(t, o), "create", "-f", "-"); err != nil {
				t.Errorf("%s %s/%s (%s as %s) refused: %s", d.kind, d.namespace, d.name, o["kind"], sa, out)
			} else {
				admitted++
			}
		}
		orig := podSpecOf(t, d)
		if origSA, _ := orig["serviceAccountName"].(string); origSA == "" && sa != "default" && restPolicy(a, d.namespace) {
			// it runs as default today: as default it is refused, naming the rule
			out, err := c.kubectl(toYAMLDoc(t, pod("as-default-"+d.name, d.namespace, orig)), "create", "--dry-run=server", "-f", "-")
			if err == nil || !strings.Contains(out, "ValidatingAdmissionPolicy") || !strings.Contains(out, "EPS0") {
				t.Errorf("%s %s/%s as default: want refused by the other pods' policy, naming the rule: %v %s", d.kind, d.namespace, d.name, err, out)
			} else {
				refused++
			}
		}
		if g == nil || g.Policy == nil {
			continue // restricted (Pod Security Admission holds it), or no policy written
		}
		for _, probe := range oneMore(t, g, spec) {
			out, err := c.kubectl(toYAMLDoc(t, pod("more-"+d.name, d.namespace, probe.spec)), "create", "--dry-run=server", "-f", "-")
			switch {
			case err == nil:
				t.Errorf("%s %s/%s with %s: admitted", d.kind, d.namespace, d.name, probe.what)
			case strings.Contains(out, probe.rule+":") || (probe.pss != "" && strings.Contains(out, "violates PodSecurity") && strings.Contains(out, probe.pss)):
				refused++
			default:
				t.Errorf("%s %s/%s with %s: refused without naming %s: %s", d.kind, d.namespace, d.name, probe.what, probe.rule, out)
			}
		}
	}
	if admitted < 2*len(docs) || refused < minRefused {
		t.Errorf("admitted %d (want %d), refused %d (want at least %d)", admitted, 2*len(docs), refused, minRefused)
	}
	t.Logf("%d workloads and pods admitted, %d requests for one thing more refused naming the rule", admitted, refused)
}

// restPolicy reports whether the namespace's other pods have a policy.
func restPolicy(a *advise.Advice, namespace string) bool {
	for _, n := range a.Namespaces {
		if n.Name == namespace {
			return n.Rest != nil && n.Rest.Policy != nil
		}
	}
	return false
}

// probe is a pod spec that asks for one thing more than a group's exceptions.
type probe struct {
	what, rule string
	// pss is the Pod Security Admission reason that may refuse it first instead.
	pss  string
	spec map[string]any
}

func copySpec(t *testing.T, spec map[string]any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(spec)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func firstContainer(spec map[string]any) map[string]any {
	return spec["containers"].([]any)[0].(map[string]any)
}

func securityContext(c map[string]any) map[string]any {
	sc, _ := c["securityContext"].(map[string]any)
	if sc == nil {
		sc = map[string]any{}
		c["securityContext"] = sc
	}
	return sc
}

// oneMore are the pods that ask for one thing more than the group grants: another host
// path, writing a read-only one, another capability, privileged, another host namespace,
// another host port.
func oneMore(t *testing.T, g *advise.Group, spec map[string]any) []probe {
	t.Helper()
	var out []probe
	e := g.Exceptions
	add := func(what, rule, pss string, mut func(s map[string]any)) {
		s := copySpec(t, spec)
		mut(s)
		out = append(out, probe{what: what, rule: rule, pss: pss, spec: s})
	}
	wholeHost := slices.ContainsFunc(e.HostPaths, func(hp advise.HostPathException) bool { return hp.PathPrefix == "/" })
	if !wholeHost { // with / granted (the workload mounts the whole host) no path is more
		add("another host path", "EPS00", "hostPath", func(s map[string]any) {
			s["volumes"] = append(asList(s["volumes"]), map[string]any{"name": "probe-extra", "hostPath": map[string]any{"path": "/etc/ekspodsec-probe"}})
			c := firstContainer(s)
			c["volumeMounts"] = append(asList(c["volumeMounts"]), map[string]any{"name": "probe-extra", "mountPath": "/probe", "readOnly": true})
		})
		out[len(out)-1].rule = "EPS005"
		if len(e.HostPaths) > 0 {
			out[len(out)-1].rule = "EPS007"
		}
	}
	for _, hp := range e.HostPaths {
		if !hp.ReadOnly {
			continue
		}
		add("writing read-only host path "+hp.PathPrefix, "EPS006", "", func(s map[string]any) {
			s["volumes"] = append(asList(s["volumes"]), map[string]any{"name": "probe-rw", "hostPath": map[string]any{"path": hp.PathPrefix}})
			c := firstContainer(s)
			c["volumeMounts"] = append(asList(c["volumeMounts"]), map[string]any{"name": "probe-rw", "mountPath": "/probe-rw"})
		})
		break
	}
	add("capability SYS_MODULE", "EPS012", "capabilities", func(s map[string]any) {
		sc := securityContext(firstContainer(s))
		caps, _ := sc["capabilities"].(map[string]any)
		if caps == nil {
			caps = map[string]any{}
			sc["capabilities"] = caps
		}
		caps["add"] = append(asList(caps["add"]), "SYS_MODULE")
	})
	if len(e.Privileged) == 0 {
		add("privileged", "EPS001", "privileged", func(s map[string]any) {
			sc := securityContext(firstContainer(s))
			sc["privileged"] = true
			delete(sc, "allowPrivilegeEscalation") // the API refuses both together
		})
	}
	granted := e.HostNamespaceSet()
	for _, h := range []string{"hostIPC", "hostPID", "hostNetwork"} {
		if !granted[h] {
			add(h, "EPS010", "host namespaces", func(s map[string]any) { s[h] = true })
			break
		}
	}
	add("host port 31337", "EPS011", "hostPort", func(s map[string]any) {
		c := firstContainer(s)
		c["ports"] = append(asList(c["ports"]), map[string]any{"containerPort": 31337, "hostPort": 31337})
	})
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// waitForPolicies waits until every advised policy refuses what it should (a new policy
// takes about a second to take effect): a Deployment is checked by the policy alone, not
// by Pod Security Admission.
func waitForPolicies(t *testing.T, c *cluster, a *advise.Advice) {
	t.Helper()
	for _, n := range a.Namespaces {
		for _, g := range append(append([]*advise.Group(nil), n.ServiceAccounts...), n.Rest) {
			if g == nil || g.Policy == nil {
				continue
			}
			sa := g.ServiceAccount
			if sa == "" {
				sa = "ekspodsec-probe"
			}
			sc := map[string]any{}
			switch {
			case slices.Contains(g.Policy.Rules, "EPS009"):
			case slices.Contains(g.Policy.Rules, "EPS001"):
				sc["privileged"] = true
			default:
				continue
			}
			d := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "policy-probe", "namespace": n.Name},
				"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"p": "p"}}, "template": map[string]any{
					"metadata": map[string]any{"labels": map[string]any{"p": "p"}},
					"spec":     map[string]any{"serviceAccountName": sa, "containers": []any{map[string]any{"name": "p", "image": "docker:27-dind", "securityContext": sc}}}}}}
			deadline := time.Now().Add(30 * time.Second)
			for {
				out, err := c.kubectl(toYAMLDoc(t, d), "create", "--dry-run=server", "-f", "-")
				if err != nil && strings.Contains(out, g.Policy.Name) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("policy %s never took effect: %v %s", g.Policy.Name, err, out)
				}
				time.Sleep(200 * time.Millisecond)
			}
		}
	}
}

// TestAdviseLive: workloads created with kubectl (with pods owned by a ReplicaSet owned by
// the Deployment, and by the DaemonSets), then advise --kubeconfig gives the same advice
// as advise on their YAML; and a kubeconfig whose RBAC does not allow a read is exit 2
// naming the verb and the resource.
func TestAdviseLive(t *testing.T) {
	requireE2E(t)
	_, want := adviceOn(t)
	c := startCluster(t)
	docs := workloadDocs(t)
	for _, d := range docs {
		if _, err := c.kubectl("", "get", "namespace", d.namespace); err != nil {
			c.mustKubectl(t, "", "create", "namespace", d.namespace)
			c.mustKubectl(t, "", "-n", d.namespace, "create", "serviceaccount", "default")
		}
		if sa, _ := podSpecOf(t, d)["serviceAccountName"].(string); sa != "" {
			if _, err := c.kubectl("", "-n", d.namespace, "get", "serviceaccount", sa); err != nil {
				c.mustKubectl(t, "", "-n", d.namespace, "create", "serviceaccount", sa)
			}
		}
	}
	data, err := os.ReadFile(workloadsFile)
	if err != nil {
		t.Fatal(err)
	}
	c.mustKubectl(t, string(data), "apply", "-f", "-")
	uid := func(kind, ns, name string) string {
		return strings.TrimSpace(c.mustKubectl(t, "", "-n", ns, "get", kind, name, "-o", "jsonpath={.metadata.uid}"))
	}
	owned := func(o map[string]any, kind, apiVersion, name, id string) map[string]any {
		o["metadata"].(map[string]any)["ownerReferences"] = []any{map[string]any{"apiVersion": apiVersion, "kind": kind, "name": name, "uid": id, "controller": true}}
		return o
	}
	// What the controllers would create: the Deployment's ReplicaSet and its pod, the
	// DaemonSets' pods.
	var pods int
	for _, d := range docs {
		spec := podSpecOf(t, d)
		switch d.kind {
		case "Deployment":
			tmpl := d.obj["spec"].(map[string]any)["template"]
			rs := owned(map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": map[string]any{"name": d.name + "-5d4f", "namespace": d.namespace},
				"spec": map[string]any{"selector": d.obj["spec"].(map[string]any)["selector"], "template": tmpl}}, "Deployment", "apps/v1", d.name, uid("deployment", d.namespace, d.name))
			c.mustKubectl(t, toYAMLDoc(t, rs), "create", "-f", "-")
			p := owned(pod(d.name+"-5d4f-x1", d.namespace, spec), "ReplicaSet", "apps/v1", d.name+"-5d4f", uid("replicaset", d.namespace, d.name+"-5d4f"))
			c.mustKubectl(t, toYAMLDoc(t, p), "create", "-f", "-")
			pods++
		case "DaemonSet":
			p := owned(pod(d.name+"-n1", d.namespace, spec), "DaemonSet", "apps/v1", d.name, uid("daemonset", d.namespace, d.name))
			c.mustKubectl(t, toYAMLDoc(t, p), "create", "-f", "-")
			pods++
		}
	}
	in, err := advise.FromCluster(context.Background(), advise.LiveOptions{Kubeconfig: c.kubeconfig})
	if err != nil {
		t.Fatal(err)
	}
	if in.KubernetesVersion != adviseVersion {
		t.Errorf("the cluster's version: %q", in.KubernetesVersion)
	}
	got, err := advise.Advise(context.Background(), in, advise.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The same advice: the same manifests, and per namespace the same level, service
	// accounts, exceptions, relaxations and policies.
	manifests := func(a *advise.Advice) map[string]string {
		ms, err := a.Manifests()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, m := range ms {
			b, _ := json.Marshal(m)
			out[objectKey(m)] = string(b)
		}
		return out
	}
	wm, gm := manifests(want), manifests(got)
	if !reflect.DeepEqual(wm, gm) {
		for k, v := range wm {
			if gm[k] != v {
				t.Errorf("%s: from the cluster\n%s\nfrom the YAML\n%s", k, gm[k], v)
			}
		}
		for k := range gm {
			if _, ok := wm[k]; !ok {
				t.Errorf("%s: only from the cluster", k)
			}
		}
	}
	summary := func(a *advise.Advice) []string {
		var out []string
		for _, n := range a.Namespaces {
			if len(n.Workloads) == 0 {
				continue
			}
			out = append(out, fmt.Sprintf("%s: %s, %d workloads", n.Name, n.Level, len(n.Workloads)))
			for _, g := range append(append([]*advise.Group(nil), n.ServiceAccounts...), n.Rest) {
				if g == nil {
					continue
				}
				var ex []string
				for _, hp := range g.Exceptions.HostPaths {
					ex = append(ex, fmt.Sprintf("%s ro=%v", hp.PathPrefix, hp.ReadOnly))
				}
				for _, c := range g.Exceptions.Capabilities {
					ex = append(ex, c.Value)
				}
				for _, p := range g.Exceptions.HostPorts {
					ex = append(ex, fmt.Sprint(p.Port))
				}
				for _, h := range g.Exceptions.HostNamespaces {
					ex = append(ex, h.Value)
				}
				if len(g.Exceptions.Privileged) > 0 {
					ex = append(ex, "privileged")
				}
				var relaxed []string
				for _, r := range g.Relaxed {
					relaxed = append(relaxed, r.Rule)
				}
				out = append(out, fmt.Sprintf("  %s create=%v %v relaxed %v workloads %v", g.ServiceAccount, g.Create, ex, relaxed, g.Workloads))
			}
		}
		sort.Strings(out)
		return out
	}
	if w, g := summary(want), summary(got); !reflect.DeepEqual(w, g) {
		t.Errorf("from the cluster:\n%s\nfrom the YAML:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	observed := 0
	for _, ps := range in.Observed {
		observed += len(ps)
	}
	if observed != pods {
		t.Errorf("%d pods judged with their controllers, want %d", observed, pods)
	}
	t.Logf("live: %d manifests and %d summary lines (namespaces and service accounts) as from the YAML; %d pods judged with their owners", len(gm), len(summary(got)), observed)

	// RBAC that does not allow a read: exit 2, naming the verb and the resource.
	bin := filepath.Join(providerBinary(t), "terraform-provider-ekspodsec")
	cfg, err := os.ReadFile(c.kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	impersonating := filepath.Join(t.TempDir(), "kubeconfig")
	writeFile(t, impersonating, bytes.Replace(cfg, []byte("user: {token:"), []byte("user: {as: reader, token:"), 1))
	adviseCLI := func() (int, string, string) {
		cmd := exec.Command(bin, "advise", "--kubeconfig", impersonating)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return code, out.String(), errb.String()
	}
	code, out, errs := adviseCLI()
	if code != 2 || out != "" || !strings.Contains(errs, `the credentials need RBAC verb "list" on resource "namespaces"`) || strings.Count(errs, "\n") != 1 {
		t.Errorf("no RBAC: exit %d %q %q", code, out, errs)
	}
	c.mustKubectl(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: advise-partial}
rules:
- {apiGroups: [""], resources: [namespaces, pods, limitranges], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: advise-partial}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: advise-partial}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: reader}]
`, "apply", "-f", "-")
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, _, errs = adviseCLI()
		if strings.Contains(errs, `resource "deployments" in API group "apps"`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code != 2 || !strings.Contains(errs, `the cluster refuses to list deployments.apps in every namespace: the credentials need RBAC verb "list" on resource "deployments" in API group "apps"`) {
		t.Errorf("no RBAC on deployments: exit %d %q", code, errs)
	}
}

// TestAdviseLegacyTerraform: before 1.25 the advice is PodSecurityPolicies and their RBAC;
// the HCL through the real Terraform CLI gives exactly the manifests of --format yaml (no
// API server of this harness serves PodSecurityPolicy).
func TestAdviseLegacyTerraform(t *testing.T) {
	requireE2E(t)
	in, err := advise.FromManifests(context.Background(), []string{workloadsFile}, 1<<20, readFile)
	if err != nil {
		t.Fatal(err)
	}
	a, err := advise.Advise(context.Background(), in, advise.Options{KubernetesVersion: "1.24"})
	if err != nil {
		t.Fatal(err)
	}
	fromTF := map[string]map[string]any{}
	for _, m := range terraformManifests(t, writeAdvice(t, a, func(b *bytes.Buffer, a *advise.Advice) error { return advise.WriteHCL(b, a) })) {
		fromTF[objectKey(m)] = m
	}
	kinds := map[string]int{}
	for _, m := range yamlDocs(t, string(writeAdvice(t, a, func(b *bytes.Buffer, a *advise.Advice) error { return advise.WriteYAML(b, a) }))) {
		kinds[m["kind"].(string)]++
		y := normalized(t, m)
		if !reflect.DeepEqual(fromTF[objectKey(m)], y) {
			tb, _ := json.MarshalIndent(fromTF[objectKey(m)], "", " ")
			yb, _ := json.MarshalIndent(y, "", " ")
			t.Errorf("%s: the HCL applies\n%s\nbut --format yaml is\n%s", objectKey(m), tb, yb)
		}
		delete(fromTF, objectKey(m))
	}
	for k := range fromTF {
		t.Errorf("%s: applied by the HCL, not in --format yaml", k)
	}
	if kinds["PodSecurityPolicy"] < 8 || kinds["PodSecurityPolicy"] != kinds["ClusterRole"] || kinds["ClusterRole"] != kinds["RoleBinding"] {
		t.Errorf("kinds %v", kinds)
	}
	t.Logf("legacy: %v", kinds)
}
