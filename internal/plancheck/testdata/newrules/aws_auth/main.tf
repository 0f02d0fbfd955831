# EPS115 (IAM principal mapped into system:masters).
# - kubernetes_config_map_v1.aws_auth (kube-system): mapRoles by yamlencode: the node role
#   (system:bootstrappers, system:nodes) passes; role platform-admin with groups
#   [platform-viewers, system:masters] -> EPS115; mapUsers as a heredoc: user bob in
#   system:masters -> EPS115, user carol in a group of her own -> passes.
# - kubernetes_config_map_v1.not_aws_auth: a ConfigMap named aws-auth in another namespace
#   (not what aws-iam-authenticator reads) -> passes.
locals {
  account = "210987654321"
}

resource "kubernetes_config_map_v1" "aws_auth" {
  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }
  data = {
    mapRoles = yamlencode([
      {
        rolearn  = "arn:aws:iam::${local.account}:role/nodes"
        username = "system:node:{{EC2PrivateDNSName}}"
        groups   = ["system:bootstrappers", "system:nodes"]
      },
      {
        rolearn  = "arn:aws:iam::${local.account}:role/platform-admin"
        username = "platform-admin"
        groups   = ["platform-viewers", "system:masters"]
      },
    ])
    mapUsers = <<-YAML
      - userarn: arn:aws:iam::${local.account}:user/bob
        username: bob
        groups:
          - system:masters
      - userarn: arn:aws:iam::${local.account}:user/carol
        username: carol
        groups:
          - platform-viewers
    YAML
  }
}

resource "kubernetes_config_map_v1" "not_aws_auth" {
  metadata {
    name      = "aws-auth"
    namespace = "apps"
  }
  data = {
    mapRoles = <<-YAML
      - rolearn: arn:aws:iam::${local.account}:role/nobody
        groups: [system:masters]
    YAML
  }
}
