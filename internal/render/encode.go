package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// Generic returns an object as the map a kubernetes_manifest takes: its JSON, without
// the empty fields typed objects carry (metadata.creationTimestamp: null, status: {}).
// Numbers stay json.Number so integers keep their exact value.
func Generic(obj any) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", obj, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decoding %T: %w", obj, err)
	}
	clean(m)
	return m, nil
}

// clean drops null values and empty objects, recursively (never empty lists or strings,
// which can mean something).
func clean(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		for k, c := range t {
			if clean(c) {
				delete(t, k)
			}
		}
		return len(t) == 0
	case []any:
		for _, c := range t {
			clean(c)
		}
	}
	return false
}

// YAML renders objects as YAML documents (keys sorted), separated by "---".
func YAML(objs ...map[string]any) (string, error) {
	var docs []string
	for _, o := range objs {
		b, err := yaml.Marshal(o)
		if err != nil {
			return "", fmt.Errorf("encoding YAML: %w", err)
		}
		docs = append(docs, string(b))
	}
	return strings.Join(docs, "---\n"), nil
}

// JSON renders one object as an indented JSON object, several as an array.
func JSON(objs ...map[string]any) (string, error) {
	var v any = objs
	if len(objs) == 1 {
		v = objs[0]
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encoding JSON: %w", err)
	}
	return string(b) + "\n", nil
}

// All turns typed objects into their generic maps.
func All(objs ...any) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		m, err := Generic(o)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
