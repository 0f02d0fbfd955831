terraform {
  required_version = ">= 1.5"

  required_providers {
    ekspodsec = {
      source = "ekspodsec/ekspodsec"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 2.23"
    }
  }
}

provider "ekspodsec" {}

# Point the kubernetes provider at the EKS cluster, e.g. after
# `aws eks update-kubeconfig --name CLUSTER`.
provider "kubernetes" {
  config_path    = var.kubeconfig_path
  config_context = var.kubeconfig_context
}
