package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:       "EPS116",
		Severity: finding.Low,
		Title:    "EKS access entry with an admin policy at cluster scope",
		Description: "An EKS access policy association (`aws_eks_access_policy_association`) gives a principal " +
			"`AmazonEKSClusterAdminPolicy` (cluster-admin) or `AmazonEKSAdminPolicy` (admin in every namespace) at " +
			"`cluster` scope. The rights come from EKS's authorizer, not from RBAC: no ClusterRoleBinding shows them, " +
			"and whoever can assume the role can change Pod Security Admission labels, run privileged pods and read " +
			"Secrets everywhere. The EKS guidance: least privilege, namespace-scoped policies (or RBAC groups) for " +
			"teams, cluster-admin for a break-glass role only. The principal's ARN is in the message (not sensitive " +
			"unless the plan marks it). Low: a cluster needs an administrator and plan-check cannot tell the " +
			"break-glass role from others; every association is named so it is reviewed — waive the admin role by " +
			"address, raise the rule with `rule \"EPS116\" { severity = \"high\" }`.",
		Guide: guideIAMAccess,
		Remediation: "Scope the association to namespaces (access_scope { type = \"namespace\" namespaces = [...] }) with " +
			"AmazonEKSEditPolicy or AmazonEKSViewPolicy, or map the principal to a Kubernetes group (kubernetes_groups) " +
			"bound to a narrower role; keep cluster-scoped admin policies for a break-glass role.",
		AppliesTo: "`aws_eks_access_policy_association` (hashicorp/aws)",
		Object: func(in *ObjectInput) []Result {
			a, ok := in.Obj.Typed.(*eks.AccessPolicyAssociation)
			if !ok {
				return nil
			}
			if in.Unknown("policyArn") {
				return []Result{unknown("policyArn", "", fmt.Sprintf("The access policy associated with %s is not known until apply: it could be an admin policy.", in.principal(a)))}
			}
			policy := eks.PolicyName(a.PolicyARN)
			if policy != eks.ClusterAdminPolicy && policy != eks.AdminPolicy {
				return nil
			}
			rights := "cluster-admin"
			if policy == eks.AdminPolicy {
				rights = "admin in every namespace"
			}
			switch {
			case in.Unknown("accessScope") || in.Unknown("accessScope.type"):
				return []Result{unknown("accessScope.type", "", fmt.Sprintf("%s is associated with %s at a scope not known until apply: at cluster scope it is %s.", policy, in.principal(a), rights))}
			case a.AccessScope.Type != "cluster":
				return nil
			}
			return []Result{fail("accessScope.type", "", fmt.Sprintf("EKS access policy %s is associated with %s at cluster scope: %s through EKS's authorizer, which no RBAC object shows.",
				policy, in.principal(a), rights))}
		},
	})
}

// principal names an association's principal for messages: its ARN, Redacted when
// sensitive.
func (in *ObjectInput) principal(a *eks.AccessPolicyAssociation) string {
	if in.Unknown("principalArn") {
		return "a principal whose ARN is not known until apply"
	}
	return "principal " + in.Plain("principalArn", a.PrincipalARN)
}
