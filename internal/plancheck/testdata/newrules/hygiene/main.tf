# EPS033 (probes) and EPS034 (default namespace), both off by default; the test turns
# them on.
# - kubernetes_deployment_v1.legacy: no namespace written (default) -> EPS034; container
#   bare without probes -> EPS033; container probed with both -> passes.
# - kubernetes_job_v1.migrate: a Job in its own namespace, no probes -> nothing (batch
#   pods are exempt from EPS033).
resource "kubernetes_deployment_v1" "legacy" {
  metadata {
    name = "legacy"
  }
  spec {
    selector {
      match_labels = { app = "legacy" }
    }
    template {
      metadata {
        labels = { app = "legacy" }
      }
      spec {
        container {
          name  = "bare"
          image = "legacy/app:3.1.0"
        }
        container {
          name  = "probed"
          image = "legacy/sidecar:3.1.0"
          liveness_probe {
            tcp_socket {
              port = "8080"
            }
          }
          readiness_probe {
            http_get {
              path = "/ready"
              port = "8080"
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_job_v1" "migrate" {
  metadata {
    name      = "migrate"
    namespace = "legacy"
  }
  spec {
    template {
      metadata {}
      spec {
        restart_policy = "Never"
        container {
          name  = "migrate"
          image = "legacy/migrate:3.1.0"
        }
      }
    }
  }
  wait_for_completion = false
}
