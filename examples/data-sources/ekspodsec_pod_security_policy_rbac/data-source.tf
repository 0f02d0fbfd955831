# Grant use of the restricted policy to two service accounts of "payments" and to every
# service account of "web" (no service_accounts and no groups: the namespace's own
# system:serviceaccounts:web group). One RoleBinding per namespace, never a
# ClusterRoleBinding, and never system:authenticated.
data "ekspodsec_pod_security_policy_rbac" "restricted" {
  policy_name = "restricted"

  binding {
    namespace        = "payments"
    service_accounts = ["api", "worker"]
  }

  binding {
    namespace = "web"
  }
}

resource "kubernetes_manifest" "psp_role" {
  manifest = data.ekspodsec_pod_security_policy_rbac.restricted.cluster_role
}

# role_bindings is keyed by namespace.
resource "kubernetes_manifest" "psp_bindings" {
  for_each = data.ekspodsec_pod_security_policy_rbac.restricted.role_bindings
  manifest = each.value
}
