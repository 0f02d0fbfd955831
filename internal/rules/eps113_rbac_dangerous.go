package rules

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

func init() {
	register(Rule{
		ID:           "EPS113",
		Peers:        []string{"CKV_K8S_49", "826abb30-3cd5-4e0b-a93b-67729b4f7e63", "07fc3413-e572-42f7-9877-5c8fc6fccfb5", "522d4a64-4dc9-44bd-9240-7d8a0d5cb5ba", "KSV041", "KSV043", "KSV044", "KSV045", "KSV046", "KSV047", "KSV048", "KSV051", "KSV052", "KSV053", "KSV054", "KSV112", "KSV113", "KSV114", "KSV115"},
		Severity:     finding.Medium,
		SeverityNote: "high when the plan binds the role to a service account or to everyone",
		Title:        "Role hands out the keys to the cluster",
		AppliesTo:    "Roles and ClusterRoles (`kubernetes_role(_v1)`, `kubernetes_cluster_role(_v1)`, manifests; aggregated ClusterRoles are left out), with the plan's bindings of them",
		Description: "A Role or ClusterRole grants what takes over workloads or the cluster: `*` in verbs, resources " +
			"or API groups (everything, including resources and subresources added later); `escalate` or `bind` on " +
			"roles (lifts RBAC's escalation prevention); `impersonate` (acts as any user, group or service account); " +
			"`get`, `list` or `watch` on Secrets (every token and credential of the namespace, service account tokens " +
			"included); `create` or `get` on `pods/exec` or `pods/attach` (a shell in any pod; WebSocket exec needs " +
			"only `get`); `create`, `update` or `patch` on pods or their controllers (runs any pod — privileged ones " +
			"wherever Pod Security Admission allows — as any service account of the namespace; a pod's image can be " +
			"changed in place; a Job's template cannot, so only `create` counts for Jobs); `get` or `create` " +
			"on `nodes/proxy` (the kubelet's API, exec in every pod of a node); writes to admission webhook " +
			"configurations (sees and rewrites every object admitted); writes to the `aws-auth` ConfigMap (maps any " +
			"IAM principal into system:masters); `create` on `serviceaccounts/token` (mints tokens for any account). " +
			"Reported on the role, one finding per rule entry, with what it grants. Medium; high when the plan binds " +
			"the role to a service account — every pod running as it, and whoever gets into one, holds these rights — " +
			"or to a group that stands for everyone (EPS108 reports that binding too).",
		Guide: guideRBACLeast,
		Remediation: "Grant the verbs and resources the subject needs, named: no `*`, no escalate, bind or impersonate, " +
			"Secrets by resourceNames, no pods/exec or pod creation for workloads that do not manage pods.",
		Object: func(in *ObjectInput) []Result {
			var rules []rbacv1.PolicyRule
			kind, cluster := "", false
			switch t := in.Obj.Typed.(type) {
			case *rbacv1.ClusterRole:
				if t.AggregationRule != nil {
					return nil // rules filled in by the controller from other roles
				}
				rules, kind, cluster = t.Rules, "ClusterRole", true
			case *rbacv1.Role:
				rules, kind = t.Rules, "Role"
			default:
				return nil
			}
			if in.Unknown("rules") {
				return []Result{unknown("rules", "", fmt.Sprintf("The rules of %s %s are not known until apply.", kind, in.qualifiedName()))}
			}
			boundTo := in.Ctx.roleSubjects(in.Obj, cluster)
			var out []Result
			said := map[string]bool{} // grants an earlier rule of the role reported
			for i, r := range rules {
				p := fmt.Sprintf("rules[%d]", i)
				if in.Unknown(p) || in.Unknown(p+".verbs") || in.Unknown(p+".resources") || in.Unknown(p+".apiGroups") {
					out = append(out, unknown(p, "", fmt.Sprintf("Rule %d of %s %s is not known until apply.", i, kind, in.qualifiedName())))
					continue
				}
				// A grant two rules of the role make (a chart's rules often repeat
				// "get secrets") is reported once, at the first.
				grants := slices.DeleteFunc(dangerousGrants(r, in.Obj.Namespace == "kube-system" && !cluster, cluster),
					func(g string) bool { return said[g] })
				if len(grants) == 0 {
					continue
				}
				for _, g := range grants {
					said[g] = true
				}
				what := strings.Join(grants, "; ")
				if in.Obj.SensitiveWithin(p) {
					what = "rights that take over workloads or the cluster (the rule is sensitive)"
				}
				res := fail(p, "", fmt.Sprintf("%s %s grants %s.", kind, in.qualifiedName(), what))
				if len(boundTo) > 0 {
					res.Severity = sev(finding.High)
					res.Message += " " + boundTo[0]
					if len(boundTo) > 1 {
						res.Message += fmt.Sprintf(" (and %d more)", len(boundTo)-1)
					}
				}
				out = append(out, res)
			}
			return out
		},
	})
}

