# WrittenKeys: each attribute's comment says what its keys are, or why they are unknown.

module "apps" {
  source = "./modules/app"
  count  = 2
}

resource "kubernetes_deployment_v1" "literal" {
  metadata {
    name = "literal"
    # keys: 42, checksum/config, dotted.key/and-dashes, plain, true
    annotations = {
      "checksum/config"       = sha256(jsonencode(kubernetes_config_map_v1.cfg.data))
      plain                   = "x"
      "dotted.key/and-dashes" = var.v
      42                      = "n"
      true                    = "b"
      "plain"                 = "again"
    }
    labels = {} # keys: none
  }
  spec {
    template {
      metadata {
        annotations = tomap({ "a" = var.x, ("b") = "y" })                                        # keys: a, b
        labels      = merge({ app = "x" }, null, tomap({ "tier" = var.t }), { app = var.other }) # keys: app, tier
      }
      spec {
        container {
          name = "first"
          resources {
            limits = { cpu = var.cpu } # keys: cpu
          }
        }
        container {
          name = "second"
          resources {
            limits   = { cpu = "1", memory = local.memory } # keys: cpu, memory
            requests = var.requests                         # unknown
          }
        }
        dynamic "container" {
          for_each = ["third", "fourth"] # container[2], container[3]
          content {
            name = container.value
            resources {
              limits   = { "memory" = "1Gi" }        # keys: memory
              requests = { (container.value) = "1" } # unknown
            }
          }
        }
        dynamic "container" {
          for_each = var.more # container[4] and later
          content {
            name = container.key
            resources {
              limits = { cpu = container.value.cpu } # keys: cpu
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "computed" {
  metadata {
    name        = "computed"
    annotations = merge(local.base_annotations, { a = "1" })
    labels      = { for k, v in var.labels : k => v }
  }
  spec {
    template {
      metadata {
        annotations = { (var.key) = "x" }
        labels      = { "${var.prefix}/app" = "x" }
      }
      spec {
        node_selector = { "a%{if true}b%{endif}" = "x" }
        container {
          name = "c"
          resources {
            limits   = var.enabled ? { cpu = "1" } : {}
            requests = merge([{ cpu = "1" }]...)
          }
        }
        dynamic "container" {
          for_each = var.a
          content {
            resources {
              limits = { cpu = "1" } # written, but container[1] may be var.b's
            }
          }
        }
        dynamic "container" {
          for_each = var.b
          content {
            resources {
              limits = { memory = "1Gi" }
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "more_computed" {
  metadata {
    annotations = tomap(var.annotations)
    labels      = { a.b = "x" }
  }
  spec {
    template {
      metadata {
        annotations = lookup(var.all, "annotations", {})
        labels      = "not a map"
      }
    }
  }
}

resource "kubernetes_manifest" "pod" {
  manifest = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata = {
      name        = "m"
      annotations = { "container.apparmor.security.beta.kubernetes.io/app" = "runtime/default" }
      labels      = local.labels
    }
  }
}

# Any resource type, any attribute; tag_specifications is a list of blocks.
resource "aws_instance" "web" {
  tags = { Name = "web", Team = var.team }
}

resource "aws_launch_template" "nodes" {
  tag_specifications {
    resource_type = "instance"
    tags          = { Backup = "daily" }
  }
  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Backup = "never" })
  }
}

resource "kubernetes_config_map_v1" "overridden" {
  metadata {
    annotations = { a = "1" }
  }
}
