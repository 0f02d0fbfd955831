package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:           "EPS114",
		Severity:     finding.Low,
		SeverityNote: "high when the plan binds the account to a role that hands out the keys",
		Title:        "Long-lived service account token Secret",
		AppliesTo:    "Secrets (`kubernetes_secret(_v1)`, manifests: only their type and metadata are read, never their data)",
		Description: "A Secret of type `kubernetes.io/service-account-token` makes the API server mint a token for the " +
			"service account it names (annotation `kubernetes.io/service-account.name`) that never expires, and store it " +
			"in the Secret: anyone who can read Secrets of the namespace, or a copy of the Secret in a CI system, holds " +
			"that identity until the Secret is deleted. Since Kubernetes 1.24 pods get short-lived projected tokens, and " +
			"the guide prefers them, or IRSA / EKS Pod Identity for AWS access, over static credentials. Low; high when " +
			"the plan binds the account to a role EPS113 reports, or to cluster-admin, admin or edit.",
		Guide: guideIAM,
		Remediation: "Delete the Secret. Give pods a projected token (automatic, or a serviceAccountToken volume source with " +
			"expirationSeconds), and give external systems a short-lived token (the TokenRequest API: " +
			"kubernetes_token_request_v1, `kubectl create token`) or workload identity instead.",
		Object: func(in *ObjectInput) []Result {
			s, ok := in.Obj.Typed.(*corev1.Secret)
			if !ok {
				return nil
			}
			if s.Type != corev1.SecretTypeServiceAccountToken {
				if in.Unknown("type") {
					return []Result{unknown("type", "", fmt.Sprintf("The type of Secret %s is not known until apply: it could be a long-lived service account token.", in.qualifiedName()))}
				}
				return nil
			}
			annPath := fieldpath.Join("metadata.annotations", corev1.ServiceAccountNameKey)
			account := s.Annotations[corev1.ServiceAccountNameKey]
			who := "the service account its " + corev1.ServiceAccountNameKey + " annotation names"
			switch {
			case in.Unknown(annPath) || in.Unknown("metadata.annotations"):
				who = "a service account (its name is not known until apply)"
			case account != "":
				who = "service account " + in.Plain("metadata.namespace", s.Namespace) + "/" + in.Plain(annPath, account)
			}
			res := fail("type", "", fmt.Sprintf("Secret %s of type kubernetes.io/service-account-token makes the API server store a token that never expires for %s, readable by anyone who can read Secrets of namespace %s.",
				in.qualifiedName(), who, in.Plain("metadata.namespace", s.Namespace)))
			if account != "" {
				if why := in.Ctx.powerfulAccount(s.Namespace, account); why != "" {
					res.Severity = sev(finding.High)
					res.Message += " " + why
				}
			}
			return []Result{res}
		},
	})
}

// powerfulAccount says how the plan makes a service account powerful — bound to a role
// EPS113 reports, or to cluster-admin, admin or edit — or "".
func (c *Context) powerfulAccount(namespace, name string) string {
	for _, o := range c.Bindings {
		in := &ObjectInput{Obj: o, Ctx: c}
		b, ok := asBinding(in)
		if !ok {
			continue
		}
		for i, s := range b.subjects {
			if s.Kind != rbacv1.ServiceAccountKind || s.Name != name || s.Namespace != namespace {
				continue
			}
			r := c.resolveRole(b)
			switch {
			case r.clusterAdmin || (b.roleRef.Kind == "ClusterRole" && (b.roleRef.Name == "admin" || b.roleRef.Name == "edit") && r.source == "built-in ClusterRole "+b.roleName()):
				return fmt.Sprintf("%s binds the account to %s.", originOr(o, "A binding"), r.source)
			case r.known:
				for _, pr := range r.rules {
					if len(dangerousGrants(pr, b.namespace == "kube-system" && b.roleRef.Kind == "Role", b.roleRef.Kind == "ClusterRole")) > 0 {
						return fmt.Sprintf("%s binds the account (%s) to %s, which hands out the keys to the cluster (EPS113).", originOr(o, "A binding"), b.subjectText(i), r.source)
					}
				}
			}
		}
	}
	return ""
}
