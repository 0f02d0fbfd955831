package plan

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
)

// providerBlock is a block of `terraform providers schema -json`.
type providerBlock struct {
	Attributes map[string]struct{} `json:"attributes"`
	BlockTypes map[string]struct {
		NestingMode string        `json:"nesting_mode"`
		MaxItems    int           `json:"max_items"`
		Block       providerBlock `json:"block"`
	} `json:"block_types"`
}

// TestSchemaTableMatchesProvider checks the adapters' table against the schema of the
// hashicorp/kubernetes provider 3.2.1 (testdata, from the shared fixtures): every
// attribute and block the table reads exists with the shape the table assumes (a block
// of at most one item becomes an object, others arrays; attributes stay attributes). What
// the provider computes is derived, not checked: see computed_test.go.
func TestSchemaTableMatchesProvider(t *testing.T) {
	raw, err := os.ReadFile("testdata/kubernetes-provider-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]struct {
				Block providerBlock `json:"block"`
			} `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var resources map[string]struct {
		Block providerBlock `json:"block"`
	}
	for _, p := range doc.ProviderSchemas {
		resources = p.ResourceSchemas
	}
	r := NewReader()
	types := make([]string, 0, len(r.families))
	for typ := range r.families {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		if strings.HasPrefix(typ, "aws_") {
			continue // hashicorp/aws's: TestAWSSchemaTable
		}
		res, ok := resources[typ]
		if !ok {
			t.Errorf("%s is not a resource of the provider", typ)
			continue
		}
		compare(t, typ, r.families[typ].root, res.Block)
	}
}

func compare(t *testing.T, at string, s *spec, b providerBlock) {
	t.Helper()
	for _, name := range s.keys {
		child := s.fields[name]
		p := at + "." + name
		if _, ok := b.Attributes[name]; ok {
			if child.shape == object || child.shape == array {
				t.Errorf("%s: the provider has an attribute, the table a block", p)
			}
			continue
		}
		bt, ok := b.BlockTypes[name]
		if !ok {
			t.Errorf("%s: not in the provider's schema", p)
			continue
		}
		switch {
		case child.shape == object && bt.MaxItems != 1 && !child.unbounded:
			t.Errorf("%s: the table reads a single block, the provider allows %d", p, bt.MaxItems)
		case child.shape == array && bt.MaxItems == 1:
			t.Errorf("%s: the table reads a list, the provider allows one block", p)
		case child.shape != object && child.shape != array:
			t.Errorf("%s: the provider has a block, the table an attribute", p)
		}
		compare(t, p, child, bt.Block)
	}
}
