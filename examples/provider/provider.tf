terraform {
  required_providers {
    ekspodsec = {
      source = "ekspodsec/ekspodsec"
    }
  }
}

# Without configuration the data sources only render manifests, with no credentials and
# no network calls. Apply them with the kubernetes provider's kubernetes_manifest (see
# examples/hardened-namespace). To default versions and Fargate facts from a live EKS
# cluster, give the provider an eks block (next example).
provider "ekspodsec" {}
