# for_each over locals written literally: their lengths are counted.

locals {
  sidecars = { proxy = {}, "metrics" = {} } # 2
  alias    = local.sidecars                 # 2, through another local
  steps    = toset(["a", "b", "a"])         # 2 distinct
  loop_a   = local.loop_b                   # a cycle: unknown
  loop_b   = local.loop_a
  computed = { for k in var.names : k => k } # unknown
}

locals {
  names = keys({ x = 1, y = 2, z = 3 }) # 3, in another locals block
  twice = [1]
}

locals {
  twice = [1, 2] # written twice: an error in Terraform, unknown here
}

resource "kubernetes_pod_v1" "from_locals" {
  spec {
    dynamic "container" {
      for_each = local.alias # container[0], container[1]
      content {
        name = "alias-${container.key}"
      }
    }
    dynamic "container" {
      for_each = local.steps # container[2], container[3]
      content {
        name = "step-${container.key}"
      }
    }
    dynamic "container" {
      for_each = local.names # container[4] .. container[6]
      content {
        name = "name-${container.key}"
      }
    }
    dynamic "container" {
      for_each = local.loop_a # container[7] and later, if any
      content {
        name = "loop"
      }
    }
    dynamic "container" {
      for_each = local.computed
      content {
        name = "computed"
      }
    }
    dynamic "init_container" {
      for_each = local.twice
      content {
        name = "twice"
      }
    }
    dynamic "init_container" {
      for_each = local.missing
      content {
        name = "missing"
      }
    }
  }
}
