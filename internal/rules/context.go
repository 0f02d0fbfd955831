package rules

import (
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// Context is what the rules know about the objects judged together (a plan, a set of
// manifests): the namespaces and their policies, the roles bindings refer to, the PSPs,
// and EKS facts. It is built once per run and only read by the rules.
type Context struct {
	Profile profile.Profile

	// LimitRanges and Quotas by namespace; *Unknown counts those whose namespace is
	// unknown until apply (they could be in any namespace).
	LimitRanges        map[string][]*object.Object
	LimitRangesUnknown int
	Quotas             map[string][]*object.Object
	QuotasUnknown      int

	// NamespaceLabels are labels that kubernetes_labels resources add to namespaces.
	NamespaceLabels map[string][]*object.Object

	ClusterRoles    map[string]*object.Object
	Roles           map[string]*object.Object // "namespace/name"
	PSPs            map[string]*object.Object
	ServiceAccounts map[string]*object.Object // "namespace/name"
	// Bindings are the RoleBindings and ClusterRoleBindings, in the order given.
	Bindings []*object.Object
	// Claims are the PersistentVolumeClaims ("namespace/name") and StorageClasses (by
	// name) of the objects.
	Claims         map[string]*object.Object
	StorageClasses map[string]*object.Object

	Clusters        []eks.Cluster
	FargateProfiles []eks.FargateProfile
	// Versions are the known Kubernetes versions the objects go to: the clusters' and the
	// one the user gave.
	Versions []k8sversion.Version
}

// Facts are what is known of the clusters the objects go to.
type Facts struct {
	Clusters        []eks.Cluster
	FargateProfiles []eks.FargateProfile
	// KubernetesVersion is the version the user says the objects go to
	// (--kubernetes-version, kubernetes_version in .ekspodsec.hcl); "" when not given.
	KubernetesVersion string
}

// NewContext indexes the objects that give context (every object but the workloads may be
// left out: workloads give none).
func NewContext(objs []*object.Object, facts Facts, p profile.Profile) *Context {
	c := &Context{
		Profile:         p,
		LimitRanges:     map[string][]*object.Object{},
		Quotas:          map[string][]*object.Object{},
		NamespaceLabels: map[string][]*object.Object{},
		ClusterRoles:    map[string]*object.Object{},
		Roles:           map[string]*object.Object{},
		PSPs:            map[string]*object.Object{},
		ServiceAccounts: map[string]*object.Object{},
		Claims:          map[string]*object.Object{},
		StorageClasses:  map[string]*object.Object{},
		Clusters:        slices.Clone(facts.Clusters),
		FargateProfiles: facts.FargateProfiles,
	}
	if facts.KubernetesVersion != "" {
		// The version the user gave stands for the cluster the plan deploys to.
		c.Clusters = append(c.Clusters, eks.Cluster{Version: facts.KubernetesVersion, Source: "the Kubernetes version given to plan-check"})
	}
	for _, v := range clusterVersions(c.Clusters) {
		if parsed, err := k8sversion.Parse(v); v != "" && err == nil {
			c.Versions = append(c.Versions, parsed)
		}
	}
	for _, o := range objs {
		if o.Opaque != "" {
			continue
		}
		nsUnknown := o.Unknown("metadata.namespace")
		switch t := o.Typed.(type) {
		case *corev1.LimitRange:
			if nsUnknown {
				c.LimitRangesUnknown++
			} else {
				c.LimitRanges[o.Namespace] = append(c.LimitRanges[o.Namespace], o)
			}
		case *corev1.ResourceQuota:
			if nsUnknown {
				c.QuotasUnknown++
			} else {
				c.Quotas[o.Namespace] = append(c.Quotas[o.Namespace], o)
			}
		case *rbacv1.ClusterRole:
			c.ClusterRoles[t.Name] = o
		case *rbacv1.Role:
			c.Roles[o.Namespace+"/"+t.Name] = o
		case *psp.PodSecurityPolicy:
			c.PSPs[t.Name] = o
		case *corev1.ServiceAccount:
			c.ServiceAccounts[o.Namespace+"/"+t.Name] = o
		case *rbacv1.RoleBinding, *rbacv1.ClusterRoleBinding:
			c.Bindings = append(c.Bindings, o)
		case *corev1.PersistentVolumeClaim:
			c.Claims[o.Namespace+"/"+t.Name] = o
		case *storagev1.StorageClass:
			c.StorageClasses[t.Name] = o
		case *object.LabelsPatch:
			if t.Kind == "Namespace" {
				c.NamespaceLabels[t.Name] = append(c.NamespaceLabels[t.Name], o)
			}
		}
	}
	return c
}

// containerDefaults says which container resources a namespace's LimitRanges fill in.
type containerDefaults struct {
	request map[corev1.ResourceName]bool
	limit   map[corev1.ResourceName]bool
	// unknown is set when a LimitRange that could apply has unknown contents or namespace.
	unknown bool
	sources []string
}

// LimitRangeDefaults returns what the LimitRanges of namespace ns will fill into a
// container that does not set its own requests or limits, following the API server's own
// defaulting of LimitRange items: a missing default limit is the max, a missing default
// request is the default limit, else the min.
func (c *Context) LimitRangeDefaults(ns string) containerDefaults {
	d := containerDefaults{request: map[corev1.ResourceName]bool{}, limit: map[corev1.ResourceName]bool{}}
	d.unknown = c.LimitRangesUnknown > 0
	for _, o := range c.LimitRanges[ns] {
		lr := o.Typed.(*corev1.LimitRange)
		if o.UnknownWithin("spec") {
			d.unknown = true
		}
		d.sources = append(d.sources, o.Origin)
		for _, item := range lr.Spec.Limits {
			if item.Type != corev1.LimitTypeContainer && item.Type != "" {
				continue
			}
			// The API server's defaulting: default limit <- max; default request <-
			// default limit, else min.
			limits := map[corev1.ResourceName]bool{}
			for r := range item.Default {
				limits[r] = true
			}
			for r := range item.Max {
				limits[r] = true
			}
			for r := range limits {
				d.limit[r] = true
				d.request[r] = true
			}
			for r := range item.DefaultRequest {
				d.request[r] = true
			}
			for r := range item.Min {
				d.request[r] = true
			}
		}
	}
	sort.Strings(d.sources)
	return d
}

// FargateMatch finds the Fargate profile selector that selects pods of a workload. known is
// false when the plan cannot tell (namespace, labels or selectors unknown).
func (c *Context) FargateMatch(ns string, nsUnknown bool, labels map[string]string, labelsUnknown bool) (m eks.Match, matched, known bool) {
	if len(c.FargateProfiles) == 0 {
		return eks.Match{}, false, true
	}
	if m, ok := eks.MatchPod(c.FargateProfiles, ns, labels); ok && !nsUnknown {
		return m, true, true
	}
	for _, p := range c.FargateProfiles {
		if p.SelectorsUnknown {
			return eks.Match{Profile: p}, false, false
		}
	}
	if nsUnknown || labelsUnknown {
		return eks.Match{}, false, false
	}
	return eks.Match{}, false, true
}

func clusterVersions(cs []eks.Cluster) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Version)
	}
	return out
}

// PSPEra reports whether PodSecurityPolicies can matter to the objects: a known version
// before 1.25 (PSP was removed in 1.25), or, when no version is known, a
// PodSecurityPolicy among the objects. EPS101, EPS102 and EPS104 judge only then.
func (c *Context) PSPEra() bool {
	if len(c.Versions) == 0 {
		return len(c.PSPs) > 0
	}
	for _, v := range c.Versions {
		if !v.AtLeast(profile.PSPRemovedIn()) {
			return true
		}
	}
	return false
}

// PSPGone reports whether every known version is 1.25 or later (and one is known):
// PodSecurityPolicy no longer exists there. EPS103 stays quiet only then, since a cluster
// of unknown version may be older and have PSPs the plan does not hold (every EKS cluster
// before 1.25 has eks.privileged).
func (c *Context) PSPGone() bool {
	if len(c.Versions) == 0 {
		return false
	}
	for _, v := range c.Versions {
		if !v.AtLeast(profile.PSPRemovedIn()) {
			return false
		}
	}
	return true
}
