# EPS113 (role hands out the keys to the cluster).
# - ClusterRole secret-reader: get/list/watch on secrets, bound by a ClusterRoleBinding to
#   ServiceAccount tools/backup -> EPS113 high.
# - Role deployer: create/patch on deployments and get on pods/exec, not bound -> EPS113
#   medium, two findings (one per rule entry).
# - ClusterRole impersonator: impersonate on users and groups, bound to a named group ->
#   EPS113 medium.
# - Role named-secret: get on one Secret by name -> passes.
# - ClusterRole node-viewer: get/list/watch on nodes and pods -> passes.
resource "kubernetes_cluster_role_v1" "secret_reader" {
  metadata {
    name = "secret-reader"
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get", "list", "watch"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "backup" {
  metadata {
    name = "backup-secrets"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.secret_reader.metadata[0].name
  }
  subject {
    kind      = "ServiceAccount"
    name      = "backup"
    namespace = "tools"
  }
}

resource "kubernetes_role_v1" "deployer" {
  metadata {
    name      = "deployer"
    namespace = "apps"
  }
  rule {
    api_groups = ["apps"]
    resources  = ["deployments"]
    verbs      = ["get", "create", "patch"]
  }
  rule {
    api_groups = [""]
    resources  = ["pods/exec"]
    verbs      = ["get"]
  }
}

resource "kubernetes_cluster_role_v1" "impersonator" {
  metadata {
    name = "impersonator"
  }
  rule {
    api_groups = [""]
    resources  = ["users", "groups"]
    verbs      = ["impersonate"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "impersonator" {
  metadata {
    name = "impersonator"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.impersonator.metadata[0].name
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = "example:support"
  }
}

resource "kubernetes_role_v1" "named_secret" {
  metadata {
    name      = "named-secret"
    namespace = "apps"
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["registry-credentials"]
    verbs          = ["get"]
  }
}

resource "kubernetes_cluster_role_v1" "node_viewer" {
  metadata {
    name = "node-viewer"
  }
  rule {
    api_groups = [""]
    resources  = ["nodes", "pods"]
    verbs      = ["get", "list", "watch"]
  }
}
