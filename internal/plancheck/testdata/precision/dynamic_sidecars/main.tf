# Containers, init containers and volumes generated with dynamic blocks over known
# collections, as platform modules write "extra containers" inputs. The plan has every
# generated block in full; its configuration section leaves dynamic blocks out, so nothing
# inside them can be matched to what the user wrote.
#   container "shell-helper" (privileged = true from the local) -> EPS001 fails for it
#     only; "app" and "proxy" are not privileged.
#   container "proxy" writes no resources block inside the content: the provider plans the
#     computed block wholly unknown, and a written block would be a known list -> not
#     written: EPS014 and EPS015 fail for it.
#   container "app" writes resources with limits from the collection and requests {} ->
#     the limits count as requests: neither EPS014 nor EPS015.
#   the dynamic "volume" over var.host_mounts makes a hostPath volume -> EPS005 fails.
#   init container "migrate" from var.init_containers -> not privileged: no EPS001 for it.

variable "init_containers" {
  type = list(object({
    name  = string
    image = string
  }))
  default = [{ name = "migrate", image = "ghcr.io/example/migrate:4.17.0" }]
}

variable "host_mounts" {
  type    = map(string)
  default = { node-logs = "/var/log" }
}

locals {
  containers = {
    app = {
      image      = "ghcr.io/example/app:3.0.0"
      privileged = false
      limits     = { cpu = "500m", memory = "256Mi" }
    }
    proxy = {
      image      = "envoyproxy/envoy:v1.31.2"
      privileged = false
      limits     = null
    }
    shell-helper = {
      image      = "busybox:1.36.1"
      privileged = true
      limits     = null
    }
  }
}

resource "kubernetes_deployment_v1" "app" {
  metadata {
    name      = "app"
    namespace = "apps"
  }
  spec {
    selector {
      match_labels = { app = "app" }
    }
    template {
      metadata {
        labels = { app = "app" }
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

        dynamic "init_container" {
          for_each = var.init_containers
          content {
            name  = init_container.value.name
            image = init_container.value.image
            security_context {
              allow_privilege_escalation = false
              capabilities {
                drop = ["ALL"]
              }
            }
            resources {
              requests = { cpu = "50m", memory = "64Mi" }
              limits   = { cpu = "100m", memory = "128Mi" }
            }
          }
        }

        dynamic "container" {
          for_each = local.containers
          content {
            name  = container.key
            image = container.value.image
            security_context {
              privileged                 = container.value.privileged
              allow_privilege_escalation = false
              capabilities {
                drop = ["ALL"]
              }
            }
            dynamic "resources" {
              for_each = container.value.limits == null ? [] : [container.value.limits]
              content {
                limits   = resources.value
                requests = {}
              }
            }
            dynamic "volume_mount" {
              for_each = var.host_mounts
              content {
                name       = volume_mount.key
                mount_path = "/host${volume_mount.value}"
                read_only  = true
              }
            }
          }
        }

        dynamic "volume" {
          for_each = var.host_mounts
          content {
            name = volume.key
            host_path {
              path = volume.value
            }
          }
        }
      }
    }
  }
}
