package eks

import "strings"

// AccessPolicyAssociation is an EKS access policy associated with an access entry's
// principal (hashicorp/aws's aws_eks_access_policy_association): what the principal may
// do in the cluster, through EKS's authorizer rather than RBAC. Field names are the EKS
// API's, as plan-check's adapters write them.
type AccessPolicyAssociation struct {
	ClusterName  string      `json:"clusterName,omitempty"`
	PrincipalARN string      `json:"principalArn,omitempty"`
	PolicyARN    string      `json:"policyArn,omitempty"`
	AccessScope  AccessScope `json:"accessScope,omitempty"`
}

// AccessScope is where an access policy applies: "cluster", or "namespace" with the
// namespaces.
type AccessScope struct {
	Type       string   `json:"type,omitempty"`
	Namespaces []string `json:"namespaces,omitempty"`
}

// AccessPolicyAssociationKind is the kind plan-check gives the associations it reads (an
// AWS resource, not a Kubernetes object: no API server serves it).
const AccessPolicyAssociationKind = "EKSAccessPolicyAssociation"

// Admin policies grant the rights of cluster-admin (AmazonEKSClusterAdminPolicy) or admin
// (AmazonEKSAdminPolicy) to the principal, without any RBAC object that shows it.
const (
	ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"
	AdminPolicy        = "AmazonEKSAdminPolicy"
)

// PolicyName is the name of an access policy ARN
// ("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" →
// "AmazonEKSClusterAdminPolicy"), or "" when the ARN is not one of EKS's access policies.
func PolicyName(arn string) string {
	const prefix = ":cluster-access-policy/"
	i := strings.Index(arn, prefix)
	if !strings.HasPrefix(arn, "arn:") || i < 0 {
		return ""
	}
	return arn[i+len(prefix):]
}
