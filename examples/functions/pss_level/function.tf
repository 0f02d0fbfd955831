# A module that deploys whatever workload it is given, but only one that meets the
# restricted Pod Security Standard (the level a namespace's
# pod-security.kubernetes.io/enforce label would enforce), refused at plan time with the
# level it does meet.
variable "workload" {
  description = "A Pod or an object with a pod template, as kubernetes_manifest takes it."
  type        = any
  default = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata   = { name = "api", namespace = "apps" }
    spec = {
      securityContext = { runAsNonRoot = true, seccompProfile = { type = "RuntimeDefault" } }
      containers = [{
        name            = "api"
        image           = "registry.example.com/api:1.8"
        securityContext = { allowPrivilegeEscalation = false, capabilities = { drop = ["ALL"] } }
      }]
    }
  }

  validation {
    condition     = provider::ekspodsec::pss_level(var.workload) == "restricted"
    error_message = "The workload must meet the restricted Pod Security Standard; it meets ${provider::ekspodsec::pss_level(var.workload)}."
  }
}

resource "kubernetes_manifest" "workload" {
  manifest = var.workload
}

# The level at an older version of the standards, as a namespace pinned with
# pod-security.kubernetes.io/enforce-version = v1.24 judges it.
output "workload_level_v1_24" {
  value = provider::ekspodsec::pss_level(var.workload, "v1.24") # "restricted"
}
