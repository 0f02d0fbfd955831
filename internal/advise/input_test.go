package advise

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
)

func readTest(p string, max int64) ([]byte, error) { return inputfile.Read(p, max) }

// TestDecodeManifests: multi-document YAML, JSON, List kinds, comments and kinds advise
// does not read.
func TestDecodeManifests(t *testing.T) {
	stream := `# a comment
---
apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
  spec: {containers: [{name: a, image: a}]}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c}
---
apiVersion: v1
kind: PodList
items:
- metadata: {name: b, namespace: ops}
  spec: {containers: [{name: b, image: b}]}
---
{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly", "namespace": "ops"},
 "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "j", "image": "j"}]}}}}}}
---
# kinds plan-check reads and advise does not: skipped, even malformed
apiVersion: v1
kind: Secret
metadata: {name: s}
data: {token: 1}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: gp3}
provisioner: [ebs.csi.aws.com]
`
	objs, err := DecodeManifests([]byte(stream), "all.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.Kind+" "+o.Namespace+"/"+o.Name+" @ "+o.Origin)
	}
	want := []string{
		"Deployment shop/web @ all.yaml (document 2)",
		"Pod default/a @ all.yaml (document 3) items[0]",
		"Pod ops/b @ all.yaml (document 4) items[0]",
		"CronJob ops/nightly @ all.yaml (document 5)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestBadManifests: a document that is not a Kubernetes object is an error naming the
// file and the document, never quoting a value.
func TestBadManifests(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"compose":     {"services:\n  web:\n    image: nginx\n", "f.yaml (document 1): not a Kubernetes object: it has no apiVersion and kind"},
		"scalar":      {"just text\n", "f.yaml (document 1): not a Kubernetes object: a Kubernetes object is a mapping with apiVersion and kind"},
		"second doc":  {"apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {}\n---\n- a\n- b\n", "f.yaml (document 2): not a Kubernetes object"},
		"bad yaml":    {"apiVersion: v1\nkind: Pod\n  metadata: [\n", "f.yaml (document 1): not YAML or JSON"},
		"duplicate":   {"apiVersion: v1\nkind: Pod\nkind: Pod\n", "f.yaml (document 1): not YAML or JSON"},
		"wrong type":  {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostNetwork: hunter2}\n", "f.yaml (document 1): reading the Pod"},
		"list items":  {"apiVersion: v1\nkind: List\nitems: {a: b}\n", "the items of a List must be a list of objects"},
		"list member": {"apiVersion: v1\nkind: List\nitems: [{kind: Pod}]\n", "f.yaml (document 1): items[0]: not a Kubernetes object: it has no apiVersion and kind"},
		"plan":        {`{"format_version":"1.2","terraform_version":"1.11.4"}`, "f.yaml: this is a Terraform plan"},
	} {
		_, err := DecodeManifests([]byte(tc.doc), "f.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
		var me *ManifestError
		if err != nil && !errors.As(err, &me) {
			t.Errorf("%s: %T is not a *ManifestError", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error quotes a value: %v", name, err)
		}
	}
}

// TestFromManifests: files and directories (recursively, sorted, hidden directories
// skipped), a size limit over all of them, and errors that name the path.
func TestFromManifests(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pod := func(name string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: ns1}\nspec: {containers: [{name: a, image: a}]}\n"
	}
	write("b/2.yml", pod("two"))
	write("a.yaml", pod("one"))
	write("c/3.json", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"three","namespace":"ns1"},"spec":{"containers":[{"name":"a","image":"a"}]}}`)
	write(".git/x.yaml", "not: kubernetes\n")
	write("README.md", "# not read\n")
	in, err := FromManifests(context.Background(), []string{dir}, 1<<20, readTest)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range in.Objects {
		names = append(names, o.Name)
	}
	if strings.Join(names, ",") != "one,two,three" {
		t.Errorf("objects %v", names)
	}
	if _, err := FromManifests(context.Background(), []string{dir}, 100, readTest); err == nil {
		t.Error("the size limit over all files is not applied")
	}
	if _, err := FromManifests(context.Background(), []string{filepath.Join(dir, "missing.yaml")}, 1<<20, readTest); err == nil || !strings.Contains(err.Error(), "missing.yaml: no such file") {
		t.Errorf("missing file: %v", err)
	}
	empty := t.TempDir()
	if _, err := FromManifests(context.Background(), []string{empty}, 1<<20, readTest); err == nil || !strings.Contains(err.Error(), "no .yaml, .yml or .json files") {
		t.Errorf("empty directory: %v", err)
	}
}

func TestIsPlan(t *testing.T) {
	for s, want := range map[string]bool{
		`{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{}}`: true,
		`  {"terraform_version": "1.5.0", "format_version": "1.0"}`:                 true,
		`{"apiVersion":"v1","kind":"Pod"}`:                                          false,
		`apiVersion: v1`:                                                            false,
		`[]`:                                                                        false,
	} {
		if IsPlan([]byte(s)) != want {
			t.Errorf("IsPlan(%s) != %v", s, want)
		}
	}
}
