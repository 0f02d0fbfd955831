# update_manifest, step 1 (applied first): a restricted Deployment, a ClusterRole that
# reads pods and its binding to everyone who can log in, all as kubernetes_manifest.
# Step 2 is ../main.tf (host network for the Deployment, secrets for the ClusterRole).
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
      resources = ["pods"]
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
