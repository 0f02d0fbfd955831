terraform {
  required_providers {
    ekspodsec = {
      source = "ekspodsec/ekspodsec"
    }
  }
}

# With an eks block the provider reads the cluster's Kubernetes version and Fargate
# profiles once per run (eks:DescribeCluster, eks:ListFargateProfiles,
# eks:DescribeFargateProfile), with the standard AWS credential chain, and the data
# sources default kubernetes_version, fargate and fargate_selectors from them.
provider "ekspodsec" {
  eks {
    cluster_name = "prod"
    region       = "us-east-1"
  }
}

# kubernetes_version is the cluster's; fargate is true when a Fargate profile selector
# takes the whole namespace; fargate_pod_size is then what a pod with the defaults costs.
data "ekspodsec_namespace" "apps" {
  name = "fargate-apps"
}

output "fargate_pod_size" {
  value = data.ekspodsec_namespace.apps.fargate_pod_size
}
