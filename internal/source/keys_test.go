package source

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWrittenKeys(t *testing.T) {
	idx := load(t, filepath.Join("testdata", "keys"))
	const (
		meta = "metadata[0]."
		tmpl = "spec[0].template[0].metadata[0]."
		ctr  = "spec[0].template[0].spec[0].container"
	)
	known := []struct {
		address, path string
		keys          []string
	}{
		// quoted, naked, dotted, number and bool keys; a key written twice counts once
		{"kubernetes_deployment_v1.literal", meta + "annotations", []string{"42", "checksum/config", "dotted.key/and-dashes", "plain", "true"}},
		{"kubernetes_deployment_v1.literal", meta + "labels", []string{}},
		// tomap of a constructor (a literal key in parentheses is literal); merge of
		// constructors, nulls and tomap
		{"kubernetes_deployment_v1.literal", tmpl + "annotations", []string{"a", "b"}},
		{"kubernetes_deployment_v1.literal", tmpl + "labels", []string{"app", "tier"}},
		{"kubernetes_deployment_v1.literal", "spec.template.metadata.labels", []string{"app", "tier"}},
		// a block written twice, by index
		{"kubernetes_deployment_v1.literal", ctr + "[0].resources[0].limits", []string{"cpu"}},
		{"kubernetes_deployment_v1.literal", ctr + "[1].resources[0].limits", []string{"cpu", "memory"}},
		// dynamic blocks matched exactly: a literal for_each of two, then the last one
		{"kubernetes_deployment_v1.literal", ctr + "[2].resources[0].limits", []string{"memory"}},
		{"kubernetes_deployment_v1.literal", ctr + "[3].resources[0].limits", []string{"memory"}},
		{"kubernetes_deployment_v1.literal", ctr + "[4].resources[0].limits", []string{"cpu"}},
		{"kubernetes_deployment_v1.literal", ctr + "[9].resources[0].limits", []string{"cpu"}},
		// count and for_each instances, in a local module called with count
		{`module.apps[1].kubernetes_daemon_set_v1.agent["node-a"]`, tmpl + "annotations", []string{"checksum/config"}},
		// into an object expression
		{"kubernetes_manifest.pod", "manifest.metadata.annotations", []string{"container.apparmor.security.beta.kubernetes.io/app"}},
		// any resource type
		{"aws_instance.web", "tags", []string{"Name", "Team"}},
		{"aws_launch_template.nodes", "tag_specifications[0].tags", []string{"Backup"}},
	}
	for _, c := range known {
		keys, ok := idx.WrittenKeys(c.address, c.path)
		if !ok || keys == nil || fmt.Sprint(keys) != fmt.Sprint(c.keys) {
			t.Errorf("WrittenKeys(%s, %s) = %q %v, want %q", c.address, c.path, keys, ok, c.keys)
		}
	}
	unknown := []struct{ address, path, why string }{
		{"kubernetes_deployment_v1.literal", ctr + "[1].resources[0].requests", "a reference"},
		{"kubernetes_deployment_v1.literal", ctr + "[2].resources[0].requests", "a key that is a reference in parentheses"},
		{"kubernetes_deployment_v1.computed", meta + "annotations", "merge of a computed map"},
		{"kubernetes_deployment_v1.computed", meta + "labels", "a for expression"},
		{"kubernetes_deployment_v1.computed", tmpl + "annotations", "a reference as key"},
		{"kubernetes_deployment_v1.computed", tmpl + "labels", "a key with interpolation"},
		{"kubernetes_deployment_v1.computed", "spec[0].template[0].spec[0].node_selector", "a key with a template directive"},
		{"kubernetes_deployment_v1.computed", ctr + "[0].resources[0].limits", "a conditional"},
		{"kubernetes_deployment_v1.computed", ctr + "[0].resources[0].requests", "merge of an expanded list"},
		{"kubernetes_deployment_v1.computed", ctr + "[1].resources[0].limits", "two dynamic blocks of unknown length"},
		{"kubernetes_deployment_v1.more_computed", meta + "annotations", "tomap of a reference"},
		{"kubernetes_deployment_v1.more_computed", meta + "labels", "a naked a.b key"},
		{"kubernetes_deployment_v1.more_computed", tmpl + "annotations", "another function"},
		{"kubernetes_deployment_v1.more_computed", tmpl + "labels", "not a map"},
		{"kubernetes_manifest.pod", "manifest.metadata.labels", "a reference"},
		{"aws_launch_template.nodes", "tag_specifications[1].tags", "merge of a reference"},
		{"aws_launch_template.nodes", "tag_specifications[2].tags", "no third block"},
		{"kubernetes_deployment_v1.literal", ctr + "[0].resources[0].claims", "not written"},
		{"kubernetes_deployment_v1.literal", "spec[0].template[0].spec[0].container.resources[0].limits", "which container?"},
		{"kubernetes_deployment_v1.literal", tmpl + "annotations.a", "inside a function call"},
		{"kubernetes_deployment_v1.literal", "spec[0].template[0].metadata[0]", "a block"},
		{"kubernetes_deployment_v1.literal", "spec[0].template[0].metadata", "a list of blocks"},
		{"kubernetes_deployment_v1.literal", "", "no path"},
		{"kubernetes_deployment_v1.literal", meta + "annotations[", "a path that does not read"},
		{"kubernetes_deployment_v1.literal", "metadata[x].annotations", "a path that does not read"},
		{"kubernetes_deployment_v1.literal", "metadata[0]..annotations", "a path that does not read"},
		{"kubernetes_config_map_v1.overridden", meta + "annotations", "an override file"},
		{"kubernetes_deployment_v1.missing", meta + "annotations", "no such resource"},
		{"module.eks.kubernetes_deployment_v1.literal", meta + "annotations", "no such module"},
		{"data.kubernetes_deployment_v1.literal", meta + "annotations", "a data source"},
	}
	for _, c := range unknown {
		if keys, ok := idx.WrittenKeys(c.address, c.path); ok {
			t.Errorf("WrittenKeys(%s, %s) = %q, want not ok (%s)", c.address, c.path, keys, c.why)
		}
	}
	var nilIdx *Index
	if _, ok := nilIdx.WrittenKeys("kubernetes_deployment_v1.literal", meta+"annotations"); ok {
		t.Error("a nil index has no keys")
	}
}

