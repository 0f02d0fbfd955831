# plan-check settings for this example (read from the Terraform root module).
fail_on = "high"

# The example's sidecar is a throwaway debug container: accept the missing token opt-out.
rule "EPS020" { severity = "info" }

waiver {
  rule    = "EPS011"
  address = "kubernetes_deployment_v1.bad"
  reason  = "example: the host port is deliberate, to show a waived finding"
  expires = "2027-06-30"
}
