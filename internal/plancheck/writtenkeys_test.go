package plancheck

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// literalKeys is a plan.Source that knows the keys checksum_annotations' main.tf writes
// literally: what source.Index.WrittenKeys will answer for that case.
type literalKeys map[string][]string

func (k literalKeys) WrittenKeys(address, tfPath string) ([]string, bool) {
	keys, ok := k[address+" "+tfPath]
	return keys, ok
}

// TestWrittenKeysDecideEPS017 judges checksum_annotations with a Source that knows the
// literal annotation keys: the checksum Deployment's one key is not an AppArmor
// annotation, so EPS017 is neither unknown nor failed; the merge() Deployment, whose keys
// the source cannot list, stays unknown.
func TestWrittenKeysDecideEPS017(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "plans", "checksum_annotations.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	src := literalKeys{"kubernetes_deployment_v1.checksum spec[0].template[0].metadata[0].annotations": {"checksum/config"}}
	inv, err := plan.NewReaderWith(plan.ReaderOptions{Source: src}).Read(p)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := rules.New(rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctxObjs := subjects(inv.Objects)
	rctx := eng.Context(ctxObjs, rules.Facts{})
	status := map[string]finding.Status{}
	for i, o := range inv.Objects {
		for _, v := range eng.Judge(rctx, ctxObjs[i]) {
			if v.Rule.ID == "EPS017" {
				status[o.Address] = v.Status
			}
		}
	}
	if s, ok := status["kubernetes_deployment_v1.checksum"]; ok {
		t.Errorf("checksum: EPS017 %s, want none (its one annotation key is literal)", s)
	}
	if status["kubernetes_deployment_v1.merged"] != finding.Unknown {
		t.Errorf("merged: EPS017 %q, want unknown (keys computed by merge())", status["kubernetes_deployment_v1.merged"])
	}
}

func subjects(objs []*plan.Object) []*object.Object {
	out := make([]*object.Object, len(objs))
	for i, o := range objs {
		out[i] = subject(o)
	}
	return out
}
