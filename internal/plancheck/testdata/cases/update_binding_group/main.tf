# Why this case exists: an UPDATE plan where bindings gain subjects, and a REPLACE of a
# binding whose role_ref changes (role_ref is immutable: the provider replaces the
# binding). Step 1 was applied/main.tf. This is step 2:
# - readers (view for group team-a) also gets group system:authenticated: EPS108 fails on
#   the new subject. A diff mode: EPS108 "new".
# - ci_edit (edit for every service account of ci, EPS108 before and after) also gets
#   group contractors. A diff mode: EPS108 "worse" (the same finding, on a binding that
#   gained a subject), not "existing".
# - oncall (view for system:authenticated, EPS108 high) now grants cluster-admin: EPS108
#   critical, and EPS103 (cluster-admin includes `use` of every PodSecurityPolicy). A diff
#   mode: EPS108 "worse" (its severity rises from high to critical), EPS103 "new"; the
#   plan replaces the binding (delete, then create).
# Namespace "ci" is managed elsewhere (it was created with kubectl before step 1).

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
  # "everyone should be able to look at the dashboards"
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = "system:authenticated"
  }
}

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
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = "contractors"
  }
}

resource "kubernetes_cluster_role_binding_v1" "oncall" {
  metadata {
    name = "oncall-view"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = "system:authenticated"
  }
}
