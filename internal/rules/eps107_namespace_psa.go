package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

const psaEnforceLabel = "pod-security.kubernetes.io/enforce"

func init() {
	register(Rule{
		ID:          "EPS107",
		Severity:    finding.Medium,
		Description: `A namespace created in the plan has no ` + "`" + `pod-security.kubernetes.io/enforce` + "`" + ` label (its own or from a ` + "`" + `kubernetes_labels` + "`" + ` resource), or enforces ` + "`" + `privileged` + "`" + ` outside kube-system. Pod Security Admission is the successor of PodSecurityPolicy.`,
		Title:       "Namespace without Pod Security Admission enforcement",
		Guide:       guidePSA,
		Remediation: "Label the namespace pod-security.kubernetes.io/enforce = \"restricted\" (or \"baseline\"), " +
			"with warn and audit labels too (ekspodsec_pod_security_admission renders them). Only kube-system " +
			"should enforce privileged.",
		Object: func(in *ObjectInput) []Result {
			ns, labels, ok := createdNamespace(in)
			if !ok {
				return nil
			}
			path := `metadata.labels["` + psaEnforceLabel + `"]`
			level, has := labels[psaEnforceLabel]
			switch {
			case has && level == "privileged" && ns.Name != profile.SystemNamespace:
				return []Result{fail(path, "", fmt.Sprintf("Namespace %s enforces the privileged Pod Security Standard: nothing stops a privileged pod there.", nsDisplay(in, ns)))}
			case has:
				return nil
			case in.UnknownWithin("metadata.labels"):
				return []Result{unknown(path, "", "The namespace's labels are not known until apply: it may lack a Pod Security Admission enforce label.")}
			}
			return []Result{fail(path, "", fmt.Sprintf("Namespace %s has no %s label: pods there are not held to any Pod Security Standard (PSP's successor).", nsDisplay(in, ns), psaEnforceLabel))}
		},
	})
}
