package helm

import (
	"context"
	"strings"
	"testing"
)

const agentC = "spec.template.spec.containers[0]"

func TestUnknownImageTagDoesNotHideKnownPrivileged(t *testing.T) {
	r := release("agent")
	r.Set = []Set{{Name: "image.tag", Value: Unknown()}, {Name: "privileged", Value: Known("true")}}
	out := mustRender(t, r, offline(t))
	ds := find(t, out, "DaemonSet", "rel-agent")
	if !unknownAt(ds, agentC+".image") {
		t.Errorf("image must be unknown: %v", ds.Unknown)
	}
	wantAbsent(t, ds, agentC+".image")
	wantValue(t, ds, agentC+".securityContext.privileged", true)
	if unknownAt(ds, agentC+".securityContext.privileged") || ds.Conditional {
		t.Errorf("privileged is known: %v", ds.Unknown)
	}
	sa := find(t, out, "ServiceAccount", "rel-agent")
	if len(sa.Unknown) != 0 {
		t.Errorf("service account unknown %v", sa.Unknown)
	}
	if out.Renders < 2 {
		t.Errorf("%d renders", out.Renders)
	}
}

func TestUnknownPrivilegedIsUnknownNotFalse(t *testing.T) {
	r := release("agent")
	r.Set = []Set{{Name: "privileged", Value: Unknown()}}
	out := mustRender(t, r, offline(t))
	ds := find(t, out, "DaemonSet", "rel-agent")
	for _, p := range []string{agentC + ".securityContext.privileged", agentC + ".securityContext.allowPrivilegeEscalation"} {
		if !unknownAt(ds, p) {
			t.Errorf("%s must be unknown: %v", p, ds.Unknown)
		}
		wantAbsent(t, ds, p)
	}
	wantValue(t, ds, agentC+".securityContext.runAsNonRoot", true)
	wantValue(t, ds, agentC+".image", "example.org/agent:2.3.4")
	for _, u := range ds.Unknown {
		if !strings.HasPrefix(u, agentC+".securityContext.") {
			t.Errorf("unexpected unknown path %s", u)
		}
	}
}

func TestUnknownTruthinessToggles(t *testing.T) {
	// `if .Values.hostNetwork`: every string stand-in is truthy, only the false/null/0/""
	// renders show the field can be absent.
	r := release("agent")
	r.Set = []Set{{Name: "hostNetwork", Value: Unknown()}}
	ds := find(t, mustRender(t, r, offline(t)), "DaemonSet", "rel-agent")
	if !unknownAt(ds, "spec.template.spec.hostNetwork") {
		t.Errorf("hostNetwork must be unknown: %v", ds.Unknown)
	}
	wantAbsent(t, ds, "spec.template.spec.hostNetwork")

	r.Set = []Set{{Name: "runtimeSocket.enabled", Value: Unknown()}}
	ds = find(t, mustRender(t, r, offline(t)), "DaemonSet", "rel-agent")
	for _, p := range []string{"spec.template.spec.volumes", agentC + ".volumeMounts"} {
		if !unknownAt(ds, p) {
			t.Errorf("%s must be unknown: %v", p, ds.Unknown)
		}
	}
}

func TestUnknownSidecarKeepsKnownContainer(t *testing.T) {
	r := release("agent")
	r.Set = []Set{{Name: "sidecar.enabled", Value: Unknown()}, {Name: "privileged", Value: Known("true")}}
	ds := find(t, mustRender(t, r, offline(t)), "DaemonSet", "rel-agent")
	if !unknownAt(ds, "spec.template.spec.containers") {
		t.Errorf("the container list must be unknown: %v", ds.Unknown)
	}
	cs, _ := get(ds.Object, "spec.template.spec.containers")
	if l, _ := cs.([]any); len(l) != 1 {
		t.Fatalf("containers %v, want the agent only", cs)
	}
	wantValue(t, ds, agentC+".name", "agent")
	wantValue(t, ds, agentC+".securityContext.privileged", true)
}

func TestUnknownCapabilities(t *testing.T) {
	r := release("agent")
	r.SetList = []SetList{{Name: "capabilities.add", Known: true, Values: []Value{Known("NET_ADMIN"), Unknown()}}}
	ds := find(t, mustRender(t, r, offline(t)), "DaemonSet", "rel-agent")
	p := agentC + ".securityContext.capabilities.add"
	if !unknownAt(ds, p) {
		t.Errorf("%s must be unknown: %v", p, ds.Unknown)
	}
	wantValue(t, ds, p, []any{"NET_ADMIN"})
	wantValue(t, ds, agentC+".securityContext.capabilities.drop", []any{"ALL"})

	r.SetList = []SetList{{Name: "capabilities.add", Known: true, Values: []Value{Unknown()}}}
	ds = find(t, mustRender(t, r, offline(t)), "DaemonSet", "rel-agent")
	if !unknownAt(ds, p) {
		t.Errorf("%s must be unknown: %v", p, ds.Unknown)
	}
	r.SetList = []SetList{{Name: "capabilities.add"}} // the whole list unknown
	ds = find(t, mustRender(t, r, offline(t)), "DaemonSet", "rel-agent")
	if !unknownAt(ds, p) {
		t.Errorf("whole list: %s must be unknown: %v", p, ds.Unknown)
	}
}

func TestUnknownValuesDocumentCannotRender(t *testing.T) {
	r := release("agent")
	r.Values = []Value{Known("privileged: false\n"), Unknown()}
	_, err := Render(context.Background(), r, offline(t))
	if ReasonOf(err) != ReasonUnknownInput || !strings.Contains(err.Error(), "values document 2") || !strings.HasPrefix(err.Error(), "helm_release.test: ") {
		t.Errorf("error %v", err)
	}
}

