terraform {
  required_version = "~> 1.11"
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "3.2.1"
    }
  }
}

# Typed kubernetes_* resources plan without a cluster: nothing listens here, and the plan
# is made with -refresh=false.
provider "kubernetes" {
  host     = "https://127.0.0.1:1"
  insecure = true
}
