package advise

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

// LegacyPolicy is a PodSecurityPolicy (ekspodsec_pod_security_policy) and the RBAC that
// grants it to exactly one service account, or to every service account of a namespace
// (ekspodsec_pod_security_policy_rbac), for clusters before 1.25.
type LegacyPolicy struct {
	Name              string             `json:"name"`
	Profile           string             `json:"profile"`
	KubernetesVersion string             `json:"kubernetes_version"`
	AllowedHostPaths  []profile.HostPath `json:"allowed_host_paths,omitempty"`
	// AllowedCapabilities are added on top of the profile's own.
	AllowedCapabilities []string `json:"allowed_capabilities,omitempty"`
	// AdditionalVolumes are volume types added on top of the profile's own.
	AdditionalVolumes []string `json:"additional_volumes,omitempty"`
	Namespace         string   `json:"namespace"`
	// ServiceAccounts are granted the policy; none grants every service account of the
	// namespace.
	ServiceAccounts []string `json:"service_accounts,omitempty"`
	// Why says why the profile is what it is.
	Why string `json:"why,omitempty"`
}

// boundTo says who may use the policy.
func (l *LegacyPolicy) boundTo() string {
	if len(l.ServiceAccounts) == 0 {
		return "every service account of " + l.Namespace
	}
	return "service account " + l.Namespace + "/" + strings.Join(l.ServiceAccounts, ", ")
}

// options are the data source's options for the profile.
func (l *LegacyPolicy) options() profile.Options {
	return profile.Options{AllowedHostPaths: l.AllowedHostPaths, AllowedCapabilities: l.AllowedCapabilities, AdditionalVolumes: l.AdditionalVolumes}
}

// Maps renders the PodSecurityPolicy, its ClusterRole and its RoleBinding as the data
// sources do.
func (l *LegacyPolicy) Maps() ([]map[string]any, error) {
	p, err := profile.New(profile.Level(l.Profile), l.options())
	if err != nil {
		return nil, fmt.Errorf("PodSecurityPolicy %s: %w", l.Name, err)
	}
	pol, err := render.PodSecurityPolicy(p, l.Name, render.Meta{})
	if err != nil {
		return nil, fmt.Errorf("PodSecurityPolicy %s: %w", l.Name, err)
	}
	rbac, err := render.PolicyRBAC(l.Name, "", []render.Binding{{Namespace: l.Namespace, ServiceAccounts: l.ServiceAccounts}}, render.Meta{})
	if err != nil {
		return nil, fmt.Errorf("RBAC of PodSecurityPolicy %s: %w", l.Name, err)
	}
	objs := []any{pol.Policy, rbac.ClusterRole}
	for _, b := range rbac.RoleBindings {
		objs = append(objs, b)
	}
	return render.All(objs...)
}

