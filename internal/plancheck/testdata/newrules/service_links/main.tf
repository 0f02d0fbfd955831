# EPS024 (service links not disabled).
# - kubernetes_pod_v1.default_links: enable_service_links not written: the provider sends
#   true -> EPS024 (info).
# - kubernetes_pod_v1.explicit_links: enable_service_links = true -> EPS024.
# - kubernetes_pod_v1.no_links: enable_service_links = false -> passes.
resource "kubernetes_pod_v1" "default_links" {
  metadata {
    name      = "default-links"
    namespace = "shop"
  }
  spec {
    container {
      name  = "app"
      image = "nginx:1.27.3"
    }
  }
}

resource "kubernetes_pod_v1" "explicit_links" {
  metadata {
    name      = "explicit-links"
    namespace = "shop"
  }
  spec {
    enable_service_links = true
    container {
      name  = "app"
      image = "nginx:1.27.3"
    }
  }
}

resource "kubernetes_pod_v1" "no_links" {
  metadata {
    name      = "no-links"
    namespace = "shop"
  }
  spec {
    enable_service_links = false
    container {
      name  = "app"
      image = "nginx:1.27.3"
    }
  }
}
