package plan

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// awsAccessPolicyAssociationSchema is the block of hashicorp/aws's
// aws_eks_access_policy_association, as `terraform providers schema -json` writes it
// (internal/service/eks/access_policy_association.go: access_scope is a list of one
// block with type and a set of namespaces; associated_at and modified_at are computed).
// The aws provider is not in the offline mirror, so the excerpt is written here.
const awsAccessPolicyAssociationSchema = `{
  "attributes": {
    "associated_at": {"type": "string", "computed": true},
    "cluster_name":  {"type": "string", "required": true},
    "id":            {"type": "string", "computed": true},
    "modified_at":   {"type": "string", "computed": true},
    "policy_arn":    {"type": "string", "required": true},
    "principal_arn": {"type": "string", "required": true}
  },
  "block_types": {
    "access_scope": {"nesting_mode": "list", "min_items": 1, "max_items": 1, "block": {
      "attributes": {"namespaces": {"type": ["set", "string"], "optional": true}, "type": {"type": "string", "required": true}}
    }}
  }
}`

// TestAWSSchemaTable checks the AWS resource of the table as TestSchemaTableMatchesProvider
// checks the kubernetes provider's.
func TestAWSSchemaTable(t *testing.T) {
	var b providerBlock
	if err := json.Unmarshal([]byte(awsAccessPolicyAssociationSchema), &b); err != nil {
		t.Fatal(err)
	}
	fam, ok := NewReader().families["aws_eks_access_policy_association"]
	if !ok {
		t.Fatal("aws_eks_access_policy_association is not read")
	}
	compare(t, "aws_eks_access_policy_association", fam.root, b)
}

// newKindPlan is a plan with one resource change of type typ whose planned value is after.
func newKindPlan(typ, after, unknown, sensitive string) []byte {
	return []byte(`{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[{"address":"` + typ + `.x","mode":"managed","type":"` + typ +
		`","name":"x","provider_name":"registry.terraform.io/hashicorp/kubernetes","change":{"actions":["create"],"before":null,"after":` + after +
		`,"after_unknown":` + unknown + `,"before_sensitive":false,"after_sensitive":` + sensitive + `}}]}`)
}

// TestNewKinds reads the resource types the new rules need, and refuses their malformed
// values naming the address and the attribute, never the value.
func TestNewKinds(t *testing.T) {
	read := func(t *testing.T, data []byte) (*Inventory, error) {
		t.Helper()
		p, err := Parse(data)
		if err != nil {
			return nil, err
		}
		return NewReader().Read(p)
	}
	for name, tc := range map[string]struct {
		typ, after, unknown, sensitive string
		kind                           string
		check                          func(t *testing.T, o *Object)
	}{
		"secret without its data": {"kubernetes_secret_v1",
			`{"metadata":[{"name":"t","namespace":"ci","annotations":{"kubernetes.io/service-account.name":"ci"}}],"type":"kubernetes.io/service-account-token","data":{"token":"fixture-secret-value"}}`,
			`{}`, `{"data":true}`, "Secret", func(t *testing.T, o *Object) {
				s := o.Typed.(*corev1.Secret)
				if s.Type != corev1.SecretTypeServiceAccountToken || s.Data != nil || s.StringData != nil || o.Namespace != "ci" {
					t.Errorf("%+v", s)
				}
			}},
		"aws-auth keeps its mappings, other config maps nothing": {"kubernetes_config_map_v1_data",
			`{"metadata":[{"name":"aws-auth","namespace":"kube-system"}],"data":{"mapRoles":"- rolearn: x","other":"y"},"force":true}`,
			`{}`, `{}`, "ConfigMap", func(t *testing.T, o *Object) {
				c := o.Typed.(*corev1.ConfigMap)
				if c.Data["mapRoles"] != "- rolearn: x" || len(c.Data) != 1 {
					t.Errorf("%+v", c.Data)
				}
			}},
		"claim": {"kubernetes_persistent_volume_claim_v1",
			`{"metadata":[{"name":"data","namespace":"apps"}],"spec":[{"access_modes":["ReadWriteOnce"],"storage_class_name":"gp3","resources":[{"requests":{"storage":"1Gi"}}]}],"wait_until_bound":false}`,
			`{}`, `{}`, "PersistentVolumeClaim", func(t *testing.T, o *Object) {
				c := o.Typed.(*corev1.PersistentVolumeClaim)
				if c.Spec.StorageClassName == nil || *c.Spec.StorageClassName != "gp3" {
					t.Errorf("%+v", c.Spec)
				}
			}},
		"class": {"kubernetes_storage_class_v1",
			`{"metadata":[{"name":"gp3","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}],"storage_provisioner":"ebs.csi.aws.com"}`,
			`{}`, `{}`, "StorageClass", func(t *testing.T, o *Object) {
				if c := o.Typed.(*storagev1.StorageClass); c.Provisioner != "ebs.csi.aws.com" || o.Namespace != "" {
					t.Errorf("%+v", c)
				}
			}},
		"association": {"aws_eks_access_policy_association",
			`{"cluster_name":"prod","policy_arn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy","access_scope":[{"type":"cluster","namespaces":null}]}`,
			`{"principal_arn":true}`, `{}`, eks.AccessPolicyAssociationKind, func(t *testing.T, o *Object) {
				a := o.Typed.(*eks.AccessPolicyAssociation)
				if a.AccessScope.Type != "cluster" || !o.Fields.Unknown("principalArn") || o.Namespace != "" || o.Fields.TFPath("accessScope.type") != "access_scope[0].type" {
					t.Errorf("%+v %q", a, o.Fields.TFPath("accessScope.type"))
				}
			}},
	} {
		t.Run(name, func(t *testing.T) {
			inv, err := read(t, newKindPlan(tc.typ, tc.after, tc.unknown, tc.sensitive))
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Objects) != 1 || inv.Objects[0].Kind != tc.kind {
				t.Fatalf("objects %+v", inv.Objects)
			}
			tc.check(t, inv.Objects[0])
		})
	}
	for name, tc := range map[string]struct{ typ, after, want string }{
		"secret type not a string": {"kubernetes_secret_v1", `{"metadata":[{"name":"t"}],"type":["fixture-secret-value"]}`, "type"},
		"config map data":          {"kubernetes_config_map_v1", `{"metadata":[{"name":"aws-auth"}],"data":{"mapRoles":["fixture-secret-value"]}}`, "data"},
		"association scope":        {"aws_eks_access_policy_association", `{"policy_arn":"x","access_scope":"fixture-secret-value"}`, "access_scope"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := read(t, newKindPlan(tc.typ, tc.after, `{}`, `{}`))
			if err == nil || !strings.Contains(err.Error(), tc.typ+".x") || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "fixture-secret-value") {
				t.Errorf("error %v: want the address and %q, never the value", err, tc.want)
			}
		})
	}
}