// legacyPolicy writes the PodSecurityPolicy of a group: the loosest profile its workloads
// need once host paths and capabilities (which the policy grants by name) are set aside,
// privileged when they need what only the privileged profile grants (privileged
// containers, host namespaces, host ports, a runtime socket or the whole host).
func (a *Advice) legacyPolicy(namespace string, g *Group, only string) error {
	l := &LegacyPolicy{Name: policyName(namespace, only), KubernetesVersion: a.KubernetesVersion, Namespace: namespace}
	if only != "" {
		l.ServiceAccounts = []string{only}
	}
	e := g.Exceptions
	level := Restricted
	var why []string
	switch {
	case len(e.Privileged) > 0:
		why = append(why, "privileged containers")
	case len(e.HostNamespaces) > 0:
		why = append(why, "host namespaces")
	case len(e.HostPorts) > 0 || len(e.HostPortRanges) > 0:
		why = append(why, "host ports")
	}
	for _, hp := range e.HostPaths {
		if _, err := profile.AllowedHostPath(profile.Restricted, hp.PathPrefix); err != nil {
			why = append(why, "host path "+hp.PathPrefix)
		}
	}
	if len(why) > 0 {
		level = Privileged
		l.Why = "only the privileged profile grants " + strings.Join(why, ", ")
	} else {
		ev, err := newEvaluator(a.PodSecurityVersion)
		if err != nil {
			return err
		}
		for _, w := range g.members {
			for _, spec := range append([]corev1.PodSpec{w.spec}, w.extra...) {
				s := withoutGrants(spec)
				switch {
				case ev.forbidden(api.LevelBaseline, &w.meta, &s, false) != nil:
					level = looser(level, Privileged)
				case ev.forbidden(api.LevelRestricted, &w.meta, &s, false) != nil:
					level = looser(level, Baseline)
				}
			}
		}
		if level != Restricted {
			l.Why = "its workloads fail the restricted level in more than host paths and capabilities"
		}
	}
	l.Profile = level
	// Host path prefixes restrict hostPath volumes at every level, privileged included.
	for _, hp := range e.HostPaths {
		l.AllowedHostPaths = append(l.AllowedHostPaths, profile.HostPath{PathPrefix: hp.PathPrefix, ReadOnly: hp.ReadOnly})
	}
	if level != Privileged {
		base, _ := profile.New(profile.Level(level), profile.Options{})
		for _, c := range e.Capabilities {
			n, err := profile.AllowedCapability(profile.Level(level), c.Value)
			if err == nil && !slices.Contains(base.AllowedCapabilities, n) {
				l.AllowedCapabilities = append(l.AllowedCapabilities, n)
			}
		}
		sort.Strings(l.AllowedCapabilities)
		l.AllowedCapabilities = slices.Compact(l.AllowedCapabilities)
		for _, w := range g.members {
			for _, v := range volumeTypes(w.spec) {
				if v != "hostPath" && !slices.Contains(base.Volumes, v) && !slices.Contains(l.AdditionalVolumes, v) {
					l.AdditionalVolumes = append(l.AdditionalVolumes, v)
				}
			}
		}
		sort.Strings(l.AdditionalVolumes)
	}
	if _, err := profile.New(profile.Level(level), l.options()); err != nil {
		g.Note = "no PodSecurityPolicy can be written: " + err.Error()
		return nil
	}
	g.Legacy = l
	return nil
}

// withoutGrants is a pod spec without what a PodSecurityPolicy grants by name (host path
// volumes become emptyDir, added capabilities are dropped), to find the profile the rest
// needs.
func withoutGrants(spec corev1.PodSpec) corev1.PodSpec {
	s := *spec.DeepCopy()
	for i := range s.Volumes {
		if s.Volumes[i].HostPath != nil {
			s.Volumes[i].VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
		}
	}
	for _, cs := range [][]corev1.Container{s.InitContainers, s.Containers} {
		for i := range cs {
			if sc := cs[i].SecurityContext; sc != nil && sc.Capabilities != nil {
				sc.Capabilities.Add = nil
			}
		}
	}
	return s
}

