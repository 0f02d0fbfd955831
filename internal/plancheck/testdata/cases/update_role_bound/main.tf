# Why this case exists: an UPDATE plan that leaves two dangerous roles as they are and
# binds them to more subjects: the escalation is in the bindings, the finding on the
# roles. Step 1 was applied/main.tf. This is step 2:
# - pod_runner (create on pods in ci: EPS113) is unchanged (no-op); its binding
#   pod_runner_leads (update) also gets user contractor@example.com. Neither side has a
#   finding on the binding (a user is neither a service account nor everyone). A diff
#   mode: the Role's EPS113 "worse" (the same finding, on a role now bound to one more
#   subject), not "existing".
# - secret_reader (get and list on secrets, cluster-wide: EPS113) is unchanged (no-op)
#   and so is its ClusterRoleBinding to group auditors; the new RoleBinding
#   secret_reader_ci (create) grants it in namespace ci to group ci-team. A diff mode:
#   the ClusterRole's EPS113 "worse".
# - Nothing is new or fixed. EPS113 is medium on both sides: with --fail-on medium the
#   diff run fails on the two worse findings, with the default high it passes.
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
  subject {
    kind      = "User"
    name      = "contractor@example.com"
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

resource "kubernetes_role_binding_v1" "secret_reader_ci" {
  metadata {
    name      = "secret-reader-ci"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.secret_reader.metadata[0].name
  }
  subject {
    kind      = "Group"
    name      = "ci-team"
    api_group = "rbac.authorization.k8s.io"
  }
}