// TestWrittenKeysFixture: the checksum idiom's one literal key, against the merge idiom,
// on the .tf that produced the shared fixture plan.
func TestWrittenKeysFixture(t *testing.T) {
	idx := load(t, filepath.Join("testdata", "cases", "checksum_annotations"))
	const p = "spec[0].template[0].metadata[0].annotations"
	if keys, ok := idx.WrittenKeys("kubernetes_deployment_v1.checksum", p); !ok || fmt.Sprint(keys) != "[checksum/config]" {
		t.Errorf("checksum: %q %v", keys, ok)
	}
	if keys, ok := idx.WrittenKeys("kubernetes_deployment_v1.merged", p); ok {
		t.Errorf("merged: %q, want not ok", keys)
	}
	if keys, ok := idx.WrittenKeys("kubernetes_deployment_v1.checksum", "metadata[0].labels"); ok {
		t.Errorf("labels = local.labels: %q, want not ok", keys)
	}
	if keys, ok := idx.WrittenKeys("terraform_data.extra_annotations", "input"); !ok || fmt.Sprint(keys) != "[prometheus.io/port prometheus.io/scrape]" {
		t.Errorf("terraform_data input: %q %v", keys, ok)
	}
}

// TestWrittenKeysOverrides: an override file, read before or after the file it
// overrides, or a JSON override file (not read), makes the keys unknown.
func TestWrittenKeysOverrides(t *testing.T) {
	const res = "resource \"kubernetes_pod_v1\" \"%s\" {\n  metadata {\n    annotations = { a = \"1\" }\n  }\n}\n"
	for name, files := range map[string]map[string]string{
		"before":    {"a_override.tf": fmt.Sprintf(res, "x"), "main.tf": fmt.Sprintf(res, "x") + fmt.Sprintf(res, "y")},
		"after":     {"z_override.tf": fmt.Sprintf(res, "x"), "main.tf": fmt.Sprintf(res, "x") + fmt.Sprintf(res, "y")},
		"plain":     {"override.tf": fmt.Sprintf(res, "x"), "main.tf": fmt.Sprintf(res, "x") + fmt.Sprintf(res, "y")},
		"json only": {"override.tf.json": `{"resource": {}}`, "main.tf": fmt.Sprintf(res, "x") + fmt.Sprintf(res, "y")},
	} {
		dir := t.TempDir()
		for f, content := range files {
			write(t, filepath.Join(dir, f), content)
		}
		idx := load(t, dir)
		if keys, ok := idx.WrittenKeys("kubernetes_pod_v1.x", "metadata[0].annotations"); ok {
			t.Errorf("%s: overridden resource: %q, want not ok", name, keys)
		}
		// a JSON override may override anything in its module; a .tf one its resources
		_, ok := idx.WrittenKeys("kubernetes_pod_v1.y", "metadata[0].annotations")
		if want := name != "json only"; ok != want {
			t.Errorf("%s: resource y: ok %v, want %v", name, ok, want)
		}
	}
	// a file named like an override but not one, and a plain JSON file: no effect
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.tf"), fmt.Sprintf(res, "x"))
	write(t, filepath.Join(dir, "notoverride.tf"), fmt.Sprintf(res, "y"))
	write(t, filepath.Join(dir, "extra.tf.json"), `{}`)
	idx := load(t, dir)
	for _, r := range []string{"x", "y"} {
		if keys, ok := idx.WrittenKeys("kubernetes_pod_v1."+r, "metadata[0].annotations"); !ok || fmt.Sprint(keys) != "[a]" {
			t.Errorf("%s: %q %v", r, keys, ok)
		}
	}
}

// TestKeysNotEvaluated: a key template (or a module source) with nested directives over
// literal lists would take minutes to render; literal keys and sources are read, never
// evaluated.
func TestKeysNotEvaluated(t *testing.T) {
	list := "[" + strings.Repeat("1,", 50) + "1]"
	key := `"` + strings.Repeat("%{ for x in "+list+" }", 8) + "x" + strings.Repeat("%{ endfor }", 8) + `"`
	src := "resource \"a\" \"b\" {\n  m = { " + key + " = 1 }\n  n = { " + key + " = { k = 1 } }\n}\n" +
		"module \"m\" {\n  source = " + key + "\n}\n"
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.tf"), src)
	idx, err := loadWithin(t, dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool, 1)
	go func() {
		_, ok := idx.WrittenKeys("a.b", "m")
		_, located := idx.Locate("a.b", "n.x.k")
		done <- ok || !located
	}()
	select {
	case bad := <-done:
		if bad {
			t.Error("a key with template directives is not literal")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a key template was evaluated")
	}
}
