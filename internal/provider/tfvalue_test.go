package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

// TestTerraformValue: the dynamic value carries the object's shape and exact values.
func TestTerraformValue(t *testing.T) {
	p, err := profile.New(profile.Restricted, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := render.PodSecurityPolicy(p, "", render.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := render.Generic(res.Policy)
	if err != nil {
		t.Fatal(err)
	}
	v, err := manifestValue(m)
	if err != nil {
		t.Fatal(err)
	}
	obj, ok := v.UnderlyingValue().(types.Object)
	if !ok {
		t.Fatalf("manifest is %T, want an object", v.UnderlyingValue())
	}
	spec := obj.Attributes()["spec"].(types.Object).Attributes()
	if spec["privileged"].(types.Bool).ValueBool() || spec["runAsUser"].(types.Object).Attributes()["rule"].(types.String).ValueString() != "MustRunAsNonRoot" {
		t.Errorf("spec %v", spec)
	}
	maxID := spec["fsGroup"].(types.Object).Attributes()["ranges"].(types.Tuple).Elements()[0].(types.Object).Attributes()["max"].(types.Number).ValueBigFloat()
	if i, acc := maxID.Int64(); i != 65535 || acc != 0 {
		t.Errorf("fsGroup max %v", maxID)
	}
	vols := spec["volumes"].(types.Tuple).Elements()
	if len(vols) != 6 || vols[5].(types.String).ValueString() != "persistentVolumeClaim" {
		t.Errorf("volumes %v", vols)
	}
	rbac, _ := render.PolicyRBAC("restricted", "", []render.Binding{{Namespace: "a"}, {Namespace: "b", ServiceAccounts: []string{"x"}}}, render.Meta{})
	objs, _ := render.All(rbac.Objects()...)
	many, err := manifestsValue(objs...)
	if err != nil {
		t.Fatal(err)
	}
	if tup, ok := many.UnderlyingValue().(types.Tuple); !ok || len(tup.Elements()) != 3 {
		t.Errorf("manifests %v", many)
	}
	byNS, err := manifestsByKeyValue(map[string]map[string]any{"a": objs[1], "b": objs[2]})
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := byNS.UnderlyingValue().(types.Object); !ok || len(o.Attributes()) != 2 {
		t.Errorf("by key %v", byNS)
	}
	if _, err := terraformValue(map[string]any{"f": 1.5}); err == nil {
		t.Error("a float64 (not from Generic) was accepted")
	}
}