// qualifiedName is the object's namespace/name (or name) for messages.
func (in *ObjectInput) qualifiedName() string {
	if in.Obj.Namespace != "" {
		return in.Plain("metadata.namespace", in.Obj.Namespace) + "/" + in.Plain("metadata.name", in.Obj.Name)
	}
	return in.Plain("metadata.name", in.Obj.Name)
}

var (
	workloadResources = []string{"pods", "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers"}
	writeVerbs        = []string{"create", "update", "patch"}
)

// dangerousGrants says what of a policy rule takes over workloads or the cluster
// ("every verb on every resource in every API group", "get, list and watch on secrets").
// kubeSystemRole is set for a Role in kube-system (whose configmaps include aws-auth).
func dangerousGrants(r rbacv1.PolicyRule, kubeSystemRole, cluster bool) []string {
	has := func(list []string, v string) bool { return slices.Contains(list, "*") || slices.Contains(list, v) }
	hasAny := func(list []string, vs ...string) []string {
		var out []string
		for _, v := range vs {
			if has(list, v) {
				out = append(out, v)
			}
		}
		return out
	}
	group := func(g string) bool { return has(r.APIGroups, g) }
	allVerbs, allResources, allGroups := slices.Contains(r.Verbs, "*"), slices.Contains(r.Resources, "*"), slices.Contains(r.APIGroups, "*")
	if len(r.Resources) == 0 {
		return nil // a non-resource URL rule (ClusterRoles): /healthz, /metrics
	}
	if allVerbs && allResources {
		where := "in every API group"
		if !allGroups {
			where = "in API groups " + strings.Join(r.APIGroups, ", ")
		}
		return []string{"every verb on every resource " + where + " (`*`): everything that exists and everything added later"}
	}
	var out []string
	switch {
	case allVerbs:
		out = append(out, fmt.Sprintf("every verb (`*`) on %s", strings.Join(r.Resources, ", ")))
	case allResources:
		out = append(out, fmt.Sprintf("%s on every resource (`*`)", strings.Join(r.Verbs, ", ")))
	}
	if allVerbs && allResources {
		return out
	}
	if v := hasAny(r.Verbs, "escalate", "bind"); len(v) > 0 && group("rbac.authorization.k8s.io") && len(hasAny(r.Resources, "roles", "clusterroles")) > 0 {
		out = append(out, strings.Join(v, " and ")+" on roles: any permission, past RBAC's escalation prevention")
	}
	if has(r.Verbs, "impersonate") && len(hasAny(r.Resources, "users", "groups", "serviceaccounts", "uids", "userextras/scopes")) > 0 {
		out = append(out, "impersonate: acting as other users, groups or service accounts")
	}
	named := len(r.ResourceNames) > 0 && !slices.Contains(r.ResourceNames, "*")
	if v := hasAny(r.Verbs, "get", "list", "watch"); len(v) > 0 && group("") && has(r.Resources, "secrets") && !named {
		scope := "every Secret of the namespace"
		if cluster {
			scope = "every Secret (of every namespace when bound by a ClusterRoleBinding)"
		}
		out = append(out, strings.Join(v, ", ")+" on secrets: "+scope+", service account tokens included")
	}
	if v := hasAny(r.Verbs, "create", "get"); len(v) > 0 && group("") {
		if sub := hasAny(r.Resources, "pods/exec", "pods/attach"); len(sub) > 0 {
			out = append(out, strings.Join(v, " and ")+" on "+strings.Join(sub, " and ")+": a shell in any pod of the namespace")
		}
	}
	if v := hasAny(r.Verbs, writeVerbs...); len(v) > 0 {
		var res []string
		for _, w := range workloadResources {
			if w == "jobs" && !has(r.Verbs, "create") {
				continue // a Job's pod template cannot change once it exists: only create runs new pods
			}
			g := "apps"
			switch w {
			case "pods", "replicationcontrollers":
				g = ""
			case "jobs", "cronjobs":
				g = "batch"
			}
			if group(g) && has(r.Resources, w) {
				res = append(res, w)
			}
		}
		if len(res) > 0 {
			out = append(out, strings.Join(v, ", ")+" on "+strings.Join(res, ", ")+": runs any pod (or changes what a pod runs), as any service account of the namespace")
		}
	}
	if v := hasAny(r.Verbs, "get", "create"); len(v) > 0 && group("") && has(r.Resources, "nodes/proxy") {
		out = append(out, strings.Join(v, " and ")+" on nodes/proxy: the kubelet's API, exec in every pod of a node")
	}
	if v := hasAny(r.Verbs, writeVerbs...); len(v) > 0 && group("admissionregistration.k8s.io") {
		if res := hasAny(r.Resources, "mutatingwebhookconfigurations", "validatingwebhookconfigurations"); len(res) > 0 {
			out = append(out, strings.Join(v, ", ")+" on "+strings.Join(res, ", ")+": sees and rewrites every object admitted")
		}
	}
	if v := hasAny(r.Verbs, writeVerbs...); len(v) > 0 && group("") && has(r.Resources, "configmaps") {
		if slices.Contains(r.ResourceNames, "aws-auth") || (len(r.ResourceNames) == 0 && kubeSystemRole) {
			out = append(out, strings.Join(v, ", ")+" on the aws-auth ConfigMap: maps any IAM principal into system:masters")
		}
	}
	if has(r.Verbs, "create") && group("") && has(r.Resources, "serviceaccounts/token") {
		out = append(out, "create on serviceaccounts/token: tokens for any service account of the namespace")
	}
	return out
}

// roleSubjects describes the plan's bindings of a role to service accounts or to everyone
// ("bound to ServiceAccount ci/runner by kubernetes_role_binding_v1.ci: every pod that runs
// as it has these rights"), in the plan's order.
func (c *Context) roleSubjects(role *object.Object, cluster bool) []string {
	var out []string
	for _, o := range c.Bindings {
		b, ok := asBinding(&ObjectInput{Obj: o, Ctx: c})
		if !ok || b.roleRef.Name != role.Name || o.Unknown("roleRef") {
			continue
		}
		if cluster && b.roleRef.Kind != "ClusterRole" || !cluster && (b.roleRef.Kind != "Role" || b.cluster || b.namespace != role.Namespace) {
			continue
		}
		for i, s := range b.subjects {
			if who := broadSubject(b, i, true); who != "" {
				out = append(out, fmt.Sprintf("The plan binds it to %s (%s).", who, originOr(o, "a binding")))
			} else if s.Kind == rbacv1.ServiceAccountKind {
				out = append(out, fmt.Sprintf("The plan binds it to %s (%s): every pod that runs as that account, and whoever gets into one, has these rights.", b.subjectText(i), originOr(o, "a binding")))
			}
		}
	}
	return out
}
