# Step 1 of update_role_bound: two roles that hand out the keys (EPS113, medium: bound to a
# user and a group, neither a service account nor everyone), each bound once.
# Step 2 is ../main.tf (the roles unchanged, bound to more subjects).
# Namespace "ci" is managed elsewhere (it was created with kubectl before step 1).

resource "kubernetes_role_v1" "pod_runner" {
  metadata {
    name      = "pod-runner"
    namespace = "ci"
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["create", "get", "list"]
  }
}

resource "kubernetes_role_binding_v1" "pod_runner_leads" {
  metadata {
    name      = "pod-runner-leads"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.pod_runner.metadata[0].name
  }
  subject {
    kind      = "User"
    name      = "lead@example.com"
    api_group = "rbac.authorization.k8s.io"
  }
}

resource "kubernetes_cluster_role_v1" "secret_reader" {
  metadata {
    name = "secret-reader"
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get", "list"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "secret_reader_auditors" {
  metadata {
    name = "secret-reader-auditors"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.secret_reader.metadata[0].name
  }
  subject {
    kind      = "Group"
    name      = "auditors"
    api_group = "rbac.authorization.k8s.io"
  }
}
