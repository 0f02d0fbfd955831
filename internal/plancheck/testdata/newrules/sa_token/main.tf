# EPS114 (long-lived service account token Secret).
# - kubernetes_secret_v1.deployer_token: token for ci/deployer, which a ClusterRoleBinding
#   makes cluster-admin -> EPS114 high.
# - kubernetes_secret_v1.reader_token: token for ci/reader, bound to nothing -> EPS114 low.
# - kubernetes_secret_v1.settings: Opaque -> passes; its data is never printed.
resource "kubernetes_service_account_v1" "deployer" {
  metadata {
    name      = "deployer"
    namespace = "ci"
  }
  automount_service_account_token = false
}

resource "kubernetes_cluster_role_binding_v1" "deployer" {
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
    name      = kubernetes_service_account_v1.deployer.metadata[0].name
    namespace = "ci"
  }
}

resource "kubernetes_secret_v1" "deployer_token" {
  metadata {
    name      = "deployer-token"
    namespace = "ci"
    annotations = {
      "kubernetes.io/service-account.name" = kubernetes_service_account_v1.deployer.metadata[0].name
    }
  }
  type                           = "kubernetes.io/service-account-token"
  wait_for_service_account_token = true
}

resource "kubernetes_secret_v1" "reader_token" {
  metadata {
    name      = "reader-token"
    namespace = "ci"
    annotations = {
      "kubernetes.io/service-account.name" = "reader"
    }
  }
  type                           = "kubernetes.io/service-account-token"
  wait_for_service_account_token = false
}

resource "kubernetes_secret_v1" "settings" {
  metadata {
    name      = "ci-settings"
    namespace = "ci"
  }
  type = "Opaque"
  data = {
    "webhook-token" = "fixture-not-a-real-token-3f9a"
  }
}
