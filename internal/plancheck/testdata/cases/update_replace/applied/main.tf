# update_replace, step 1 (applied first): a Job on the host network, a privileged debug
# DaemonSet, a LimitRange that gives namespace batch default requests and limits, and a
# Deployment there that writes none of its own.
# Step 2 is ../main.tf (the Job replaced, the DaemonSet and the LimitRange deleted).
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
        host_network                    = true
        security_context {
          run_as_non_root = true
          run_as_user     = "10001"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name  = "migrate"
          image = "ghcr.io/example/migrate:7.0.0"
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

resource "kubernetes_daemon_set_v1" "node_debug" {
  metadata {
    name      = "node-debug"
    namespace = "ops"
  }
  wait_for_rollout = false
  spec {
    selector {
      match_labels = { app = "node-debug" }
    }
    template {
      metadata {
        labels = { app = "node-debug" }
      }
      spec {
        host_pid = true
        container {
          name    = "shell"
          image   = "ghcr.io/example/node-shell:1.0.0"
          command = ["sleep", "infinity"]
          security_context {
            privileged = true
          }
        }
      }
    }
  }
}

resource "kubernetes_limit_range_v1" "batch_defaults" {
  metadata {
    name      = "defaults"
    namespace = "batch"
  }
  spec {
    limit {
      type            = "Container"
      default         = { cpu = "500m", memory = "256Mi" }
      default_request = { cpu = "100m", memory = "128Mi" }
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
