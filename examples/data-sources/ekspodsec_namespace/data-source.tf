# A hardened namespace in one data source: the Namespace with Pod Security Admission
# labels (restricted), a LimitRange with default requests and limits, and a
# ResourceQuota on requests and limits. Every default can be overridden, as here.
data "ekspodsec_namespace" "payments" {
  name               = "payments"
  kubernetes_version = "1.31"

  container_default_request = { cpu = "250m", memory = "256Mi" }
  container_default         = { cpu = "500m", memory = "512Mi" }
  quota_hard = {
    "requests.cpu"    = "8"
    "requests.memory" = "16Gi"
    "limits.cpu"      = "16"
    "limits.memory"   = "32Gi"
    "pods"            = "50"
  }
}

resource "kubernetes_manifest" "payments_namespace" {
  manifest = data.ekspodsec_namespace.payments.manifests_by_kind.namespace
}

# The LimitRange and the ResourceQuota, once the namespace exists.
resource "kubernetes_manifest" "payments" {
  for_each = { for kind, m in data.ekspodsec_namespace.payments.manifests_by_kind : kind => m if kind != "namespace" }
  manifest = each.value

  depends_on = [kubernetes_manifest.payments_namespace]
}
