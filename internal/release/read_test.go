package release

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/helm"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
)

// planReleases reads the helm_release changes of a fixture plan (the shared helm
// fixtures, made by Terraform with hashicorp/helm 3.1.2) through the plan reader.
func planReleases(t *testing.T, file string) map[string]*plan.HelmRelease {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "plancheck", "testdata", "helm", "plans", file))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	hrs, err := p.HelmReleases()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*plan.HelmRelease{}
	for i := range hrs {
		out[hrs[i].Address] = &hrs[i]
	}
	return out
}

func mustRead(t *testing.T, hr *plan.HelmRelease, opts Options) *Input {
	t.Helper()
	in, err := Read(hr, opts)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return in
}

func TestReadV3Shapes(t *testing.T) {
	rs := planReleases(t, "helm_set_overrides.json")
	in := mustRead(t, rs["helm_release.agent"], Options{KubeVersion: "1.31"})
	r := in.Release
	if r.Name != helm.Known("node-agent") || r.Namespace != helm.Known("kube-system") || r.Chart != "../charts/node-agent" || r.Version != "0.1.0" {
		t.Errorf("identity: %+v %+v %q %q", r.Name, r.Namespace, r.Chart, r.Version)
	}
	if r.KubeVersion != "1.31" || r.Upgrade || in.Blocked != nil || in.AnyUnknown || in.AnySensitive {
		t.Errorf("flags: kube %q upgrade %v blocked %v unknown %v sensitive %v", r.KubeVersion, r.Upgrade, in.Blocked, in.AnyUnknown, in.AnySensitive)
	}
	if len(r.Set) != 7 || r.Set[0].Name != "privileged" || r.Set[0].Value != helm.Known("true") || r.Set[6].Type != "string" {
		t.Errorf("set: %+v", r.Set)
	}
	if len(r.SetList) != 2 || !r.SetList[0].Known || len(r.SetList[0].Values) != 2 || r.SetList[0].Values[1] != helm.Known("NET_ADMIN") {
		t.Errorf("set_list: %+v", r.SetList)
	}
	if in.Inputs["set[3]"] != "set[3].value" || in.Inputs["set_list[1]"] != "set_list[1].value" {
		t.Errorf("inputs: %v", in.Inputs)
	}
	web := mustRead(t, rs["helm_release.web"], Options{})
	if len(web.Release.Values) != 1 || !web.Release.Values[0].Known || !strings.Contains(web.Release.Values[0].Value, "docker:27-dind") {
		t.Errorf("values: %+v", web.Release.Values)
	}
}

func TestReadUnknowns(t *testing.T) {
	rs := planReleases(t, "helm_unknown_values.json")
	tag := mustRead(t, rs["helm_release.unknown_tag"], Options{})
	if tag.Blocked != nil || !tag.AnyUnknown || tag.Release.Set[0].Value.Known {
		t.Errorf("unknown set value: blocked %v, %+v", tag.Blocked, tag.Release.Set)
	}
	capab := mustRead(t, rs["helm_release.unknown_capability"], Options{})
	if l := capab.Release.SetList[0]; !l.Known || len(l.Values) != 1 || l.Values[0].Known {
		t.Errorf("unknown set_list element: %+v", l)
	}
	doc := mustRead(t, rs["helm_release.unknown_values_doc"], Options{})
	if doc.Blocked != nil || doc.Release.Values[0].Known || doc.UnknownAt != "values[0]" {
		t.Errorf("unknown values document: blocked %v, %+v, at %q", doc.Blocked, doc.Release.Values, doc.UnknownAt)
	}
	ns := mustRead(t, rs["helm_release.unknown_namespace"], Options{})
	if ns.Release.Namespace.Known || !ns.AnyUnknown {
		t.Errorf("unknown namespace: %+v", ns.Release.Namespace)
	}
}

func TestReadSensitive(t *testing.T) {
	rs := planReleases(t, "helm_set_sensitive.json")
	web := mustRead(t, rs["helm_release.web"], Options{})
	if !web.AnySensitive || len(web.Release.SetSensitive) != 2 || !web.Release.SetSensitive[0].Value.Sensitive || web.Release.SetSensitive[0].Type != "" {
		t.Errorf("set_sensitive: %+v", web.Release.SetSensitive)
	}
	if web.Release.Set[0].Value.Sensitive {
		t.Error("a plain set value is sensitive")
	}
	agent := mustRead(t, rs["helm_release.agent"], Options{})
	if !agent.Release.Values[0].Sensitive || !agent.AnySensitive {
		t.Errorf("values document from a sensitive variable: %+v", agent.Release.Values)
	}
}

