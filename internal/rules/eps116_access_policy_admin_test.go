package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS116(t *testing.T) {
	assoc := func(policy, scope string) string {
		return "kind: " + eks.AccessPolicyAssociationKind + "\nclusterName: prod\nprincipalArn: arn:aws:iam::111122223333:role/ci\npolicyArn: arn:aws:eks::aws:cluster-access-policy/" + policy + "\naccessScope: {type: " + scope + "}\n"
	}
	runCases(t, []ruleCase{
		{name: "cluster admin", doc: assoc("AmazonEKSClusterAdminPolicy", "cluster"), fail: []string{"EPS116"}},
		{name: "admin", doc: assoc("AmazonEKSAdminPolicy", "cluster"), fail: []string{"EPS116"}},
		{name: "namespaced admin", doc: assoc("AmazonEKSAdminPolicy", "namespace"), notAnything: []string{"EPS116"}},
		{name: "view", doc: assoc("AmazonEKSViewPolicy", "cluster"), notAnything: []string{"EPS116"}},
		{name: "scope unknown", doc: assoc("AmazonEKSClusterAdminPolicy", "\"(unknown)\""), unknown: []string{"EPS116"}},
		{name: "policy unknown", doc: "kind: " + eks.AccessPolicyAssociationKind + "\npolicyArn: \"(unknown)\"\naccessScope: {type: cluster}\n", unknown: []string{"EPS116"}},
	})
	fs := judge(t, Options{}, map[string]string{"aws_eks_access_policy_association.ci": assoc("AmazonEKSClusterAdminPolicy", "cluster")})
	for _, f := range fs {
		if f.RuleID == "EPS116" && (f.Status != finding.Fail || !strings.Contains(f.Message, "AmazonEKSClusterAdminPolicy is associated with principal arn:aws:iam::111122223333:role/ci at cluster scope: cluster-admin")) {
			t.Errorf("%+v", f)
		}
	}
	fs = judge(t, Options{}, map[string]string{"aws_eks_access_policy_association.ci": strings.Replace(assoc("AmazonEKSClusterAdminPolicy", "cluster"), "principalArn: arn", "principalArn: (sensitive)arn", 1)})
	for _, f := range fs {
		if strings.Contains(f.Message, "role/ci") {
			t.Errorf("a sensitive ARN is printed: %q", f.Message)
		}
	}
}
