# Requests and limits that reach the provider through variables, modules with count and
# for_each, nested modules, lookup() with a null default, and a sensitive variable. The
# provider makes requests/limits computed: an empty or null value shows in the plan as
# unknown, exactly like a value computed at apply, but here every value is in the plan
# (root variables, module call arguments): {} or null means nothing is sent.
#
#   module.tier[0] (web): requests and limits set -> neither EPS014 nor EPS015.
#   module.tier[1] (batch): {} and {} -> EPS014 and EPS015 fail (not unknown).
#   module.sidecar["envoy"].module.workload: limits set, requests {} -> the limits are the
#     requests: no EPS014, no EPS015.
#   module.sidecar["statsd"].module.workload: limits null -> {} -> EPS014 and EPS015 fail.
#   kubernetes_deployment_v1.autoscaler: limits = { cpu = lookup(var.autoscaler,
#     "limit_cpu", null), ... } with no such keys -> no limits: EPS015 fails; requests are
#     looked up and found -> no EPS014.
#   kubernetes_deployment_v1.reporting: limits = var.report_limits, a sensitive variable
#     whose value is {} -> EPS015 fails; requests written.
#   kubernetes_deployment_v1.sized_at_apply: requests and limits from a ConfigMap whose
#     data is known only at apply -> EPS014 and EPS015 unknown.
#   module.from_local: resources = local.defaults -> locals are not in the plan: EPS014
#     and EPS015 stay unknown.

variable "tiers" {
  type = list(object({
    name      = string
    resources = object({ requests = map(string), limits = map(string) })
  }))
  default = [
    {
      name      = "web"
      resources = { requests = { cpu = "100m", memory = "128Mi" }, limits = { cpu = "500m", memory = "256Mi" } }
    },
    {
      name      = "batch"
      resources = { requests = {}, limits = {} }
    },
  ]
}

variable "sidecars" {
  type = map(object({
    image  = string
    limits = optional(map(string))
  }))
  default = {
    envoy  = { image = "envoyproxy/envoy:v1.31.2", limits = { cpu = "200m", memory = "128Mi" } }
    statsd = { image = "prom/statsd-exporter:v0.27.1" }
  }
}

variable "autoscaler" {
  type = map(string)
  default = {
    request_cpu    = "100m"
    request_memory = "300Mi"
  }
}

variable "report_limits" {
  type      = map(string)
  default   = {}
  sensitive = true
}

locals {
  defaults = { requests = {}, limits = {} }
}

module "tier" {
  count     = length(var.tiers)
  source    = "./modules/app"
  name      = var.tiers[count.index].name
  image     = "ghcr.io/example/${var.tiers[count.index].name}:2.0.0"
  resources = var.tiers[count.index].resources
}

module "sidecar" {
  for_each = var.sidecars
  source   = "./modules/sidecar"
  name     = each.key
  image    = each.value.image
  limits   = each.value.limits
}

module "from_local" {
  source    = "./modules/app"
  name      = "from-local"
  image     = "ghcr.io/example/from-local:1.0.0"
  resources = local.defaults
}

resource "terraform_data" "sizes" {
  input = { cpu = "250m", memory = "256Mi" }
}

resource "kubernetes_config_map_v1" "sizes" {
  metadata {
    name      = "sizes"
    namespace = "apps"
  }
  data = terraform_data.sizes.output
}

resource "kubernetes_deployment_v1" "autoscaler" {
  metadata {
    name      = "cluster-autoscaler"
    namespace = "kube-system"
  }
  spec {
    selector {
      match_labels = { app = "cluster-autoscaler" }
    }
    template {
      metadata {
        labels = { app = "cluster-autoscaler" }
      }
      spec {
        automount_service_account_token = true
        security_context {
          run_as_non_root = true
          run_as_user     = "65534"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name  = "cluster-autoscaler"
          image = "registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0"
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            limits = {
              cpu    = lookup(var.autoscaler, "limit_cpu", null)
              memory = lookup(var.autoscaler, "limit_memory", null)
            }
            requests = {
              cpu    = lookup(var.autoscaler, "request_cpu", null)
              memory = lookup(var.autoscaler, "request_memory", null)
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "reporting" {
  metadata {
    name      = "reporting"
    namespace = "apps"
  }
  spec {
    selector {
      match_labels = { app = "reporting" }
    }
    template {
      metadata {
        labels = { app = "reporting" }
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
          name  = "reporting"
          image = "ghcr.io/example/reporting:1.2.0"
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = { cpu = "100m", memory = "128Mi" }
            limits   = var.report_limits
          }
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "sized_at_apply" {
  metadata {
    name      = "sized-at-apply"
    namespace = "apps"
  }
  spec {
    selector {
      match_labels = { app = "sized-at-apply" }
    }
    template {
      metadata {
        labels = { app = "sized-at-apply" }
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
          name  = "app"
          image = "ghcr.io/example/sized:1.0.0"
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = kubernetes_config_map_v1.sizes.data
            limits   = kubernetes_config_map_v1.sizes.data
          }
        }
      }
    }
  }
}
