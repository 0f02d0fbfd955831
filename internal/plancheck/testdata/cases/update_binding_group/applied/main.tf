# update_binding_group, step 1 (applied first): three bindings of built-in ClusterRoles.
# Step 2 is ../main.tf (subjects added, one role_ref changed).
# Namespace "ci" is managed elsewhere (it was created with kubectl before step 1).

# view for one team: no finding.
resource "kubernetes_cluster_role_binding_v1" "readers" {
  metadata {
    name = "team-a-readers"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "view"
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = "team-a"
  }
}

# edit for every service account of namespace ci: EPS108 already.
resource "kubernetes_role_binding_v1" "ci_edit" {
  metadata {
    name      = "ci-edit"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = "system:serviceaccounts:ci"
  }
}

# view for everyone who can log in: EPS108 (high) already.
resource "kubernetes_cluster_role_binding_v1" "oncall" {
  metadata {
    name = "oncall-view"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "view"
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = "system:authenticated"
  }
}
