# update_context_removed, step 1 (applied first): a Deployment with the restricted pod and
# container security contexts, requests and limits, and no service account token.
# Step 2 is ../main.tf (both security contexts removed).
# Namespace "shop" is managed elsewhere (it was created with kubectl before step 1).

resource "kubernetes_deployment_v1" "storefront" {
  metadata {
    name      = "storefront"
    namespace = "shop"
  }

  # No controllers run on the fixture's API server: do not wait for a rollout.
  wait_for_rollout = false

  spec {
    replicas = 2
    selector {
      match_labels = { app = "storefront" }
    }

    template {
      metadata {
        labels = { app = "storefront" }
      }

      spec {
        automount_service_account_token = false

        security_context {
          run_as_non_root = true
          run_as_user     = "10001"
          run_as_group    = "10001"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }

        container {
          name  = "web"
          image = "ghcr.io/example/storefront:3.2.0"

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
