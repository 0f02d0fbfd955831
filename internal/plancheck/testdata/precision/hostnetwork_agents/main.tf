# Node agents on the host network. With hostNetwork the API server sets hostPort to
# containerPort on every port of the pod (SetDefaults_Pod; a DaemonSet's template is not
# defaulted since Kubernetes 1.28, the pods made from it are): a port written without
# host_port binds the node's port all the same.
#   kubernetes_daemon_set_v1.node_exporter: host_network, ports 9100 (container) and 9101
#     (init container) without host_port -> EPS010 and EPS011 fail for both containers.
#   kubernetes_pod_v1.probe: host_network with host_port written (8080) -> EPS011 fails.
#   kubernetes_deployment_v1.web: no host network, a port without host_port -> no EPS011.
#   kubernetes_replication_controller_v1.legacy_agent: host_network = true written (a
#     computed attribute in this schema: written, so sent) and a port -> EPS010, EPS011.

resource "kubernetes_daemon_set_v1" "node_exporter" {
  metadata {
    name      = "node-exporter"
    namespace = "monitoring"
  }
  spec {
    selector {
      match_labels = { app = "node-exporter" }
    }
    template {
      metadata {
        labels = { app = "node-exporter" }
      }
      spec {
        host_network                    = true
        automount_service_account_token = false
        security_context {
          run_as_non_root = true
          run_as_user     = "65534"
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        init_container {
          name  = "textfile-init"
          image = "busybox:1.36.1"
          port {
            name           = "init-metrics"
            container_port = 9101
          }
          security_context {
            allow_privilege_escalation = false
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = { cpu = "10m", memory = "16Mi" }
            limits   = { cpu = "50m", memory = "32Mi" }
          }
        }
        container {
          name  = "node-exporter"
          image = "quay.io/prometheus/node-exporter:v1.8.2"
          args  = ["--web.listen-address=:9100"]
          port {
            name           = "metrics"
            container_port = 9100
            protocol       = "TCP"
          }
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

resource "kubernetes_pod_v1" "probe" {
  metadata {
    name      = "net-probe"
    namespace = "monitoring"
  }
  spec {
    host_network                    = true
    automount_service_account_token = false
    container {
      name  = "probe"
      image = "ghcr.io/example/net-probe:0.3.0"
      port {
        container_port = 8080
        host_port      = 8080
      }
    }
  }
}

resource "kubernetes_deployment_v1" "web" {
  metadata {
    name      = "web"
    namespace = "apps"
  }
  spec {
    selector {
      match_labels = { app = "web" }
    }
    template {
      metadata {
        labels = { app = "web" }
      }
      spec {
        automount_service_account_token = false
        container {
          name  = "web"
          image = "nginx:1.27.3"
          port {
            container_port = 8080
          }
        }
      }
    }
  }
}

resource "kubernetes_replication_controller_v1" "legacy_agent" {
  metadata {
    name      = "legacy-agent"
    namespace = "monitoring"
  }
  spec {
    selector = { app = "legacy-agent" }
    template {
      metadata {
        labels = { app = "legacy-agent" }
      }
      spec {
        host_network = true
        container {
          name  = "agent"
          image = "ghcr.io/example/legacy-agent:2.1.0"
          port {
            container_port = 8125
            protocol       = "UDP"
          }
        }
      }
    }
  }
}
