# A legacy application still deployed as ReplicationControllers next to its newer parts,
# written the way the provider's registry examples write them.
#
# The replication controller schemas make most of the pod template Optional+Computed: with
# only containers written, the plan has host_network/host_pid/host_ipc, the pod
# security_context and node_selector unknown. Nothing is written, so nothing is sent:
#   kubernetes_replication_controller_v1.frontend, kubernetes_replication_controller.queue:
#     no runAsNonRoot, no seccomp anywhere -> EPS003 and EPS016 fail;
#     no host namespaces, no explicit root -> neither EPS010 nor EPS004 (fail or unknown).
#   kubernetes_replication_controller_v1.metrics_agent writes host_pid = true and a pod
#     security_context with run_as_user = "0" -> EPS010 and EPS004 fail (written values of
#     computed attributes are what is sent); its container is hardened otherwise.
#   kubernetes_pod_v1.debug: no resources block (computed: unknown in the plan) -> EPS014
#     and EPS015 fail, not unknown.
#   kubernetes_cluster_role_v1.aggregated: rule is computed (filled by aggregation): no
#     finding is expected for it; kubernetes_cluster_role_v1.reader writes its rules.

resource "kubernetes_namespace_v1" "legacy" {
  metadata {
    name = "legacy"
  }
}

resource "kubernetes_replication_controller_v1" "frontend" {
  metadata {
    name      = "frontend"
    namespace = kubernetes_namespace_v1.legacy.metadata[0].name
    labels    = { app = "frontend" }
  }
  spec {
    replicas = 3
    selector = { app = "frontend" }
    template {
      metadata {
        labels = { app = "frontend" }
      }
      spec {
        container {
          name  = "nginx"
          image = "nginx:1.27.3"
          port {
            container_port = 8080
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

resource "kubernetes_replication_controller" "queue" {
  metadata {
    name      = "queue-worker"
    namespace = "legacy"
  }
  spec {
    selector = { app = "queue-worker" }
    template {
      metadata {
        labels = { app = "queue-worker" }
      }
      spec {
        automount_service_account_token = false
        container {
          name    = "worker"
          image   = "ghcr.io/example/queue-worker:3.2.0"
          command = ["/worker", "--queue=jobs"]
          resources {
            requests = { cpu = "50m", memory = "64Mi" }
            limits   = { cpu = "200m", memory = "128Mi" }
          }
        }
      }
    }
  }
}

resource "kubernetes_replication_controller_v1" "metrics_agent" {
  metadata {
    name      = "metrics-agent"
    namespace = "legacy"
  }
  spec {
    selector = { app = "metrics-agent" }
    template {
      metadata {
        labels = { app = "metrics-agent" }
      }
      spec {
        automount_service_account_token = false
        host_pid                        = true
        security_context {
          run_as_user = "0"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name  = "agent"
          image = "ghcr.io/example/metrics-agent:0.9.1"
          security_context {
            allow_privilege_escalation = false
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

resource "kubernetes_pod_v1" "debug" {
  metadata {
    name      = "debug-shell"
    namespace = "legacy"
  }
  spec {
    automount_service_account_token = false
    container {
      name    = "shell"
      image   = "busybox:1.36.1"
      command = ["sleep", "3600"]
    }
  }
}

resource "kubernetes_cluster_role_v1" "aggregated" {
  metadata {
    name = "legacy-monitoring"
  }
  aggregation_rule {
    cluster_role_selectors {
      match_labels = { "rbac.example.com/aggregate-to-monitoring" = "true" }
    }
  }
}

resource "kubernetes_cluster_role_v1" "reader" {
  metadata {
    name   = "legacy-reader"
    labels = { "rbac.example.com/aggregate-to-monitoring" = "true" }
  }
  rule {
    api_groups = [""]
    resources  = ["pods", "services"]
    verbs      = ["get", "list", "watch"]
  }
}
