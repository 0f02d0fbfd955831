# The "roll the pods when the config changes" idiom: a pod template annotation holding a
# hash of a ConfigMap or Secret whose data is only known at apply (here it comes from a
# terraform_data resource, as it would from a rendered template or a generated password).
#
# The typed provider (SDKv2) plans a map with one unknown value as a wholly unknown map,
# and the plan's configuration section keeps the references of the expression, not its
# keys. Only the .tf source shows the keys:
#   kubernetes_deployment_v1.api: two literal keys (checksum/config, prometheus.io/scrape),
#     neither an AppArmor annotation -> EPS017 neither fails nor is unknown, once the source
#     index answers WrittenKeys (until then the map is unknown, and so is EPS017).
#   kubernetes_daemon_set_v1.log_agent: a literal AppArmor key whose value is literal too,
#     beside a computed checksum; the plan cannot say which value goes with which key, the
#     source's keys only say that the key exists -> EPS017 unknown.
#   kubernetes_deployment_v1.worker: annotations = merge(local.common, {...}) -> keys
#     computed -> EPS017 unknown.
# Everything else about the three workloads is hardened.

resource "terraform_data" "api_config" {
  input = { LOG_LEVEL = "info", FEATURE_FLAGS = "checkout,search" }
}

resource "terraform_data" "agent_token" {
  input = "generated-at-apply"
}

locals {
  common = { "example.com/team" = "payments" }
}

resource "kubernetes_config_map_v1" "api" {
  metadata {
    name      = "api-config"
    namespace = "shop"
  }
  data = terraform_data.api_config.output
}

resource "kubernetes_secret_v1" "agent" {
  metadata {
    name      = "log-agent-token"
    namespace = "logging"
  }
  data = { token = terraform_data.agent_token.output }
}

resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "api"
    namespace = "shop"
  }
  spec {
    replicas = 2
    selector {
      match_labels = { app = "api" }
    }
    template {
      metadata {
        labels = { app = "api" }
        annotations = {
          "checksum/config"      = sha256(jsonencode(kubernetes_config_map_v1.api.data))
          "prometheus.io/scrape" = "true"
        }
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
          name  = "api"
          image = "ghcr.io/example/api:5.1.0"
          env_from {
            config_map_ref {
              name = kubernetes_config_map_v1.api.metadata[0].name
            }
          }
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = { cpu = "100m", memory = "128Mi" }
            limits   = { cpu = "1", memory = "512Mi" }
          }
        }
      }
    }
  }
}

resource "kubernetes_daemon_set_v1" "log_agent" {
  metadata {
    name      = "log-agent"
    namespace = "logging"
  }
  spec {
    selector {
      match_labels = { app = "log-agent" }
    }
    template {
      metadata {
        labels = { app = "log-agent" }
        annotations = {
          "container.apparmor.security.beta.kubernetes.io/agent" = "runtime/default"
          "checksum/secret"                                      = sha256(jsonencode(kubernetes_secret_v1.agent.data))
        }
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
          name  = "agent"
          image = "ghcr.io/example/log-agent:1.4.2"
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = { cpu = "50m", memory = "64Mi" }
            limits   = { cpu = "200m", memory = "128Mi" }
          }
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "worker" {
  metadata {
    name      = "worker"
    namespace = "shop"
  }
  spec {
    replicas = 1
    selector {
      match_labels = { app = "worker" }
    }
    template {
      metadata {
        labels      = { app = "worker" }
        annotations = merge(local.common, { "checksum/config" = sha256(jsonencode(kubernetes_config_map_v1.api.data)) })
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
          name  = "worker"
          image = "ghcr.io/example/worker:5.1.0"
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = { cpu = "100m", memory = "128Mi" }
            limits   = { cpu = "500m", memory = "256Mi" }
          }
        }
      }
    }
  }
}
