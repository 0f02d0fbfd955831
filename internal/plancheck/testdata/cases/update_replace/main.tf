# Why this case exists: a plan that REPLACES one resource and DELETES two, and a no-op
# resource whose context changes. Step 1 was applied/main.tf. This is step 2:
# - migrate (a Job: its pod template is immutable, so the provider replaces it) leaves
#   the host network but now runs as user 0. Today's rules on the after state: EPS004.
#   A diff mode: EPS004 "new", EPS010 "fixed".
# - node_debug (a privileged DaemonSet sharing the host PID namespace) is deleted: the
#   plan has no after state for it, today's rules report nothing. A diff mode: its
#   findings before (EPS001, EPS003, EPS010, EPS014, EPS015, EPS020) "fixed"; a delete
#   can only fix.
# - batch_defaults (the LimitRange of namespace batch) is deleted; worker is unchanged
#   (no-op) and writes no requests or limits. Today's rules on the after state: EPS014
#   and EPS015 on worker (nothing fills them in any more). A diff mode: both "new",
#   although worker itself does not change: its before is judged with the before
#   LimitRange.
# Namespaces "batch" and "ops" are managed elsewhere (created with kubectl before step 1).

resource "kubernetes_job_v1" "migrate" {
  metadata {
    name      = "migrate"
    namespace = "batch"
  }
  wait_for_completion = false
  spec {
    backoff_limit = 1
    template {
      metadata {
        labels = { app = "migrate" }
      }
      spec {
        restart_policy                  = "Never"
        automount_service_account_token = false
        security_context {
          run_as_user = "0"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name  = "migrate"
          image = "ghcr.io/example/migrate:7.1.0"
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

resource "kubernetes_deployment_v1" "worker" {
  metadata {
    name      = "worker"
    namespace = "batch"
  }
  wait_for_rollout = false
  spec {
    replicas = 1
    selector {
      match_labels = { app = "worker" }
    }
    template {
      metadata {
        labels = { app = "worker" }
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
          image = "ghcr.io/example/worker:2.2.0"
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
        }
      }
    }
  }
}
