# Why this case exists: an UPDATE plan where one container of a restricted Deployment adds
# a capability ("the agent needs raw sockets to capture flows"). Step 1 was
# applied/main.tf. This is step 2: container "agent" adds NET_RAW (it still drops ALL).
# Today's rules on the after state: EPS012 on agent (a capability added beyond
# NET_BIND_SERVICE), EPS020 (automount unset: the provider sends true).
# A diff mode: EPS012@agent "new", with the pod's Pod Security Standards level dropping
# from baseline to privileged (NET_RAW is in neither restricted's nor baseline's list; the
# level before is baseline, not restricted: the provider sends runAsNonRoot = false for a
# container security_context without run_as_non_root, checked on the API server, and a
# container's false overrides the pod's true); EPS020 "existing" (it was there before);
# nothing on container exporter; nothing fixed.
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
              add  = ["NET_RAW"]
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
