# EPS116 (EKS access entry with an admin policy at cluster scope). The aws provider is not
# in the offline mirror: this real plan holds only the namespace the teams use, and
# augment.py adds aws_eks_access_policy_association resources in the shape the aws
# provider writes them:
# - platform: AmazonEKSClusterAdminPolicy at cluster scope -> EPS116.
# - oncall: AmazonEKSAdminPolicy at cluster scope -> EPS116.
# - team: AmazonEKSAdminPolicy scoped to namespace team-a -> passes.
# - auditors: AmazonEKSViewPolicy at cluster scope -> passes.
# - ci: AmazonEKSClusterAdminPolicy at cluster scope, principal known only after apply ->
#   EPS116, the message says the ARN is not known.
resource "kubernetes_namespace_v1" "team_a" {
  metadata {
    name = "team-a"
    labels = {
      "pod-security.kubernetes.io/enforce" = "restricted"
      "pod-security.kubernetes.io/warn"    = "restricted"
      "pod-security.kubernetes.io/audit"   = "restricted"
    }
  }
}
