variable "kubeconfig_path" {
  description = "The kubeconfig that reaches the EKS cluster."
  type        = string
  default     = "~/.kube/config"
}

variable "kubeconfig_context" {
  description = "The kubeconfig context of the EKS cluster (null: the current one)."
  type        = string
  default     = null
}

variable "namespace" {
  description = "The namespace to create and harden."
  type        = string
  default     = "payments"
}

variable "service_accounts" {
  description = "Service accounts of the namespace whose pods may use the restricted policy."
  type        = list(string)
  default     = ["api", "worker"]
}

variable "kubernetes_version" {
  description = "The cluster's Kubernetes version. PodSecurityPolicy exists only before 1.25."
  type        = string
  default     = "1.24"
}

variable "fargate" {
  description = "Whether the namespace's pods run on EKS Fargate."
  type        = bool
  default     = false
}
