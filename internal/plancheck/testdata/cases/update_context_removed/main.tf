# Why this case exists: an UPDATE plan that removes the security contexts of a compliant
# Deployment ("the image's new entrypoint failed with a read-only root filesystem; we
# dropped the security_context blocks to unblock the release"). Step 1 was
# applied/main.tf. This is step 2: no pod security_context, no container
# security_context; requests, limits and automount_service_account_token = false stay.
# Today's rules on the after state: EPS002 (escalation not disabled), EPS003 (no
# runAsNonRoot), EPS013 (capabilities not dropped) and EPS016 (no seccomp profile) on
# container web.
# A diff mode: all of them "new" (the before state had no finding); nothing existing or
# fixed. The Pod Security Standards level is baseline on both sides: before, because the
# provider sends runAsNonRoot = false for a container security_context that does not set
# it (which overrides the pod's true); after, because nothing sets runAsNonRoot or a
# seccomp profile.
# Namespace "shop" is managed elsewhere (it was created with kubectl before step 1).

resource "kubernetes_deployment_v1" "storefront" {
  metadata {
    name      = "storefront"
    namespace = "shop"
  }

  # No controllers run on the fixture's API server: do not wait for a rollout.
  wait_for_rollout = false

  spec {
    replicas = 2
    selector {
      match_labels = { app = "storefront" }
    }

    template {
      metadata {
        labels = { app = "storefront" }
      }

      spec {
        automount_service_account_token = false

        container {
          name  = "web"
          image = "ghcr.io/example/storefront:3.3.0"

          resources {
            requests = { cpu = "100m", memory = "128Mi" }
            limits   = { cpu = "500m", memory = "256Mi" }
          }
        }
      }
    }
  }
}
