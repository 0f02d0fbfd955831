package plan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// manifestObject reads kubernetes_manifest: `manifest` is what the user wrote, in
// Kubernetes' own camelCase shape (`object` is mostly unknown at plan time).
func manifestObject(rc *Change, after map[string]any, base Object) (*Object, error) {
	au, _ := rc.Change.AfterUnknown.(map[string]any)
	as, _ := rc.Change.AfterSensitive.(map[string]any)
	f := newFields(nil, "manifest")
	m, _ := after["manifest"].(map[string]any)
	if m == nil {
		if au["manifest"] == true {
			obj := base
			obj.Fields = f
			obj.Opaque = "its manifest is not known until apply"
			return &obj, nil
		}
		return nil, nil
	}
	markTree(au["manifest"], "", f.markUnknown)
	markTree(as["manifest"], "", f.markSensitive)
	collectSecrets(m, as["manifest"], f)
	return manifestDecode(m, f, base)
}

// markTree calls mark for every path where an after_unknown/after_sensitive tree is true.
func markTree(v any, p string, mark func(string)) {
	switch t := v.(type) {
	case bool:
		if t {
			mark(p)
		}
	case map[string]any:
		for k, c := range t {
			markTree(c, Join(p, k), mark)
		}
	case []any:
		for i, c := range t {
			markTree(c, Index(p, i), mark)
		}
	}
}

// manifestDecode decodes a manifest (a generic map) into a typed Object.
func manifestDecode(m map[string]any, f *Fields, base Object) (*Object, error) {
	apiVersion, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	if kind == "" {
		if f.Unknown("kind") {
			obj := base
			obj.Fields = f
			obj.Opaque = "its kind is not known until apply"
			return &obj, nil
		}
		return nil, fmt.Errorf("the manifest has no kind")
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding the %s: %w", kind, err)
	}
	return decodeObject(data, apiVersion, kind, f, base)
}

// collectSecrets remembers the values under every sensitive path of a manifest.
func collectSecrets(v, sens any, f *Fields) {
	if sens == true {
		f.addSecrets(v)
		return
	}
	switch t := sens.(type) {
	case map[string]any:
		m, _ := v.(map[string]any)
		for k, c := range t {
			collectSecrets(m[k], c, f)
		}
	case []any:
		l, _ := v.([]any)
		for i, c := range t {
			if i < len(l) {
				collectSecrets(l[i], c, f)
			}
		}
	}
}

// kubectlObjects reads kubectl_manifest (the kubectl provider): yaml_body, one or more
// YAML documents. When yaml_body is sensitive, the provider's yaml_body_parsed (secret
// values obfuscated) is read instead so that names can still be reported.
func kubectlObjects(rc *Change, after map[string]any, base Object) ([]*Object, error) {
	au, _ := rc.Change.AfterUnknown.(map[string]any)
	as, _ := rc.Change.AfterSensitive.(map[string]any)

	attr := "yaml_body"
	body, _ := after[attr].(string)
	sensitive := as[attr] == true
	if sensitive {
		if parsed, ok := after["yaml_body_parsed"].(string); ok && parsed != "" && as["yaml_body_parsed"] != true && au["yaml_body_parsed"] != true {
			attr, body, sensitive = "yaml_body_parsed", parsed, false
		}
	}
	if body == "" {
		if au["yaml_body"] == true {
			f := newFields(nil, "yaml_body")
			f.opaque = true
			obj := base
			obj.Fields = f
			obj.Opaque = "its yaml_body is not known until apply"
			return []*Object{&obj}, nil
		}
		return nil, nil
	}
	docs, err := splitYAML([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", attr, err)
	}
	var out []*Object
	for i, doc := range docs {
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return nil, fmt.Errorf("%s document %d: %w", attr, i+1, err)
		}
		if len(m) == 0 {
			continue
		}
		f := newFields(nil, attr)
		f.opaque = true
		if sensitive {
			f.markSensitive("")
			f.addSecrets(m)
		}
		b := base
		b.Doc = i
		obj, err := manifestDecode(m, f, b)
		if err != nil {
			return nil, fmt.Errorf("%s document %d: %w", attr, i+1, err)
		}
		if obj != nil {
			out = append(out, obj)
		}
	}
	return out, nil
}

// splitYAML splits a multi-document YAML stream.
func splitYAML(body []byte) ([][]byte, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(body)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
}
