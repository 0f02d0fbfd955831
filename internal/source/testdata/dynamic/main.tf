# Locate inside dynamic blocks: each comment says which plan indexes a block produces.

resource "kubernetes_pod_v1" "mixed" {
  spec {
    container {
      name = "static0" # container[0]
    }
    container {
      name = "static1" # container[1]
    }
    dynamic "container" {
      for_each = { a = 1, "b" = 2 } # container[2], container[3]
      content {
        name = container.key
        security_context {
          privileged = true
        }
      }
    }
    dynamic "container" {
      for_each = var.more # container[4] and every later one: the last candidate
      iterator = c
      content {
        name = c.key
        dynamic "env" {
          for_each = c.value.env
          content {
            name  = env.key
            value = env.value
          }
        }
        security_context {
          dynamic "capabilities" {
            for_each = [1] # capabilities[0] only
            content {
              drop = ["ALL"]
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_pod_v1" "ambiguous" {
  spec {
    container {
      name = "first" # container[0]
    }
    dynamic "container" {
      for_each = var.a # container[1]... or are they var.b's?
      content {
        name = container.key
      }
    }
    dynamic "container" {
      for_each = var.b
      content {
        name = container.key
      }
    }
    dynamic "init_container" {
      for_each = var.steps # init_container[0]... unless var.steps is empty
      content {
        name = init_container.value
      }
    }
    init_container {
      name = "last"
    }
    dynamic "volume" {
      for_each = var.volumes # the whole list unknown in the plan: spec[0].volume
      content {
        name = volume.key
      }
    }
  }
}

resource "kubernetes_pod_v1" "literal_counts" {
  spec {
    dynamic "container" {
      for_each = [] # nothing
      content {
        name = "never"
      }
    }
    dynamic "container" {
      for_each = ["x", var.y] # container[0], container[1]
      content {
        name = container.value
      }
    }
    container {
      name = "after" # container[2]
    }
    dynamic "container" {
      for_each = var.rest # container[3] and later
      content {
        name = container.value
      }
    }
  }
}

resource "kubernetes_deployment_v1" "autoscaler" {
  spec {
    template {
      spec {
        container {
          name = "cluster-autoscaler"
          dynamic "resources" {
            for_each = var.resources == null ? [] : [var.resources]
            content {
              requests = { cpu = resources.value.request_cpu }
              limits = {
                cpu    = lookup(resources.value, "limit_cpu", null)
                memory = lookup(resources.value, "limit_memory", null)
              }
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_pod_v1" "no_content" {
  spec {
    dynamic "container" {
      for_each = var.x
    }
  }
}