// volumeTypes are the PodSecurityPolicy volume type names a pod spec uses.
func volumeTypes(spec corev1.PodSpec) []string {
	var out []string
	for _, v := range spec.Volumes {
		var t string
		switch s := v.VolumeSource; {
		case s.ConfigMap != nil:
			t = "configMap"
		case s.EmptyDir != nil:
			t = "emptyDir"
		case s.Projected != nil:
			t = "projected"
		case s.Secret != nil:
			t = "secret"
		case s.DownwardAPI != nil:
			t = "downwardAPI"
		case s.PersistentVolumeClaim != nil:
			t = "persistentVolumeClaim"
		case s.HostPath != nil:
			t = "hostPath"
		case s.CSI != nil:
			t = "csi"
		case s.Ephemeral != nil:
			t = "ephemeral"
		case s.NFS != nil:
			t = "nfs"
		case s.AWSElasticBlockStore != nil:
			t = "awsElasticBlockStore"
		case s.ISCSI != nil:
			t = "iscsi"
		case s.FC != nil:
			t = "fc"
		case s.RBD != nil:
			t = "rbd"
		case s.CephFS != nil:
			t = "cephFS"
		case s.Cinder != nil:
			t = "cinder"
		case s.FlexVolume != nil:
			t = "flexVolume"
		case s.AzureDisk != nil:
			t = "azureDisk"
		case s.AzureFile != nil:
			t = "azureFile"
		case s.GCEPersistentDisk != nil:
			t = "gcePersistentDisk"
		case s.Glusterfs != nil:
			t = "glusterfs"
		case s.GitRepo != nil:
			t = "gitRepo"
		case s.PortworxVolume != nil:
			t = "portworxVolume"
		case s.VsphereVolume != nil:
			t = "vsphereVolume"
		case s.Quobyte != nil:
			t = "quobyte"
		case s.ScaleIO != nil:
			t = "scaleIO"
		case s.StorageOS != nil:
			t = "storageos"
		case s.PhotonPersistentDisk != nil:
			t = "photonPersistentDisk"
		case s.Flocker != nil:
			t = "flocker"
		}
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// legacy writes a PodSecurityPolicy and its RBAC.
func (hw *hclWriter) legacy(namespace string, g *Group, l *LegacyPolicy) {
	sa := "every service account"
	if len(l.ServiceAccounts) > 0 {
		sa = "service account " + strings.Join(l.ServiceAccounts, ", ")
	}
	name := hw.name(namespace, "all_service_accounts")
	if len(l.ServiceAccounts) > 0 {
		name = hw.name(namespace, strings.Join(l.ServiceAccounts, "_"))
	}
	line := fmt.Sprintf("PodSecurityPolicy for %s of %s (%s): %s, %s.", sa, namespace, orDash(strings.Join(g.Workloads, ", ")), l.Profile, g.summary())
	if l.Why != "" {
		line += " Profile " + l.Profile + ": " + l.Why + "."
	}
	hw.comment(line)
	d := hw.body().AppendNewBlock("data", []string{"ekspodsec_pod_security_policy", name}).Body()
	d.SetAttributeValue("name", cty.StringVal(l.Name))
	d.SetAttributeValue("profile", cty.StringVal(l.Profile))
	d.SetAttributeValue("kubernetes_version", cty.StringVal(l.KubernetesVersion))
	if len(l.AllowedHostPaths) > 0 {
		var hps []string
		for _, hp := range l.AllowedHostPaths {
			hps = append(hps, fmt.Sprintf("{ path_prefix = %s, read_only = %t },", lit(hp.PathPrefix), hp.ReadOnly))
		}
		d.SetAttributeRaw("allowed_host_paths", hw.expr("[\n"+strings.Join(hps, "\n")+"\n]"))
	}
	if len(l.AllowedCapabilities) > 0 {
		d.SetAttributeValue("allowed_capabilities", strList(l.AllowedCapabilities))
	}
	if len(l.AdditionalVolumes) > 0 {
		d.SetAttributeValue("additional_volumes", strList(l.AdditionalVolumes))
	}
	hw.body().AppendNewline()
	hw.body().AppendNewBlock("resource", []string{"kubernetes_manifest", name + "_psp"}).Body().
		SetAttributeRaw("manifest", hw.expr("data.ekspodsec_pod_security_policy."+name+".manifest"))
	hw.body().AppendNewline()
	rb := hw.body().AppendNewBlock("data", []string{"ekspodsec_pod_security_policy_rbac", name}).Body()
	rb.SetAttributeRaw("policy_name", hw.expr("data.ekspodsec_pod_security_policy."+name+".name"))
	bb := rb.AppendNewBlock("binding", nil).Body()
	bb.SetAttributeValue("namespace", cty.StringVal(l.Namespace))
	if len(l.ServiceAccounts) > 0 {
		bb.SetAttributeValue("service_accounts", strList(l.ServiceAccounts))
	}
	hw.body().AppendNewline()
	hw.body().AppendNewBlock("resource", []string{"kubernetes_manifest", name + "_role"}).Body().
		SetAttributeRaw("manifest", hw.expr("data.ekspodsec_pod_security_policy_rbac."+name+".cluster_role"))
	hw.body().AppendNewline()
	bd := hw.body().AppendNewBlock("resource", []string{"kubernetes_manifest", name + "_role_binding"}).Body()
	bd.SetAttributeRaw("manifest", hw.expr("data.ekspodsec_pod_security_policy_rbac."+name+".role_bindings["+lit(l.Namespace)+"]"))
	bd.SetAttributeRaw("depends_on", hw.expr("[kubernetes_manifest."+name+"_role]"))
}
