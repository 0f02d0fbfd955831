package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

func init() {
	register(Rule{
		ID:       "EPS110",
		Severity: finding.High,
		Title:    "PodSecurityPolicy for a cluster of Kubernetes 1.25 or later",
		Description: "The plan creates a PodSecurityPolicy, and the EKS cluster (an `aws_eks_cluster` of the plan, or " +
			"the live cluster given with `--eks-cluster`) runs Kubernetes 1.25 or later, where PodSecurityPolicy was " +
			"removed: the apply will fail, and nothing enforces what the policy meant.",
		Guide: "PSP was removed in Kubernetes 1.25: use Pod Security Admission and ValidatingAdmissionPolicy",
		Remediation: "Replace the PodSecurityPolicy with Pod Security Admission labels on the namespace " +
			"(ekspodsec_pod_security_admission) and a ValidatingAdmissionPolicy for what PSA does not cover " +
			"(ekspodsec_validating_admission_policy).",
		Object: func(in *ObjectInput) []Result {
			if _, ok := in.Obj.Typed.(*psp.PodSecurityPolicy); !ok || len(in.Ctx.Clusters) == 0 {
				return nil
			}
			var removed, kept, unknownV []string
			for _, c := range in.Ctx.Clusters {
				name := c.DisplayName()
				v, err := k8sversion.Parse(c.Version)
				newer := err == nil && v.AtLeast(profile.PSPRemovedIn())
				switch {
				case c.Version == "" || err != nil:
					unknownV = append(unknownV, name)
				case newer:
					removed = append(removed, fmt.Sprintf("%s (%s)", name, c.DisplayVersion()))
				default:
					kept = append(kept, fmt.Sprintf("%s (%s)", name, c.DisplayVersion()))
				}
			}
			sort.Strings(removed)
			switch {
			case len(removed) > 0 && len(kept) == 0 && len(unknownV) == 0:
				return []Result{fail("apiVersion", "", fmt.Sprintf("PodSecurityPolicy was removed in Kubernetes 1.25 and the cluster runs %s: applying this policy will fail.", strings.Join(removed, ", ")))}
			case len(kept) == 0 && len(removed) == 0:
				return []Result{unknown("apiVersion", "", fmt.Sprintf("The version of cluster %s is not known until apply (a new cluster without a version gets the newest, where PodSecurityPolicy no longer exists).", strings.Join(unknownV, ", ")))}
			case len(removed) > 0:
				return []Result{unknown("apiVersion", "", fmt.Sprintf("The plan has clusters of different versions (%s; %s) and plan-check cannot tell which one this policy goes to.", strings.Join(removed, ", "), strings.Join(append(kept, unknownV...), ", ")))}
			}
			return nil
		},
	})
}