// TestNewKindsComputed: the computed attributes the new rules read (computed_gen.go) are
// unset when the configuration does not write them — a claim's class is then the
// cluster's default class (EPS026), a container's pull policy Kubernetes' default
// (EPS035) — and unknown when written from a value computed at apply.
func TestNewKindsComputed(t *testing.T) {
	claim := func(classExpr map[string]any) plantest.Resource {
		spec := map[string]any{"access_modes": map[string]any{"constant_value": []any{"ReadWriteOnce"}}}
		if classExpr != nil {
			spec["storage_class_name"] = classExpr
		}
		return plantest.Resource{
			Address: "kubernetes_persistent_volume_claim_v1.data", Type: "kubernetes_persistent_volume_claim_v1", Name: "data",
			After: map[string]any{
				"metadata": []any{map[string]any{"name": "data", "namespace": "apps"}},
				"spec":     []any{map[string]any{"access_modes": []any{"ReadWriteOnce"}, "resources": []any{map[string]any{"requests": map[string]any{"storage": "1Gi"}}}}},
			},
			AfterUnknown: map[string]any{"spec": []any{map[string]any{"storage_class_name": true, "volume_name": true}}},
			Expressions:  map[string]any{"metadata": []any{map[string]any{"name": map[string]any{"constant_value": "data"}}}, "spec": []any{spec}},
		}
	}
	for name, tc := range map[string]struct {
		expr    map[string]any
		unknown bool
	}{
		"not written":              {nil, false},
		"written from an unknown":  {map[string]any{"references": []any{"kubernetes_storage_class_v1.x.metadata[0].name", "kubernetes_storage_class_v1.x"}}, true},
		"written, value not known": {map[string]any{}, true},
	} {
		o := objectAt(t, read(t, plantest.Plan(claim(tc.expr))), "kubernetes_persistent_volume_claim_v1.data")
		c := o.Typed.(*corev1.PersistentVolumeClaim)
		if c.Spec.StorageClassName != nil || o.Fields.Unknown("spec.storageClassName") != tc.unknown || o.Fields.Unknown("spec.volumeName") {
			t.Errorf("%s: class %v, unknown %v (%v)", name, c.Spec.StorageClassName, o.Fields.Unknown("spec.storageClassName"), o.Fields.UnknownPaths())
		}
	}

	dep := plantest.Resource{
		Address: "kubernetes_deployment_v1.d", Type: "kubernetes_deployment_v1", Name: "d",
		After: map[string]any{"metadata": []any{map[string]any{"name": "d"}}, "spec": []any{map[string]any{"template": []any{map[string]any{
			"spec": []any{map[string]any{"container": []any{map[string]any{"name": "c", "image": "nginx:1.27"}}}}}}}}},
		AfterUnknown: map[string]any{"spec": []any{map[string]any{"template": []any{map[string]any{"spec": []any{map[string]any{
			"container": []any{map[string]any{"image_pull_policy": true}}}}}}}}},
		Expressions: map[string]any{"spec": []any{map[string]any{"template": []any{map[string]any{"spec": []any{map[string]any{
			"container": []any{map[string]any{"name": map[string]any{"constant_value": "c"}, "image": map[string]any{"constant_value": "nginx:1.27"}}}}}}}}}},
	}
	o := objectAt(t, read(t, plantest.Plan(dep)), "kubernetes_deployment_v1.d")
	if p := "spec.template.spec.containers[0].imagePullPolicy"; o.Workload.Spec.Containers[0].ImagePullPolicy != "" || o.Fields.Unknown(p) {
		t.Errorf("image_pull_policy not written: %q, unknown %v", o.Workload.Spec.Containers[0].ImagePullPolicy, o.Fields.Unknown(p))
	}
}
