resource "kubernetes_config_map_v1" "overridden" {
  metadata {
    annotations = merge(var.extra, { a = "1" })
  }
}
