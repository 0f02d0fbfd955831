# update_capability_added, step 1 (applied first): a restricted Deployment whose pod
# mounts its service account token (automount left unset: the provider sends true).
# Step 2 is ../main.tf (the agent container adds a capability).
# Namespace "monitoring" is managed elsewhere (it was created with kubectl before step 1).

resource "kubernetes_deployment_v1" "flow_agent" {
  metadata {
    name      = "flow-agent"
    namespace = "monitoring"
  }

  # No controllers run on the fixture's API server: do not wait for a rollout.
  wait_for_rollout = false

  spec {
    replicas = 1
    selector {
      match_labels = { app = "flow-agent" }
    }

    template {
      metadata {
        labels = { app = "flow-agent" }
      }

      spec {
        security_context {
          run_as_non_root = true
          run_as_user     = "10001"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }

        container {
          name  = "agent"
          image = "ghcr.io/example/flow-agent:1.4.0"

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

        container {
          name  = "exporter"
          image = "ghcr.io/example/flow-exporter:1.4.0"

          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }

          resources {
            requests = { cpu = "20m", memory = "32Mi" }
            limits   = { cpu = "100m", memory = "64Mi" }
          }
        }
      }
    }
  }
}
