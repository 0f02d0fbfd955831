# A quota on requests and limits of CPU and memory: every pod in the namespace must then
# declare them (the guide's advice). Leaving one of the four out is a warning.
data "ekspodsec_resource_quota" "compute" {
  name      = "compute"
  namespace = "payments"
  hard = {
    "requests.cpu"           = "8"
    "requests.memory"        = "16Gi"
    "limits.cpu"             = "16"
    "limits.memory"          = "32Gi"
    "pods"                   = "50"
    "count/deployments.apps" = "20"
  }
}

resource "kubernetes_manifest" "quota" {
  manifest = data.ekspodsec_resource_quota.compute.manifest
}
