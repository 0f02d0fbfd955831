package plancheck

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// TestSummaryCounts: the report counts the Kubernetes objects and the Terraform resources
// that produce them, not the plan's other resources (EKS facts, terraform_data, tls_*),
// and a kubectl_manifest of several documents is one resource of several objects.
func TestSummaryCounts(t *testing.T) {
	rep := checkPlan(t, "augmented_fargate_profile.json") // 3 Kubernetes resources, aws_eks_cluster, aws_eks_fargate_profile
	if rep.Resources != 3 || rep.Objects != 3 {
		t.Errorf("resources %d objects %d, want 3 and 3", rep.Resources, rep.Objects)
	}
	docs := plantest.Resource{Address: "kubectl_manifest.docs", Type: "kubectl_manifest", Name: "docs",
		After: map[string]any{"yaml_body": "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n"}}
	other := func(addr string) plantest.Resource {
		return plantest.Resource{Address: addr, After: map[string]any{"input": "x"}}
	}
	rep, err := Check(plantest.Plan(docs, other("terraform_data.x"), other("tls_private_key.k"), other("random_id.r")), Options{Gate: report.Gate{FailOn: finding.High}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Resources != 1 || rep.Objects != 2 {
		t.Errorf("resources %d objects %d, want 1 and 2", rep.Resources, rep.Objects)
	}
	var out bytes.Buffer
	if err := report.WriteText(&out, rep, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), " in 2 Kubernetes objects of 1 Terraform resource") {
		t.Errorf("summary line: %s", out.String())
	}
}
