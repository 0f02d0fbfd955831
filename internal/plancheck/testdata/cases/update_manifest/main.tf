# Why this case exists: an UPDATE plan of kubernetes_manifest resources. Their `before`
# is read from `object` (what the API server returned at refresh), not from `manifest`:
# every field of the OpenAPI schema, unset ones null, unset objects as objects of nulls
# (the emptyDir volume shows hostPath = {path = null, type = null} and every other
# volume source the same way; a container securityContext seccompProfile = {type = null}).
# Step 1 was applied/main.tf. This is step 2:
# - api (restricted, an emptyDir for /tmp; automountServiceAccountToken not written, so
#   Kubernetes mounts the token: EPS020 before and after) gets hostNetwork = true: EPS010
#   (host namespace) and EPS011 (the API server sets hostPort = containerPort 8080 on a
#   hostNetwork pod) on the new state. A diff mode: EPS010 and EPS011 "new", EPS020 "existing".
# - pod-reader (get/list/watch pods, bound to system:authenticated: EPS108 before and
#   after on pod_reader_everyone) also reads secrets. The binding does not change
#   (no-op). A diff mode: EPS108 on pod_reader_everyone "worse" (the role it grants to
#   everyone gained secrets).
# Namespace "apps" is managed elsewhere (it was created with kubectl before step 1).

resource "kubernetes_manifest" "api" {
  manifest = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata = {
      name      = "api"
      namespace = "apps"
    }
    spec = {
      replicas = 1
      selector = { matchLabels = { app = "api" } }
      template = {
        metadata = { labels = { app = "api" } }
        spec = {
          hostNetwork = true
          securityContext = {
            runAsNonRoot   = true
            runAsUser      = 10001
            seccompProfile = { type = "RuntimeDefault" }
          }
          containers = [{
            name  = "api"
            image = "ghcr.io/example/api:5.0.1"
            ports = [{ containerPort = 8080, name = "http" }]
            volumeMounts = [{ name = "tmp", mountPath = "/tmp" }]
            securityContext = {
              allowPrivilegeEscalation = false
              readOnlyRootFilesystem   = true
              capabilities             = { drop = ["ALL"] }
            }
            resources = {
              requests = { cpu = "100m", memory = "128Mi" }
              limits   = { cpu = "500m", memory = "256Mi" }
            }
          }]
          volumes = [{ name = "tmp", emptyDir = {} }]
        }
      }
    }
  }
}

resource "kubernetes_manifest" "pod_reader" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "ClusterRole"
    metadata   = { name = "pod-reader" }
    rules = [{
      apiGroups = [""]
      resources = ["pods", "secrets"]
      verbs     = ["get", "list", "watch"]
    }]
  }
}

resource "kubernetes_manifest" "pod_reader_everyone" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "ClusterRoleBinding"
    metadata   = { name = "pod-reader-everyone" }
    roleRef = {
      apiGroup = "rbac.authorization.k8s.io"
      kind     = "ClusterRole"
      name     = "pod-reader"
    }
    subjects = [{
      apiGroup = "rbac.authorization.k8s.io"
      kind     = "Group"
      name     = "system:authenticated"
    }]
  }
}
