# EPS029 (image not pinned), EPS030 (no digest, off by default) and EPS035 (pull policy
# not Always, off by default); the test turns EPS030 and EPS035 on.
# - latest: nginx:latest -> EPS029; pull policy defaults to Always -> no EPS035.
# - untagged: registry.local:5000/tools/jq (the :5000 is a port) -> EPS029.
# - tagged: nginx:1.27.3 -> EPS030, EPS035 (defaults to IfNotPresent); no EPS029.
# - digest: pinned by digest, image_pull_policy = "Always" -> nothing.
# - if-not-present: tag and digest, image_pull_policy = "IfNotPresent" written -> EPS035.
resource "kubernetes_deployment_v1" "images" {
  metadata {
    name      = "images"
    namespace = "shop"
  }
  spec {
    selector {
      match_labels = { app = "images" }
    }
    template {
      metadata {
        labels = { app = "images" }
      }
      spec {
        init_container {
          name  = "untagged"
          image = "registry.local:5000/tools/jq"
        }
        container {
          name  = "latest"
          image = "nginx:latest"
        }
        container {
          name  = "tagged"
          image = "nginx:1.27.3"
        }
        container {
          name              = "digest"
          image             = "nginx@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a"
          image_pull_policy = "Always"
        }
        container {
          name              = "if-not-present"
          image             = "nginx:1.27.3@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a"
          image_pull_policy = "IfNotPresent"
        }
      }
    }
  }
}
