# A hardened namespace on EKS, following the EKS best-practices pod security guide:
# - the namespace, with Pod Security Admission labels (restricted) as a second line,
# - the guide's restricted PodSecurityPolicy, with a read-only root filesystem,
# - RBAC that grants use of that policy to this namespace's service accounts only
#   (a RoleBinding, never a ClusterRoleBinding, never system:authenticated),
# - a LimitRange that gives containers default requests and limits,
# - a ResourceQuota on requests and limits, so every pod must declare them.

resource "kubernetes_manifest" "namespace" {
  manifest = {
    apiVersion = "v1"
    kind       = "Namespace"
    metadata = {
      name = var.namespace
      labels = {
        "pod-security.kubernetes.io/enforce" = "restricted"
        "pod-security.kubernetes.io/warn"    = "restricted"
        "pod-security.kubernetes.io/audit"   = "restricted"
      }
    }
  }
}

data "ekspodsec_pod_security_policy" "restricted" {
  name                      = "${var.namespace}-restricted"
  profile                   = "restricted"
  fargate                   = var.fargate
  kubernetes_version        = var.kubernetes_version
  read_only_root_filesystem = true
}

data "ekspodsec_pod_security_policy_rbac" "restricted" {
  policy_name = data.ekspodsec_pod_security_policy.restricted.name

  binding {
    namespace        = var.namespace
    service_accounts = var.service_accounts
  }
}

data "ekspodsec_limit_range" "defaults" {
  name      = "defaults"
  namespace = var.namespace

  container {
    default         = { cpu = "500m", memory = "512Mi" }
    default_request = { cpu = "100m", memory = "128Mi" }
    min             = { cpu = "10m", memory = "16Mi" }
    max             = { cpu = "2", memory = "4Gi" }
  }

  pod {
    max = { cpu = "4", memory = "8Gi" }
  }
}

data "ekspodsec_resource_quota" "compute" {
  name      = "compute"
  namespace = var.namespace
  hard = {
    "requests.cpu"    = "8"
    "requests.memory" = "16Gi"
    "limits.cpu"      = "16"
    "limits.memory"   = "32Gi"
    "pods"            = "50"
  }
}

resource "kubernetes_manifest" "pod_security_policy" {
  manifest = data.ekspodsec_pod_security_policy.restricted.manifest
}

resource "kubernetes_manifest" "psp_cluster_role" {
  manifest = data.ekspodsec_pod_security_policy_rbac.restricted.cluster_role
}

resource "kubernetes_manifest" "psp_role_bindings" {
  for_each = data.ekspodsec_pod_security_policy_rbac.restricted.role_bindings
  manifest = each.value

  depends_on = [kubernetes_manifest.namespace, kubernetes_manifest.psp_cluster_role]
}

resource "kubernetes_manifest" "limit_range" {
  manifest = data.ekspodsec_limit_range.defaults.manifest

  depends_on = [kubernetes_manifest.namespace]
}

resource "kubernetes_manifest" "resource_quota" {
  manifest = data.ekspodsec_resource_quota.compute.manifest

  depends_on = [kubernetes_manifest.namespace]
}
