# EPS025-EPS028 (Fargate). augment.py adds an aws_eks_cluster and an
# aws_eks_fargate_profile selecting namespace fargate-apps (the aws provider is not in the
# offline mirror), as the shared fixtures' augmented plans do.
# - kubernetes_deployment_v1.api: container api requests 250m/512Mi, limits 1/2Gi ->
#   EPS025; sidecar with requests = limits passes.
# - kubernetes_deployment_v1.db: mounts claim data (StorageClass gp3, ebs.csi.aws.com) ->
#   EPS026.
# - kubernetes_stateful_set_v1.cache: a volume claim template of class gp2 (EKS's own,
#   kubernetes.io/aws-ebs) -> EPS026.
# - kubernetes_deployment_v1.reports: mounts claim shared (efs.csi.aws.com) -> passes.
# - kubernetes_pod_v1.scratch: an ephemeral volume of class gp3 -> EPS026.
# - kubernetes_pod_v1.unclassed: mounts claim unclassed, which names no class (the
#   cluster's default, which the plan does not hold: gp3 is not marked default) -> not
#   judged, neither fail nor unknown.
# - kubernetes_job_v1.train: nvidia.com/gpu -> EPS027.
# - kubernetes_job_v1.etl: 200Gi of ephemeral storage -> EPS028.
# - kubernetes_job_v1.train_nodes: the same GPU job in namespace gpu-nodes (no profile
#   selects it) -> nothing.
locals {
  ns = "fargate-apps"
  equal = {
    requests = { cpu = "250m", memory = "512Mi" }
    limits   = { cpu = "250m", memory = "512Mi" }
  }
}

resource "kubernetes_storage_class_v1" "gp3" {
  metadata {
    name = "gp3"
  }
  storage_provisioner = "ebs.csi.aws.com"
  parameters          = { type = "gp3" }
}

resource "kubernetes_storage_class_v1" "efs" {
  metadata {
    name = "efs"
  }
  storage_provisioner = "efs.csi.aws.com"
}

resource "kubernetes_persistent_volume_claim_v1" "data" {
  metadata {
    name      = "data"
    namespace = local.ns
  }
  spec {
    access_modes       = ["ReadWriteOnce"]
    storage_class_name = kubernetes_storage_class_v1.gp3.metadata[0].name
    resources {
      requests = { storage = "20Gi" }
    }
  }
  wait_until_bound = false
}

resource "kubernetes_persistent_volume_claim_v1" "shared" {
  metadata {
    name      = "shared"
    namespace = local.ns
  }
  spec {
    access_modes       = ["ReadWriteMany"]
    storage_class_name = kubernetes_storage_class_v1.efs.metadata[0].name
    resources {
      requests = { storage = "5Gi" }
    }
  }
  wait_until_bound = false
}

resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "api"
    namespace = local.ns
  }
  spec {
    selector {
      match_labels = { app = "api" }
    }
    template {
      metadata {
        labels = { app = "api" }
      }
      spec {
        container {
          name  = "api"
          image = "shop/api:1.8.2"
          resources {
            requests = { cpu = "250m", memory = "512Mi" }
            limits   = { cpu = "1", memory = "2Gi" }
          }
        }
        container {
          name  = "sidecar"
          image = "shop/sidecar:1.8.2"
          resources {
            requests = local.equal.requests
            limits   = local.equal.limits
          }
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "db" {
  metadata {
    name      = "db"
    namespace = local.ns
  }
  spec {
    selector {
      match_labels = { app = "db" }
    }
    template {
      metadata {
        labels = { app = "db" }
      }
      spec {
        container {
          name  = "db"
          image = "postgres:16.4"
          resources {
            requests = local.equal.requests
            limits   = local.equal.limits
          }
          volume_mount {
            name       = "data"
            mount_path = "/var/lib/postgresql/data"
          }
        }
        volume {
          name = "data"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim_v1.data.metadata[0].name
          }
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "reports" {
  metadata {
    name      = "reports"
    namespace = local.ns
  }
  spec {
    selector {
      match_labels = { app = "reports" }
    }
    template {
      metadata {
        labels = { app = "reports" }
      }
      spec {
        container {
          name  = "reports"
          image = "shop/reports:1.8.2"
          resources {
            requests = local.equal.requests
            limits   = local.equal.limits
          }
          volume_mount {
            name       = "shared"
            mount_path = "/srv/reports"
          }
        }
        volume {
          name = "shared"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim_v1.shared.metadata[0].name
          }
        }
      }
    }
  }
}

resource "kubernetes_stateful_set_v1" "cache" {
  metadata {
    name      = "cache"
    namespace = local.ns
  }
  spec {
    service_name = "cache"
    selector {
      match_labels = { app = "cache" }
    }
    template {
      metadata {
        labels = { app = "cache" }
      }
      spec {
        container {
          name  = "redis"
          image = "redis:7.4.1"
          resources {
            requests = local.equal.requests
            limits   = local.equal.limits
          }
          volume_mount {
            name       = "cache-data"
            mount_path = "/data"
          }
        }
      }
    }
    volume_claim_template {
      metadata {
        name = "cache-data"
      }
      spec {
        access_modes       = ["ReadWriteOnce"]
        storage_class_name = "gp2"
        resources {
          requests = { storage = "10Gi" }
        }
      }
    }
  }
  wait_for_rollout = false
}

resource "kubernetes_job_v1" "train" {
  for_each = toset([local.ns, "gpu-nodes"])
  metadata {
    name      = "train"
    namespace = each.key
  }
  spec {
    template {
      metadata {}
      spec {
        restart_policy = "Never"
        container {
          name  = "trainer"
          image = "ml/trainer:0.9.1"
          resources {
            requests = { cpu = "2", memory = "8Gi" }
            limits   = { cpu = "2", memory = "8Gi", "nvidia.com/gpu" = "1" }
          }
        }
      }
    }
  }
  wait_for_completion = false
}

resource "kubernetes_job_v1" "etl" {
  metadata {
    name      = "etl"
    namespace = local.ns
  }
  spec {
    template {
      metadata {}
      spec {
        restart_policy = "Never"
        container {
          name  = "etl"
          image = "data/etl:5.0.0"
          resources {
            requests = { cpu = "1", memory = "4Gi", "ephemeral-storage" = "200Gi" }
            limits   = { cpu = "1", memory = "4Gi", "ephemeral-storage" = "200Gi" }
          }
        }
      }
    }
  }
  wait_for_completion = false
}

resource "kubernetes_persistent_volume_claim_v1" "unclassed" {
  metadata {
    name      = "unclassed"
    namespace = local.ns
  }
  spec {
    access_modes = ["ReadWriteOnce"]
    resources {
      requests = { storage = "1Gi" }
    }
  }
  wait_until_bound = false
}

resource "kubernetes_pod_v1" "unclassed" {
  metadata {
    name      = "unclassed"
    namespace = local.ns
  }
  spec {
    container {
      name  = "app"
      image = "shop/app:2.1.0"
      resources {
        requests = local.equal.requests
        limits   = local.equal.limits
      }
      volume_mount {
        name       = "data"
        mount_path = "/data"
      }
    }
    volume {
      name = "data"
      persistent_volume_claim {
        claim_name = kubernetes_persistent_volume_claim_v1.unclassed.metadata[0].name
      }
    }
  }
}

resource "kubernetes_pod_v1" "scratch" {
  metadata {
    name      = "scratch"
    namespace = local.ns
  }
  spec {
    container {
      name  = "app"
      image = "shop/app:2.1.0"
      resources {
        requests = local.equal.requests
        limits   = local.equal.limits
      }
      volume_mount {
        name       = "scratch"
        mount_path = "/scratch"
      }
    }
    volume {
      name = "scratch"
      ephemeral {
        volume_claim_template {
          spec {
            access_modes       = ["ReadWriteOnce"]
            storage_class_name = kubernetes_storage_class_v1.gp3.metadata[0].name
            resources {
              requests = { storage = "5Gi" }
            }
          }
        }
      }
    }
  }
}
