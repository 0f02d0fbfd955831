# A hardened Deployment whose requests and limits come from the caller.
variable "name" {
  type = string
}

variable "namespace" {
  type    = string
  default = "apps"
}

variable "image" {
  type = string
}

variable "resources" {
  description = "Container requests and limits; {} means none."
  type = object({
    requests = map(string)
    limits   = map(string)
  })
  default = { requests = {}, limits = {} }
}

resource "kubernetes_deployment_v1" "this" {
  metadata {
    name      = var.name
    namespace = var.namespace
  }
  spec {
    replicas = 1
    selector {
      match_labels = { app = var.name }
    }
    template {
      metadata {
        labels = { app = var.name }
      }
      spec {
        automount_service_account_token = false
        security_context {
          run_as_non_root = true
          run_as_user     = "10001"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name  = var.name
          image = var.image
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = var.resources.requests
            limits   = var.resources.limits
          }
        }
      }
    }
  }
}
