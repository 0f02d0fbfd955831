# What EKS Fargate bills each pod of a Deployment: the requests of its containers plus
# Fargate's 256 MB, rounded up to the next vCPU/memory configuration.
locals {
  worker = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = { name = "worker", namespace = "fargate-apps" }
    spec = {
      selector = { matchLabels = { app = "worker" } }
      template = {
        metadata = { labels = { app = "worker" } }
        spec = {
          containers = [
            { name = "worker", image = "registry.example.com/worker:3.1", resources = { requests = { cpu = "750m", memory = "1536Mi" } } },
            { name = "proxy", image = "registry.example.com/proxy:1.0", resources = { requests = { cpu = "250m", memory = "256Mi" } } },
          ]
        }
      }
    }
  }
  worker_bill = provider::ekspodsec::fargate_size(local.worker)
}

output "worker_fargate_size" {
  value = local.worker_bill.summary # "1 vCPU / 2 GB": 1 vCPU and 1792 MiB requested, plus 256 MB
}

check "worker_fargate_cost" {
  assert {
    condition     = local.worker_bill.vcpu != null && local.worker_bill.vcpu <= 1
    error_message = "Each worker pod is billed ${coalesce(local.worker_bill.summary, local.worker_bill.note)} on Fargate."
  }
}