// TestReadSensitiveVariable: an input that holds a sensitive variable's value is
// sensitive even where the plan does not mark it (nonsensitive(), a provider that drops
// marks), and a short secret only when it is the whole input.
func TestReadSensitiveVariable(t *testing.T) {
	hr := release(t, `{"name":"r","namespace":"ns","chart":"./c","version":"1.0.0",
		"values":["password: hunter2-secret\n","a: b\n"],
		"set":[{"name":"x","value":"1"},{"name":"y","value":"12"}]}`, `{}`, `{}`)
	in := mustRead(t, hr, Options{Secrets: []string{"hunter2-secret", "1"}})
	if !in.Release.Values[0].Sensitive || in.Release.Values[1].Sensitive {
		t.Errorf("values: %+v", in.Release.Values)
	}
	if !in.Release.Set[0].Value.Sensitive || in.Release.Set[1].Value.Sensitive {
		t.Errorf("set: %+v", in.Release.Set)
	}
	if !in.AnySensitive {
		t.Error("AnySensitive not set")
	}
}

// release builds a plan.HelmRelease from JSON (numbers as json.Number, as the plan
// reader decodes them).
func release(t *testing.T, after, unknown, sensitive string) *plan.HelmRelease {
	t.Helper()
	dec := func(s string) any {
		d := json.NewDecoder(bytes.NewReader([]byte(s)))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		return v
	}
	return &plan.HelmRelease{Address: "helm_release.x", Name: "x", After: dec(after), AfterUnknown: dec(unknown), AfterSensitive: dec(sensitive),
		Written: map[string]bool{"chart": true, "name": true}}
}

// TestReadV2Blocks: hashicorp/helm 2.x plans write blocks as lists of objects, an empty
// repository as "", postrender as a list of one block, metadata as a list.
func TestReadV2Blocks(t *testing.T) {
	hr := release(t, `{"name":"aws-node-termination-handler","namespace":"kube-system","chart":"../c","repository":"",
		"version":"0.15.0","values":["{}\n"],"set":[{"name":"a","type":"","value":"1"}],"set_list":[],"set_sensitive":[{"name":"token","type":"string","value":"s"}],
		"postrender":[{"binary_path":"kustomize"}],"metadata":[]}`,
		`{"id":true,"manifest":true,"metadata":true,"postrender":[],"set":[],"set_list":[],"set_sensitive":[],"values":[false]}`,
		`{"metadata":[],"postrender":[],"repository_password":true,"set":[],"set_list":[],"set_sensitive":[{"value":true}],"values":[false]}`)
	in := mustRead(t, hr, Options{})
	r := in.Release
	if r.Repository != "" || !r.PostRender || len(r.Set) != 1 || len(r.SetSensitive) != 1 || !r.SetSensitive[0].Value.Sensitive || r.SetSensitive[0].Type != "string" {
		t.Errorf("v2 release: %+v", r)
	}
	if in.ManifestKnown {
		t.Error("an unknown manifest is known")
	}
	empty := release(t, `{"name":"a","namespace":"b","chart":"c","postrender":[]}`, `{}`, `{}`)
	if mustRead(t, empty, Options{}).Release.PostRender {
		t.Error("an empty postrender list is a post-renderer")
	}
}

func TestReadBlocked(t *testing.T) {
	cases := map[string]struct {
		after, unknown, sensitive string
		at                        string
	}{
		"values list":  {`{"name":"a","chart":"c"}`, `{"values":true}`, `{}`, "values"},
		"set list":     {`{"name":"a","chart":"c","set":null}`, `{"set":true}`, `{}`, "set"},
		"set entry":    {`{"name":"a","chart":"c","set":[null]}`, `{"set":[true]}`, `{}`, "set[0]"},
		"set name":     {`{"name":"a","chart":"c","set":[{"value":"1"}]}`, `{"set":[{"name":true}]}`, `{}`, "set[0].name"},
		"set_list":     {`{"name":"a","chart":"c"}`, `{"set_list":true}`, `{}`, "set_list"},
		"chart":        {`{"name":"a"}`, `{"chart":true}`, `{}`, "chart"},
		"sensitive ls": {`{"name":"a","chart":"c","set_sensitive":[{"value":"1"}]}`, `{"set_sensitive":[{"name":true}]}`, `{}`, "set_sensitive[0].name"},
	}
	for name, c := range cases {
		in := mustRead(t, release(t, c.after, c.unknown, c.sensitive), Options{})
		if helm.ReasonOf(in.Blocked) != helm.ReasonUnknownInput || in.UnknownAt != c.at {
			t.Errorf("%s: blocked %v at %q, want %q", name, in.Blocked, in.UnknownAt, c.at)
		}
	}
	whole := &plan.HelmRelease{Address: "helm_release.w", Unknown: true}
	if in := mustRead(t, whole, Options{}); helm.ReasonOf(in.Blocked) != helm.ReasonUnknownInput {
		t.Errorf("wholly unknown release: %v", in.Blocked)
	}
}

