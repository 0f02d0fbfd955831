# Defaults for containers that declare no requests or limits, and bounds on what they
# may ask. min <= default_request <= default <= max is checked for every resource.
data "ekspodsec_limit_range" "defaults" {
  name      = "defaults"
  namespace = "payments"

  container {
    default         = { cpu = "500m", memory = "512Mi" }
    default_request = { cpu = "100m", memory = "128Mi" }
    max             = { cpu = "2", memory = "2Gi" }
  }

  persistent_volume_claim {
    max = { storage = "50Gi" }
  }
}

resource "kubernetes_manifest" "limit_range" {
  manifest = data.ekspodsec_limit_range.defaults.manifest
}
