resource "kubernetes_daemon_set_v1" "agent" {
  for_each = var.nodes
  metadata {
    name = "agent-${each.key}"
  }
  spec {
    template {
      metadata {
        annotations = {
          "checksum/config" = sha256(jsonencode(var.config))
        }
      }
    }
  }
}
