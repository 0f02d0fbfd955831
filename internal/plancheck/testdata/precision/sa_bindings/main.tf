# RBAC bindings to ServiceAccount subjects, as CI and operator modules write them. The
# provider computes subject.api_group, so it is unknown in the plan even where kind, name
# and namespace are written; for a generated ServiceAccount the name is unknown too. A
# ServiceAccount subject is one identity whatever its name and API group: never
# system:authenticated or every service account.
#   kubernetes_cluster_role_binding_v1.ci_admin: cluster-admin to ServiceAccount ci/deployer
#     -> EPS111 (full control granted to a workload's service account) fails; EPS103,
#     EPS108, EPS109 neither fail nor are unknown.
#   kubernetes_role_binding_v1.runner: a Role to a generated ServiceAccount (name unknown)
#     -> nothing about its subject is unknown that could make it everyone.
#   kubernetes_role_binding_v1.all_ci_accounts: the same Role to the Group
#     system:serviceaccounts:ci (every service account of the namespace) -> EPS108 fails.
#   kubernetes_cluster_role_binding_v1.default_sa: a read-only ClusterRole to the default
#     ServiceAccount of namespace apps -> EPS109 fails.

resource "kubernetes_namespace_v1" "ci" {
  metadata {
    name = "ci"
    labels = {
      "pod-security.kubernetes.io/enforce" = "restricted"
    }
  }
}

resource "kubernetes_service_account_v1" "deployer" {
  metadata {
    name      = "deployer"
    namespace = kubernetes_namespace_v1.ci.metadata[0].name
  }
  automount_service_account_token = false
}

resource "kubernetes_service_account_v1" "runner" {
  metadata {
    generate_name = "runner-"
    namespace     = "ci"
  }
  automount_service_account_token = false
}

resource "kubernetes_cluster_role_binding_v1" "ci_admin" {
  metadata {
    name = "ci-deployer-admin"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "deployer"
    namespace = "ci"
  }
}

resource "kubernetes_role_v1" "runner" {
  metadata {
    name      = "runner"
    namespace = "ci"
  }
  rule {
    api_groups = [""]
    resources  = ["pods", "pods/log"]
    verbs      = ["create", "delete", "get", "list", "watch"]
  }
}

resource "kubernetes_role_binding_v1" "runner" {
  metadata {
    name      = "runner"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.runner.metadata[0].name
  }
  subject {
    kind      = "ServiceAccount"
    name      = kubernetes_service_account_v1.runner.metadata[0].name
    namespace = "ci"
  }
}

resource "kubernetes_role_binding_v1" "all_ci_accounts" {
  metadata {
    name      = "runner-all"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "runner"
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = "system:serviceaccounts:ci"
  }
}

resource "kubernetes_cluster_role_binding_v1" "default_sa" {
  metadata {
    name = "apps-default-view"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "view"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "default"
    namespace = "apps"
  }
}
