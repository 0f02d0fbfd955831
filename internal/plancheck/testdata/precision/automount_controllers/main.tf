# Service account tokens: a controller that calls the API writes
# automount_service_account_token = true on purpose; a web app leaves it unset (the
# provider sends true); a batch Pod turns it off.
#   kubernetes_deployment_v1.operator: explicit true -> EPS020 (info: requested on purpose).
#   kubernetes_deployment_v1.web: unset -> EPS020 (low).
#   kubernetes_pod_v1.batch: false -> no EPS020.

resource "kubernetes_deployment_v1" "operator" {
  metadata {
    name      = "cert-operator"
    namespace = "operators"
  }
  spec {
    selector {
      match_labels = { app = "cert-operator" }
    }
    template {
      metadata {
        labels = { app = "cert-operator" }
      }
      spec {
        service_account_name            = "cert-operator"
        automount_service_account_token = true
        security_context {
          run_as_non_root = true
          run_as_user     = "65532"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name  = "operator"
          image = "ghcr.io/example/cert-operator:1.15.3"
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = { cpu = "10m", memory = "32Mi" }
            limits   = { cpu = "100m", memory = "128Mi" }
          }
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "web" {
  metadata {
    name      = "web"
    namespace = "apps"
  }
  spec {
    selector {
      match_labels = { app = "web" }
    }
    template {
      metadata {
        labels = { app = "web" }
      }
      spec {
        security_context {
          run_as_non_root = true
          run_as_user     = "10001"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name  = "web"
          image = "nginx:1.27.3"
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = { cpu = "100m", memory = "128Mi" }
            limits   = { cpu = "500m", memory = "256Mi" }
          }
        }
      }
    }
  }
}

resource "kubernetes_pod_v1" "batch" {
  metadata {
    name      = "batch"
    namespace = "apps"
  }
  spec {
    automount_service_account_token = false
    restart_policy                  = "Never"
    security_context {
      run_as_non_root = true
      run_as_user     = "10001"
      seccomp_profile {
        type = "RuntimeDefault"
      }
    }
    container {
      name  = "batch"
      image = "ghcr.io/example/batch:1.0.0"
      security_context {
        allow_privilege_escalation = false
        read_only_root_filesystem  = true
        capabilities {
          drop = ["ALL"]
        }
      }
      resources {
        requests = { cpu = "100m", memory = "128Mi" }
        limits   = { cpu = "500m", memory = "256Mi" }
      }
    }
  }
}
