package release

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/helm"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// The hashicorp/helm provider's manifest experiment writes `manifest`: one JSON object
// keyed NAMESPACE/KIND.GROUP/VERSION/NAME, each value an object as Helm rendered it for a
// dry-run install against the cluster. It has traps (see the package README of the
// fixtures): hooks are missing, an unknown values document or set_list element renders as
// if empty (a known, wrong manifest), an unknown namespace renders into "default", and
// set_sensitive values are written into it unmarked. plan-check renders the chart itself
// and uses the manifest only to cross-check (Compare) and, where the chart cannot be
// rendered and no input is unknown, as a last resort (ManifestObjects).

// manifestObjects decodes the manifest into its objects, sorted by key.
func manifestObjects(manifest string) ([]map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(manifest))
	dec.UseNumber()
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("the manifest is not a JSON object of objects")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		d := json.NewDecoder(bytes.NewReader(m[k]))
		d.UseNumber()
		var obj map[string]any
		if err := d.Decode(&obj); err != nil || obj == nil {
			return nil, fmt.Errorf("an entry of the manifest is not an object")
		}
		out = append(out, obj)
	}
	return out, nil
}

// ManifestObjects turns the plan's manifest into objects for the rules: the last resort
// when the chart cannot be rendered and no input is unknown (so the manifest is what the
// provider will install, hooks aside). The manifest is sensitive as a whole when the
// release has a sensitive input (the provider writes set_sensitive values into it
// unmarked). Errors never quote the manifest.
func ManifestObjects(in *Input) ([]Doc, error) {
	objs, err := manifestObjects(in.Manifest)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Address, err)
	}
	var docs []Doc
	for _, m := range objs {
		marks := &object.PathMarks{}
		if in.AnySensitive || in.IdentitySensitive {
			marks.MarkSensitive("")
		}
		obj := decodeDoc(m, marks)
		if obj == nil {
			continue
		}
		if object.Namespaced(obj.Kind) && obj.Namespace == "" {
			obj.Namespace = in.Release.Namespace.Value
		}
		obj.Marks, obj.Origin = marks, in.Address
		docs = append(docs, Doc{Obj: obj})
	}
	return docs, nil
}

// Difference is how the plan's manifest and plan-check's render of a release differ.
type Difference struct {
	// OnlyManifest and OnlyRender identify the objects one side has and the other lacks
	// ("Deployment apps/web"); Changed those both have with different content.
	OnlyManifest, OnlyRender, Changed []string
}

// Empty reports whether the two agree.
func (d Difference) Empty() bool {
	return len(d.OnlyManifest) == 0 && len(d.OnlyRender) == 0 && len(d.Changed) == 0
}

// Compare cross-checks plan-check's render with the plan's manifest: the release's own
// objects (hooks and CRDs, which the manifest never holds, left out), matched by kind,
// namespace and name. Call it only when no input is unknown (otherwise the manifest is
// known to be wrong).
func Compare(in *Input, out *helm.Rendered) (Difference, error) {
	objs, err := manifestObjects(in.Manifest)
	if err != nil {
		return Difference{}, fmt.Errorf("%s: %w", in.Address, err)
	}
	ns := in.Release.Namespace.Value
	manifest := map[string]any{}
	for _, m := range objs {
		manifest[identity(m, ns)] = comparable(m, ns)
	}
	rendered := map[string]any{}
	for i := range out.Documents {
		d := &out.Documents[i]
		if len(d.Hook) > 0 || strings.HasPrefix(d.Template, "crds/") {
			continue
		}
		rendered[identity(d.Object, ns)] = comparable(d.Object, ns)
	}
	var diff Difference
	for id, m := range manifest {
		r, ok := rendered[id]
		switch {
		case !ok:
			diff.OnlyManifest = append(diff.OnlyManifest, id)
		case strings.HasPrefix(id, "Secret "):
			// The provider rewrites a Secret (stringData into data, every value cloaked):
			// only its presence compares.
		case !reflect.DeepEqual(r, m):
			diff.Changed = append(diff.Changed, id)
		}
	}
	for id := range rendered {
		if _, ok := manifest[id]; !ok {
			diff.OnlyRender = append(diff.OnlyRender, id)
		}
	}
	sort.Strings(diff.OnlyManifest)
	sort.Strings(diff.OnlyRender)
	sort.Strings(diff.Changed)
	return diff, nil
}

// identity names an object "Kind namespace/name" (the release namespace when it names
// none and its kind is namespaced).
func identity(m map[string]any, releaseNS string) string {
	kind, _ := m["kind"].(string)
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	if !object.Namespaced(kind) {
		return kind + " " + name
	}
	if ns == "" {
		ns = releaseNS
	}
	return kind + " " + ns + "/" + name
}

// comparable gives an object one number representation and its namespace, for
// comparison.
func comparable(m map[string]any, releaseNS string) any {
	b, err := json.Marshal(m)
	if err != nil {
		return m
	}
	var out map[string]any
	if json.Unmarshal(b, &out) != nil {
		return m
	}
	kind, _ := out["kind"].(string)
	if meta, ok := out["metadata"].(map[string]any); ok && object.Namespaced(kind) {
		if ns, _ := meta["namespace"].(string); ns == "" {
			meta["namespace"] = releaseNS
		}
	}
	return out
}