// TestReadVersion: the manifest experiment leaves version unknown when the configuration
// does not set it (the provider installs the newest); a version written from a computed
// value blocks the render.
func TestReadVersion(t *testing.T) {
	hr := release(t, `{"name":"a","chart":"c","repository":"https://charts.example.org"}`, `{"version":true}`, `{}`)
	if in := mustRead(t, hr, Options{}); in.Blocked != nil || in.Release.Version != "" {
		t.Errorf("unwritten unknown version: %v %q", in.Blocked, in.Release.Version)
	}
	hr.Written["version"] = true
	if in := mustRead(t, hr, Options{}); helm.ReasonOf(in.Blocked) != helm.ReasonUnknownInput {
		t.Errorf("written unknown version: %v", in.Blocked)
	}
}

func TestReadDefaultsAndWithhold(t *testing.T) {
	in := mustRead(t, release(t, `{"name":"a","chart":"https://u:p@charts.example.org/x-1.0.0.tgz?token=t"}`, `{}`, `{}`), Options{})
	if in.Release.Namespace != helm.Known("default") {
		t.Errorf("namespace: %+v", in.Release.Namespace)
	}
	if in.Chart != "https://charts.example.org/x-1.0.0.tgz" {
		t.Errorf("chart shown as %q", in.Chart)
	}
	sens := mustRead(t, release(t, `{"name":"a","chart":"secret-chart","version":"1"}`, `{}`, `{"chart":true}`), Options{})
	if !sens.Withhold || sens.Chart != Redacted || sens.Version != Redacted {
		t.Errorf("sensitive chart: withhold %v chart %q version %q", sens.Withhold, sens.Chart, sens.Version)
	}
	name := mustRead(t, release(t, `{"name":"a","chart":"c","set":[{"name":"k","value":"v"}]}`, `{}`, `{"set":[{"name":true}]}`), Options{})
	if !name.Withhold || name.IdentitySensitive {
		t.Errorf("sensitive set name: withhold %v identity %v", name.Withhold, name.IdentitySensitive)
	}
	id := mustRead(t, release(t, `{"name":"a","namespace":"n","chart":"c"}`, `{}`, `{"namespace":true}`), Options{})
	if !id.IdentitySensitive || !id.Withhold {
		t.Error("a sensitive namespace does not make the identity sensitive")
	}
}

// TestReadMalformed: shapes Terraform never writes are errors naming the address and
// the attribute, never quoting a value.
func TestReadMalformed(t *testing.T) {
	cases := map[string]string{
		`{"name":"a","chart":"c","set":"s3cr3t"}`:                             "set is a list",
		`{"name":"a","chart":"c","set":["s3cr3t"]}`:                           "set[0] is an object",
		`{"name":"a","chart":"c","values":[{"k":"s3cr3t"}]}`:                  "values[0] is a string",
		`{"name":"a","chart":"c","set_list":[{"name":"n","value":"s3cr3t"}]}`: "set_list[0].value is a list",
		`{"name":["s3cr3t"],"chart":"c"}`:                                     "name is a string",
		`{"name":"a","chart":"c","create_namespace":"s3cr3t"}`:                "create_namespace is a boolean",
		`{"name":"a","chart":"c","manifest":{"k":"s3cr3t"}}`:                  "manifest is a string",
	}
	for after, want := range cases {
		_, err := Read(release(t, after, `{}`, `{}`), Options{})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "helm_release.x: ") {
			t.Errorf("%s: error %v, want %q", after, err, want)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: the error quotes the value: %v", after, err)
		}
	}
	if _, err := Read(&plan.HelmRelease{Address: "helm_release.x", After: "x"}, Options{}); err == nil {
		t.Error("a planned value that is not an object is accepted")
	}
}
