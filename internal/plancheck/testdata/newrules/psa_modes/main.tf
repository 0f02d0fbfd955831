# EPS112 (Pod Security Admission enforce without warn and audit).
# - enforce_only: enforce restricted only -> EPS112.
# - warn_lower: enforce restricted, warn baseline, audit restricted -> EPS112.
# - complete: all three at restricted -> passes.
# - patched: enforce baseline on the namespace, warn and audit restricted added by a
#   kubernetes_labels resource -> passes.
resource "kubernetes_namespace_v1" "enforce_only" {
  metadata {
    name = "enforce-only"
    labels = {
      "pod-security.kubernetes.io/enforce" = "restricted"
    }
  }
}

resource "kubernetes_namespace_v1" "warn_lower" {
  metadata {
    name = "warn-lower"
    labels = {
      "pod-security.kubernetes.io/enforce" = "restricted"
      "pod-security.kubernetes.io/warn"    = "baseline"
      "pod-security.kubernetes.io/audit"   = "restricted"
    }
  }
}

resource "kubernetes_namespace_v1" "complete" {
  metadata {
    name = "complete"
    labels = {
      "pod-security.kubernetes.io/enforce" = "restricted"
      "pod-security.kubernetes.io/warn"    = "restricted"
      "pod-security.kubernetes.io/audit"   = "restricted"
    }
  }
}

resource "kubernetes_namespace_v1" "patched" {
  metadata {
    name = "patched"
    labels = {
      "pod-security.kubernetes.io/enforce" = "baseline"
    }
  }
}

resource "kubernetes_labels" "patched" {
  api_version = "v1"
  kind        = "Namespace"
  metadata {
    name = kubernetes_namespace_v1.patched.metadata[0].name
  }
  labels = {
    "pod-security.kubernetes.io/warn"  = "restricted"
    "pod-security.kubernetes.io/audit" = "restricted"
  }
}
