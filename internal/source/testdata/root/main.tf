module "logging" {
  source = "./modules/logging"
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"
}

resource "kubernetes_pod_v1" "worker" {
  count = 2
  metadata {
    name = "worker-${count.index}"
  }
  spec {
    container {
      name  = "app"
      image = "nginx:1.25"
      security_context {
        privileged = true
      }
    }
    dynamic "container" {
      for_each = ["a", "b"]
      content {
        name  = container.value
        image = "busybox"
      }
    }
  }
}

resource "kubernetes_manifest" "pod" {
  manifest = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata   = { name = "m" }
    spec = {
      containers = [
        {
          name  = "app"
          image = "nginx"
          securityContext = {
            privileged = true
          }
        },
      ]
    }
  }
}
