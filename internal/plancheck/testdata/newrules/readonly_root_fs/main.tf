# EPS023 (root filesystem not read-only). One Deployment, four containers:
# - provider-default: a security_context without read_only_root_filesystem: the provider
#   sends false -> EPS023, the message says the provider sent it.
# - written-false: read_only_root_filesystem = false written -> EPS023.
# - no-context: no security_context at all: Kubernetes defaults it to false -> EPS023.
# - read-only: read_only_root_filesystem = true, an emptyDir for /tmp -> passes.
resource "kubernetes_deployment_v1" "web" {
  metadata {
    name      = "web"
    namespace = "shop"
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
        enable_service_links = false
        container {
          name  = "provider-default"
          image = "nginx:1.27.3"
          security_context {
            allow_privilege_escalation = false
          }
        }
        container {
          name  = "written-false"
          image = "nginx:1.27.3"
          security_context {
            read_only_root_filesystem = false
          }
        }
        container {
          name  = "no-context"
          image = "nginx:1.27.3"
        }
        container {
          name  = "read-only"
          image = "nginx:1.27.3"
          security_context {
            read_only_root_filesystem = true
          }
          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }
        }
        volume {
          name = "tmp"
          empty_dir {}
        }
      }
    }
  }
}
