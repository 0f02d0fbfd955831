# EPS031 (Secret exposed as environment variables).
# - container api: env.value_from.secret_key_ref (DB_PASSWORD) and env_from.secret_ref
#   (api-keys) -> EPS031 twice; the config_map_key_ref and config_map_ref pass.
# - container reader: the same Secret as a volume -> passes.
resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "api"
    namespace = "payments"
  }
  spec {
    selector {
      match_labels = { app = "api" }
    }
    template {
      metadata {
        labels = { app = "api" }
      }
      spec {
        container {
          name  = "api"
          image = "payments/api:2.4.0"
          env {
            name = "DB_PASSWORD"
            value_from {
              secret_key_ref {
                name = "payments-db"
                key  = "password"
              }
            }
          }
          env {
            name = "LOG_LEVEL"
            value_from {
              config_map_key_ref {
                name = "payments-settings"
                key  = "log-level"
              }
            }
          }
          env {
            name  = "REGION"
            value = "eu-west-1"
          }
          env_from {
            secret_ref {
              name = "api-keys"
            }
          }
          env_from {
            config_map_ref {
              name = "payments-settings"
            }
          }
        }
        container {
          name  = "reader"
          image = "payments/reader:2.4.0"
          volume_mount {
            name       = "db"
            mount_path = "/run/secrets/db"
            read_only  = true
          }
        }
        volume {
          name = "db"
          secret {
            secret_name = "payments-db"
          }
        }
      }
    }
  }
}
