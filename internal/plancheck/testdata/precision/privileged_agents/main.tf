# Privileged node agents, as CNI and CSI plugins are written. A privileged container has
# every capability whatever it drops, no seccomp or AppArmor confinement applies, and the
# API server refuses allowPrivilegeEscalation: false with privileged: true: EPS002, EPS013
# and EPS016 for it are implied by its EPS001 and are not reported separately.
#   kubernetes_daemon_set_v1.cni: container "cni-agent" only writes privileged = true ->
#     EPS001 fails; EPS002, EPS013, EPS016 do not for it; the unprivileged "cni-monitor"
#     beside it keeps its own EPS002 and EPS013.
#   kubernetes_daemon_set_v1.csi_node: privileged with allow_privilege_escalation = true
#     written -> EPS001, and the explicit EPS002 stays.

resource "kubernetes_daemon_set_v1" "cni" {
  metadata {
    name      = "cni"
    namespace = "kube-system"
  }
  spec {
    selector {
      match_labels = { app = "cni" }
    }
    template {
      metadata {
        labels = { app = "cni" }
      }
      spec {
        automount_service_account_token = true
        container {
          name  = "cni-agent"
          image = "ghcr.io/example/cni-agent:1.16.0"
          security_context {
            privileged = true
          }
          resources {
            requests = { cpu = "25m", memory = "64Mi" }
            limits   = { cpu = "250m", memory = "256Mi" }
          }
        }
        container {
          name  = "cni-monitor"
          image = "ghcr.io/example/cni-monitor:1.16.0"
          resources {
            requests = { cpu = "10m", memory = "32Mi" }
            limits   = { cpu = "50m", memory = "64Mi" }
          }
        }
      }
    }
  }
}

resource "kubernetes_daemon_set_v1" "csi_node" {
  metadata {
    name      = "csi-node"
    namespace = "kube-system"
  }
  spec {
    selector {
      match_labels = { app = "csi-node" }
    }
    template {
      metadata {
        labels = { app = "csi-node" }
      }
      spec {
        automount_service_account_token = true
        container {
          name  = "csi-plugin"
          image = "ghcr.io/example/csi-plugin:1.30.0"
          security_context {
            privileged                 = true
            allow_privilege_escalation = true
          }
          resources {
            requests = { cpu = "10m", memory = "40Mi" }
            limits   = { cpu = "100m", memory = "256Mi" }
          }
        }
      }
    }
  }
}
