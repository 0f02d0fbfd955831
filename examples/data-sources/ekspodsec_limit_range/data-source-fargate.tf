# For a namespace whose pods run on EKS Fargate: fargate_pod_size is what Fargate bills a
# pod that takes the defaults (its request plus 256 MB, rounded up to a Fargate size).
# Defaults that waste a size are a warning. With the provider's eks block, fargate
# defaults to whether a Fargate profile selects the namespace.
data "ekspodsec_limit_range" "fargate" {
  name      = "defaults"
  namespace = "fargate-apps"
  fargate   = true

  container {
    default         = { cpu = "1", memory = "1Gi" }
    default_request = { cpu = "500m", memory = "768Mi" }
  }
}

resource "kubernetes_manifest" "fargate_limit_range" {
  manifest = data.ekspodsec_limit_range.fargate.manifest
}

output "fargate_pod_size" {
  value = data.ekspodsec_limit_range.fargate.fargate_pod_size.summary # 0.5 vCPU / 1 GB
}
