package render

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// NamespaceSpec is what a hardened namespace is rendered from. What it leaves unset
// ("" or nil) takes profile.DefaultNamespace().
type NamespaceSpec struct {
	Name string
	// Profile is the Pod Security Admission level enforced, and audited and warned about
	// unless Audit or Warn say otherwise.
	Profile, Audit, Warn profile.Level
	// PodSecurityVersion pins the Pod Security Standards version; unset, it is the
	// cluster's (KubernetesVersion, when Pod Security Admission runs there), else latest.
	PodSecurityVersion, KubernetesVersion string
	// LimitRangeName and Container make the LimitRange: Container.Default and
	// .DefaultRequest default, Min, Max and MaxLimitRequestRatio do not.
	LimitRangeName string
	Container      ContainerLimits
	// QuotaName and QuotaHard make the ResourceQuota.
	QuotaName string
	QuotaHard map[string]string
	// PSPPolicy, for a cluster older than profile.PSPRemovedIn: the PodSecurityPolicy the
	// namespace's service accounts (or ServiceAccounts) may use, through a ClusterRole
	// psp:<policy>:<namespace> and a RoleBinding.
	PSPPolicy       string
	ServiceAccounts []string
	// Fargate sizes a pod that takes the LimitRange's defaults.
	Fargate bool
	// Meta goes on every object.
	Meta Meta
}

// NamespaceResult is a hardened namespace.
type NamespaceResult struct {
	Namespace  *corev1.Namespace
	LimitRange *corev1.LimitRange
	Quota      *corev1.ResourceQuota
	// ClusterRole and RoleBinding are there with a PSPPolicy.
	ClusterRole *rbacv1.ClusterRole
	RoleBinding *rbacv1.RoleBinding
	// PodSecurityLabels are the Namespace's Pod Security Admission labels alone.
	PodSecurityLabels map[string]string
	// FargatePodSize is, with Fargate, what a pod taking the defaults is billed for.
	FargatePodSize *eks.Size
	// Decisions, in the spec's vocabulary: profile, audit, warn, pod_security_version,
	// limit_range.name, limit_range.container.default and .default_request,
	// resource_quota.name and resource_quota.hard when defaulted; the warnings of the
	// Pod Security Admission labels, the quota and the Fargate size.
	Decisions
}

// Named is a rendered object and the key it is known by.
type Named struct {
	Key    string
	Object any
}

// Objects are the rendered objects, in output order, keyed namespace, limit_range,
// resource_quota, then cluster_role and role_binding.
func (r NamespaceResult) Objects() []Named {
	out := []Named{{"namespace", r.Namespace}, {"limit_range", r.LimitRange}, {"resource_quota", r.Quota}}
	if r.ClusterRole != nil {
		out = append(out, Named{"cluster_role", r.ClusterRole}, Named{"role_binding", r.RoleBinding})
	}
	return out
}

// HardenedNamespace renders everything a hardened namespace needs: the Namespace with
// Pod Security Admission labels, a LimitRange with default requests and limits, a
// ResourceQuota on requests and limits and, with a PSPPolicy, the RBAC that grants its
// use. Errors are FieldErrors on kubernetes_version and on the objects' own fields below
// limit_range, resource_quota and rbac (limit_range.container.default["cpu"],
// rbac.binding[0].service_accounts[1]); an error of the LimitRange names the defaults it
// took.
func HardenedNamespace(s NamespaceSpec) (NamespaceResult, error) {
	d := profile.DefaultNamespace()
	var res NamespaceResult
	def := func(v any, path ...any) { res.Defaults = append(res.Defaults, Default{Path: path, Value: v}) }

	// Pod Security Admission: the namespace's profile is the enforced level.
	enforce := s.Profile
	if enforce == "" {
		enforce = d.Level
		def(string(enforce), "profile")
	}
	version := s.PodSecurityVersion
	if version == "" {
		if v, err := PodSecurityVersionFor(s.KubernetesVersion); err == nil {
			version = v
		} else {
			version = latestVersion // labels for after an upgrade to a cluster with Pod Security Admission
		}
		def(version, "pod_security_version")
	}
	psa, err := PodSecurity(PodSecuritySpec{Enforce: enforce, Audit: s.Audit, Warn: s.Warn, Version: version, Namespace: s.Name, Meta: s.Meta})
	if err != nil {
		return NamespaceResult{}, err
	}
	for _, pd := range psa.Defaults {
		if field := pd.Path[0]; field == "audit" || field == "warn" {
			res.Defaults = append(res.Defaults, pd)
		}
	}
	for _, w := range psa.Warnings {
		w.Path = []any{"profile"} // enforce is the profile here
		res.Warnings = append(res.Warnings, w)
	}
	res.Namespace, res.PodSecurityLabels = psa.Namespace, psa.Labels

	// The LimitRange, the quota and the RBAC, each checked, every error reported.
	var errs FieldErrors
	c := s.Container // defaults go into the copy, never into the caller's spec
	lrSpec := LimitRangeSpec{Name: s.LimitRangeName, Namespace: s.Name, Container: &c}
	var lrDefaults []Default
	if lrSpec.Name == "" {
		lrSpec.Name = d.LimitRangeName
		def(lrSpec.Name, "limit_range", "name")
	}
	if c.Default == nil {
		c.Default = d.ContainerDefault
		lrDefaults = append(lrDefaults, Default{Path: []any{"limit_range", "container", "default"}, Value: c.Default})
	}
	if c.DefaultRequest == nil {
		c.DefaultRequest = d.ContainerDefaultRequest
		lrDefaults = append(lrDefaults, Default{Path: []any{"limit_range", "container", "default_request"}, Value: c.DefaultRequest})
	}
	res.Defaults = append(res.Defaults, lrDefaults...)
	lr, err := limitRange(lrSpec, s.Meta)
	for _, fe := range under(err, "limit_range") {
		fe.Defaults = append(fe.Defaults, lrDefaults...)
		errs = append(errs, fe)
	}

	qSpec := QuotaSpec{Name: s.QuotaName, Namespace: s.Name, Hard: s.QuotaHard}
	if qSpec.Name == "" {
		qSpec.Name = d.QuotaName
		def(qSpec.Name, "resource_quota", "name")
	}
	if qSpec.Hard == nil {
		qSpec.Hard = d.QuotaHard
		def(qSpec.Hard, "resource_quota", "hard")
	}
	quota, err := ResourceQuota(qSpec, s.Meta)
	errs = append(errs, under(err, "resource_quota")...)
	res.Warnings = append(res.Warnings, warningsUnder(quota.Warnings, "resource_quota")...)

	var rbac RBACResult
	if s.PSPPolicy != "" {
		rbac, err = PolicyRBAC(s.PSPPolicy, RoleName(s.PSPPolicy)+":"+s.Name, []Binding{{Namespace: s.Name, ServiceAccounts: s.ServiceAccounts}}, s.Meta)
		errs = append(errs, under(err, "rbac")...)
	}
	if len(errs) > 0 {
		return NamespaceResult{Decisions: res.Decisions}, errs
	}
	res.LimitRange, res.Quota = lr, quota.Quota
	if rbac.ClusterRole != nil {
		res.ClusterRole, res.RoleBinding = rbac.ClusterRole, rbac.RoleBindings[0]
	}

	if s.Fargate {
		size, warnings, errs := fargateSizing(lr)
		res.Warnings = append(res.Warnings, warningsUnder(warnings, "limit_range")...)
		if len(errs) > 0 {
			return NamespaceResult{Decisions: res.Decisions}, under(errs, "limit_range")
		}
		res.FargatePodSize = size
	}
	return res, nil
}
