variable "nodes" {
  type    = set(string)
  default = ["a"]
}

resource "kubernetes_daemon_set_v1" "fluent" {
  for_each = var.nodes
  metadata {
    name = "fluent-${each.key}"
  }
  spec {
    selector {
      match_labels = { app = "fluent" }
    }
    template {
      metadata {
        labels = { app = "fluent" }
      }
      spec {
        container {
          name  = "fluent"
          image = "fluent/fluent-bit:3"
          volume_mount {
            name       = "logs"
            mount_path = "/var/log"
          }
        }
        volume {
          name = "logs"
          host_path {
            path = "/var/log"
          }
        }
      }
    }
  }
}
