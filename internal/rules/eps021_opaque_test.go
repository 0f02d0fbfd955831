package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

func TestOpaqueManifest(t *testing.T) {
	o := &object.Object{Opaque: "its manifest is not known until apply", Origin: "kubernetes_manifest.x"}
	fs := judgeObjects(t, Options{}, Facts{}, o)
	if !has(fs, finding.Unknown, "EPS021") || len(fs) != 1 {
		t.Fatalf("an unknown manifest must be reported unknown, once: %s", ids(fs))
	}
}
