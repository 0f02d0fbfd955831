# Pod Security Admission labels to merge into a namespace's own: enforce baseline, audit
# and warn at restricted, judged by the standard of the cluster's version (v1.31).
data "ekspodsec_pod_security_admission" "web" {
  enforce            = "baseline"
  audit              = "restricted"
  warn               = "restricted"
  kubernetes_version = "1.31"
}

# The same labels fit kubernetes_namespace_v1's metadata { labels = ... }.
resource "kubernetes_manifest" "web_namespace" {
  manifest = {
    apiVersion = "v1"
    kind       = "Namespace"
    metadata = {
      name   = "web"
      labels = merge({ team = "web" }, data.ekspodsec_pod_security_admission.web.labels)
    }
  }
}

# Or the whole Namespace, restricted in every mode.
data "ekspodsec_pod_security_admission" "payments" {
  kubernetes_version = "1.31"
  namespace          = "payments"
  namespace_labels   = { team = "payments" }
}

resource "kubernetes_manifest" "payments_namespace" {
  manifest = data.ekspodsec_pod_security_admission.payments.manifest
}
