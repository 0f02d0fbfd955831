# EPS032 (Pod Security Standards control that no other rule reports). The pod is
# otherwise restricted (runs as 10001, RuntimeDefault seccomp, every container drops
# capabilities and disallows escalation), so what is left is EPS032's:
# - pod: sysctl kernel.msgmax (unsafe) -> EPS032 sysctls (baseline, high).
# - selinux: se_linux_options type spc_t -> EPS032 seLinuxOptions (baseline, high).
# - lowercase: capabilities drop ["all"]: EPS013 reads it as ALL, PSA does not ->
#   EPS032 capabilities_restricted (low).
# - probe-host: liveness_probe http_get host 169.254.169.254 -> EPS032
#   hostProbesAndHostLifecycle (baseline, high).
# - provider-false: a security_context without run_as_non_root: the provider sends
#   runAsNonRoot false, which overrides the pod's true -> EPS032 runAsNonRoot (low).
# - clean: every field set -> nothing from EPS032.
locals {
  restricted = {
    allow_privilege_escalation = false
    read_only_root_filesystem  = true
    run_as_non_root            = true
  }
}

resource "kubernetes_pod_v1" "controls" {
  metadata {
    name      = "controls"
    namespace = "apps"
  }
  spec {
    automount_service_account_token = false
    enable_service_links            = false
    security_context {
      run_as_non_root = true
      run_as_user     = "10001"
      seccomp_profile {
        type = "RuntimeDefault"
      }
      sysctl {
        name  = "kernel.msgmax"
        value = "65536"
      }
    }
    container {
      name  = "selinux"
      image = "nginx:1.27.3"
      security_context {
        allow_privilege_escalation = local.restricted.allow_privilege_escalation
        read_only_root_filesystem  = local.restricted.read_only_root_filesystem
        run_as_non_root            = local.restricted.run_as_non_root
        capabilities {
          drop = ["ALL"]
        }
        se_linux_options {
          type = "spc_t"
        }
      }
    }
    container {
      name  = "lowercase"
      image = "nginx:1.27.3"
      security_context {
        allow_privilege_escalation = local.restricted.allow_privilege_escalation
        read_only_root_filesystem  = local.restricted.read_only_root_filesystem
        run_as_non_root            = local.restricted.run_as_non_root
        capabilities {
          drop = ["all"]
        }
      }
    }
    container {
      name  = "probe-host"
      image = "nginx:1.27.3"
      security_context {
        allow_privilege_escalation = local.restricted.allow_privilege_escalation
        read_only_root_filesystem  = local.restricted.read_only_root_filesystem
        run_as_non_root            = local.restricted.run_as_non_root
        capabilities {
          drop = ["ALL"]
        }
      }
      liveness_probe {
        http_get {
          host = "169.254.169.254"
          path = "/latest/meta-data/"
          port = 80
        }
      }
    }
    container {
      name  = "provider-false"
      image = "nginx:1.27.3"
      security_context {
        allow_privilege_escalation = false
        read_only_root_filesystem  = true
        capabilities {
          drop = ["ALL"]
        }
      }
    }
    container {
      name  = "clean"
      image = "nginx:1.27.3"
      security_context {
        allow_privilege_escalation = local.restricted.allow_privilege_escalation
        read_only_root_filesystem  = local.restricted.read_only_root_filesystem
        run_as_non_root            = local.restricted.run_as_non_root
        capabilities {
          drop = ["ALL"]
        }
      }
    }
  }
}
