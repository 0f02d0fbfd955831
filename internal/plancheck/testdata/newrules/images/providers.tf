terraform {
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "3.2.1"
    }
  }
}

# Planned offline: the typed kubernetes_* resources do not contact the API server while
# planning, so an endpoint nothing listens on is enough (terraform plan -refresh=false).
provider "kubernetes" {
  host     = "https://127.0.0.1:1"
  insecure = true
}
