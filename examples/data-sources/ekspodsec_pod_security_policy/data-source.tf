# The guide's restricted policy, for a cluster older than Kubernetes 1.25.
data "ekspodsec_pod_security_policy" "restricted" {
  kubernetes_version = "1.24"
}

# Baseline for pods on EKS Fargate that read node logs: hostPath only under /var/log,
# read-only (read_only defaults to true).
data "ekspodsec_pod_security_policy" "log_readers" {
  name               = "log-readers"
  profile            = "baseline"
  fargate            = true
  kubernetes_version = "1.24"
  allowed_host_paths = [{ path_prefix = "/var/log" }]
  additional_volumes = ["csi"]
  labels             = { "app.kubernetes.io/part-of" = "logging" }
}

# Apply with the kubernetes provider: manifest is an object.
resource "kubernetes_manifest" "restricted_psp" {
  manifest = data.ekspodsec_pod_security_policy.restricted.manifest
}