func TestUnknownNamespaceAndName(t *testing.T) {
	r := release("web")
	r.Namespace = Unknown()
	r.Set = []Set{{Name: "securityContext.privileged", Value: Known("true")}}
	out := mustRender(t, r, offline(t))
	if out.NamespaceKnown || out.Namespace != "" {
		t.Errorf("namespace %q known %v", out.Namespace, out.NamespaceKnown)
	}
	dep := find(t, out, "Deployment", "rel-web")
	if !unknownAt(dep, "metadata.namespace") || dep.Conditional {
		t.Errorf("namespace must be unknown: %v", dep.Unknown)
	}
	wantValue(t, dep, "spec.template.spec.containers[0].securityContext.privileged", true)

	r = release("agent")
	r.Name = Unknown()
	out = mustRender(t, r, offline(t))
	ds := find(t, out, "DaemonSet", "")
	if ds.Conditional || !unknownAt(ds, "metadata.name") || ds.Name() != "" {
		t.Errorf("name must be unknown, the object not conditional: %v", ds.Unknown)
	}
	wantValue(t, ds, agentC+".securityContext.privileged", false)
	if len(out.Documents) != 2 {
		t.Errorf("%d documents", len(out.Documents))
	}
}

func TestUnknownConditionalObjects(t *testing.T) {
	r := release("web")
	r.Set = []Set{{Name: "cache.enabled", Value: Unknown()}, {Name: "migrate.enabled", Value: Unknown()}}
	out := mustRender(t, r, offline(t))
	for _, k := range [][2]string{{"StatefulSet", "rel-cache"}, {"Job", "rel-web-migrate"}} {
		d := find(t, out, k[0], k[1])
		// Conditional, and described as it is when installed: the renders that have it
		// agree on it, so nothing in it is unknown.
		if !d.Conditional || len(d.Unknown) != 0 || len(d.Object) == 0 {
			t.Errorf("%s must be conditional with its fields known: %v %v", k[0], d.Conditional, d.Unknown)
		}
	}
	dep := find(t, out, "Deployment", "rel-web")
	if dep.Conditional || len(dep.Unknown) != 0 {
		t.Errorf("deployment: %v %v", dep.Conditional, dep.Unknown)
	}
}

func TestUnknownRequiredAndRefusedStandIns(t *testing.T) {
	// `required` fails for the empty stand-ins only: the others render.
	r := release("needs")
	r.Set = []Set{{Name: "image.repository", Value: Unknown()}}
	out := mustRender(t, r, offline(t))
	pod := find(t, out, "Pod", "rel")
	if !unknownAt(pod, "spec.containers[0].image") {
		t.Errorf("image must be unknown: %v", pod.Unknown)
	}
	if len(out.Warnings) == 0 {
		t.Errorf("a warning must say some stand-ins failed")
	}

	// The schema wants an integer: the string stand-ins fail, the numbers render.
	r = release("web")
	r.Set = []Set{{Name: "replicas", Value: Unknown()}}
	dep := find(t, mustRender(t, r, offline(t)), "Deployment", "rel-web")
	if !unknownAt(dep, "spec.replicas") {
		t.Errorf("replicas must be unknown: %v", dep.Unknown)
	}

	// No stand-in satisfies the chart: the release cannot be rendered.
	dir := writeChart(t, "apiVersion: v2\nname: c\nversion: 0.1.0\n", "mode: blue\n",
		map[string]string{"a.yaml": `{{ if ne (toString .Values.mode) "blue" }}{{ fail "mode must be blue" }}{{ end }}apiVersion: v1
kind: ConfigMap
metadata: {name: x}`})
	r = release(dir)
	r.Set = []Set{{Name: "mode", Value: Unknown()}}
	_, err := Render(context.Background(), r, offline(t))
	if ReasonOf(err) != ReasonUnknownInput || !strings.Contains(err.Error(), `set "mode"`) || !strings.Contains(err.Error(), "mode must be blue") {
		t.Errorf("error %v", err)
	}
	if strings.Contains(err.Error(), standInMark) {
		t.Errorf("the error shows a stand-in: %v", err)
	}
}

func TestUnknownManySlotsStayBounded(t *testing.T) {
	r := release("agent")
	for _, n := range []string{"privileged", "hostNetwork", "runtimeSocket.enabled", "sidecar.enabled", "image.tag", "image.repository", "runtimeSocket.path", "annotations.a", "annotations.b", "resources.limits.cpu"} {
		r.Set = append(r.Set, Set{Name: n, Value: Unknown()})
	}
	o := offline(t)
	o.MaxRenders = 16
	out := mustRender(t, r, o)
	if out.Renders > 16 {
		t.Errorf("%d renders, more than MaxRenders", out.Renders)
	}
	ds := find(t, out, "DaemonSet", "rel-agent")
	for _, p := range []string{"spec.template.spec.hostNetwork", agentC + ".securityContext.privileged", "spec.template.spec.containers", "metadata.annotations.a"} {
		if !unknownAt(ds, p) {
			t.Errorf("%s must be unknown: %v", p, ds.Unknown)
		}
	}
	assertNoStandIns(t, out)
}

func assertNoStandIns(t *testing.T, out *Rendered) {
	t.Helper()
	for _, d := range out.Documents {
		if s := stringify(d.Object); strings.Contains(s, standInMark) {
			t.Errorf("%s %s holds a stand-in: %s", d.Kind(), d.Name(), s)
		}
	}
}
