# A workload written for kubernetes_manifest, judged by plan-check's rules inside
# Terraform. The precondition refuses to create it while any finding at or above
# fail_on (default "high") fails: a privileged container (EPS001) stops the plan with the
# rule ID in the error. The check block only warns, about everything from "medium" up.
locals {
  web = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = { name = "web", namespace = "apps" }
    spec = {
      selector = { matchLabels = { app = "web" } }
      template = {
        metadata = { labels = { app = "web" } }
        spec = {
          automountServiceAccountToken = false
          securityContext = {
            runAsNonRoot   = true
            runAsUser      = 10001
            seccompProfile = { type = "RuntimeDefault" }
          }
          containers = [{
            name  = "web"
            image = "nginxinc/nginx-unprivileged:1.27"
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
        }
      }
    }
  }

  # Unknown findings (a value known only on apply) have failing unknown: the
  # precondition is then decided on apply, when the value is known.
  web_failing = [for v in provider::ekspodsec::violations(local.web) : "${v.rule_id} ${v.path}: ${v.message}" if v.failing]
}

resource "kubernetes_manifest" "web" {
  manifest = local.web

  lifecycle {
    precondition {
      condition     = length(local.web_failing) == 0
      error_message = "The web Deployment breaks the EKS pod security guidance:\n${join("\n", local.web_failing)}"
    }
  }
}

check "web_pod_security" {
  assert {
    condition = length([for v in provider::ekspodsec::violations(local.web, { fail_on = "medium" }) : v if v.failing]) == 0
    error_message = join("\n", [
      for v in provider::ekspodsec::violations(local.web, { fail_on = "medium" }) :
      "${v.rule_id} (${v.severity}) ${v.container}: ${v.message}" if v.failing
    ])
  }
}

# Objects in one list are judged together, as plan-check judges one plan: here the
# LimitRange gives the job's container the limits it does not set (no EPS015), and fargate
# says which pods run on EKS Fargate (EPS019 for what Fargate refuses): a list of Fargate
# profiles, or true for every pod. An aws_eks_fargate_profile resource fits as it is.
output "batch_findings" {
  value = [
    for v in provider::ekspodsec::violations([
      {
        apiVersion = "v1"
        kind       = "LimitRange"
        metadata   = { name = "defaults", namespace = "batch" }
        spec = { limits = [{
          type           = "Container"
          default        = { cpu = "500m", memory = "512Mi" }
          defaultRequest = { cpu = "250m", memory = "256Mi" }
        }] }
      },
      {
        apiVersion = "batch/v1"
        kind       = "Job"
        metadata   = { name = "report", namespace = "batch" }
        spec = { template = { spec = {
          restartPolicy = "Never"
          containers = [{
            name      = "report"
            image     = "registry.example.com/report:2.4"
            resources = { requests = { cpu = "250m", memory = "256Mi" } }
          }]
        } } }
      },
      ], {
      fail_on = "critical"
      fargate = [{ fargate_profile_name = "batch", selector = [{ namespace = "batch" }] }]
    }) : "${v.rule_id} ${v.kind}/${v.name}: ${v.title}"
  ]
}
