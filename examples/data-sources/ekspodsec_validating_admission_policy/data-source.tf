# What Pod Security Admission does not cover, enforced in CEL by the API server: hostPath
# only under /var/log and read-only, no container runtime socket, no Docker-in-Docker,
# requests and limits on every pod, and what Fargate refuses for pods in fargate-*.
data "ekspodsec_validating_admission_policy" "pods" {
  kubernetes_version = "1.31"
  allowed_host_paths = [{ path_prefix = "/var/log" }]
  fargate_selectors  = [{ namespace = "fargate-*" }]
}

resource "kubernetes_manifest" "pod_policy" {
  manifest = data.ekspodsec_validating_admission_policy.pods.policy
}

resource "kubernetes_manifest" "pod_policy_binding" {
  manifest = data.ekspodsec_validating_admission_policy.pods.binding

  depends_on = [kubernetes_manifest.pod_policy]
}

# Each refusal names its rule (e.g. "EPS008: the container runtime socket ...").
output "enforced_rules" {
  value = data.ekspodsec_validating_admission_policy.pods.rules
}
