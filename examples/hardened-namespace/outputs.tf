output "manifests_yaml" {
  description = "Every rendered object as YAML, for review or kubectl apply -f."
  value = join("---\n", [
    data.ekspodsec_pod_security_policy.restricted.yaml,
    data.ekspodsec_pod_security_policy_rbac.restricted.yaml,
    data.ekspodsec_limit_range.defaults.yaml,
    data.ekspodsec_resource_quota.compute.yaml,
  ])
}
