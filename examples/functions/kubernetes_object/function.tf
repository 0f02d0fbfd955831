# A typed resource of the kubernetes provider judged like a kubernetes_manifest:
# kubernetes_object turns its attributes (snake_case, nested blocks as lists) into the
# Kubernetes object it sends, through plan-check's own table.
resource "kubernetes_deployment_v1" "app" {
  metadata {
    name      = "app"
    namespace = "apps"
  }
  spec {
    selector {
      match_labels = { app = "app" }
    }
    template {
      metadata {
        labels = { app = "app" }
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
        }
        container {
          name  = "app"
          image = "registry.example.com/app:5.2"
          # Write run_as_non_root here too: for a container security_context block
          # without it the provider sends runAsNonRoot = false, which overrides the pod's.
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            run_as_non_root            = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = { cpu = "250m", memory = "256Mi" }
            limits   = { cpu = "1", memory = "512Mi" }
          }
        }
      }
    }
  }
}

locals {
  app_object   = provider::ekspodsec::kubernetes_object("kubernetes_deployment_v1", kubernetes_deployment_v1.app)
  app_findings = provider::ekspodsec::violations(local.app_object)
}

check "app_pod_security" {
  assert {
    condition     = length([for v in local.app_findings : v if v.failing]) == 0
    error_message = join("\n", [for v in local.app_findings : "${v.rule_id} ${v.path}: ${v.message}" if v.failing])
  }
}

output "app_findings" {
  value = [for v in local.app_findings : "${v.rule_id} (${v.severity})"]
}

output "app_pss_level" {
  value = provider::ekspodsec::pss_level(local.app_object) # "restricted"
}
