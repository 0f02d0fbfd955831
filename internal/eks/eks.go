// Package eks holds the EKS facts that decide whether a pod is safe where it will run:
// the cluster's Kubernetes version and its Fargate profiles, read from a plan
// (aws_eks_cluster, aws_eks_fargate_profile) or from the EKS API.
package eks

import (
	"sort"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/glob"
)

// Cluster is an EKS cluster as far as pod security cares.
type Cluster struct {
	// Name of the cluster ("" when unknown at plan time).
	Name string
	// Version is the Kubernetes minor version, e.g. "1.31" ("" when unknown or unset).
	Version string
	// Source is where the fact came from: a Terraform address or "eks:DescribeCluster".
	Source string
	// NameSensitive and VersionSensitive are set when the plan marks the value sensitive:
	// it may be used, never printed.
	NameSensitive, VersionSensitive bool
}

// FargateProfile selects the pods that run on Fargate.
type FargateProfile struct {
	Name        string
	ClusterName string
	Selectors   []Selector
	// Source is a Terraform address or "eks:DescribeFargateProfile".
	Source string
	// SelectorsUnknown is true when the plan does not know the selectors yet.
	SelectorsUnknown bool
	// NameSensitive and ClusterNameSensitive are set when the plan marks the value
	// sensitive: it may be used, never printed.
	NameSensitive, ClusterNameSensitive bool
}

// Selector matches pods by namespace and labels. EKS accepts the wildcards * and ? in
// both the namespace and label values (internal/glob: * any run, ? one character).
type Selector struct {
	Namespace string
	Labels    map[string]string
	// NamespaceSensitive is set when the plan marks the namespace sensitive, and
	// LabelsSensitive when it marks any label (key or value) sensitive: matching uses
	// them, String never prints them.
	NamespaceSensitive, LabelsSensitive bool
}

// redacted is what messages show in place of a sensitive value (finding.Redacted).
const redacted = "(sensitive value)"

// DisplayName is the cluster's name for messages: its name, else where it comes from;
// never a sensitive value.
func (c Cluster) DisplayName() string {
	switch {
	case c.NameSensitive:
		return redacted
	case c.Name == "":
		return c.Source
	}
	return c.Name
}

// DisplayVersion is the cluster's version for messages, never a sensitive value.
func (c Cluster) DisplayVersion() string {
	if c.VersionSensitive {
		return redacted
	}
	return c.Version
}

// DisplayName is the profile's name for messages, never a sensitive value.
func (p FargateProfile) DisplayName() string {
	if p.NameSensitive {
		return redacted
	}
	return p.Name
}

// Matches reports whether a pod in namespace ns with the given labels is selected: the
// namespace matches and every selector label is on the pod with a matching value.
func (s Selector) Matches(ns string, labels map[string]string) bool {
	if !glob.Match(s.Namespace, ns) {
		return false
	}
	for k, v := range s.Labels {
		got, ok := labels[k]
		if !ok || !glob.Match(v, got) {
			return false
		}
	}
	return true
}

// String renders a selector for messages: namespace=apps,labels={compute=fargate}, with
// sensitive parts redacted.
func (s Selector) String() string {
	ns := s.Namespace
	if s.NamespaceSensitive {
		ns = redacted
	}
	out := "namespace=" + ns
	if s.LabelsSensitive && len(s.Labels) > 0 {
		return out + ",labels=" + redacted
	}
	if len(s.Labels) > 0 {
		keys := make([]string, 0, len(s.Labels))
		for k := range s.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out += " labels={"
		for i, k := range keys {
			if i > 0 {
				out += ","
			}
			out += k + "=" + s.Labels[k]
		}
		out += "}"
	}
	return out
}

// Match is a Fargate profile selector that selects a pod.
type Match struct {
	Profile  FargateProfile
	Selector Selector
}

// MatchPod returns the first profile selector (in profile order, then selector order)
// that selects a pod, as the Fargate scheduler would.
func MatchPod(profiles []FargateProfile, ns string, labels map[string]string) (Match, bool) {
	for _, p := range profiles {
		for _, s := range p.Selectors {
			if s.Matches(ns, labels) {
				return Match{Profile: p, Selector: s}, true
			}
		}
	}
	return Match{}, false
}
