// Package eks holds the EKS facts that decide whether a pod is safe where it will run:
// the cluster's Kubernetes version and its Fargate profiles, read from a plan
// (aws_eks_cluster, aws_eks_fargate_profile) or from the EKS API.
package eks

import (
	"sort"
	"strconv"
	"strings"

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
}

// Selector matches pods by namespace and labels. EKS accepts the wildcards * and ? in
// both the namespace and label values (internal/glob: * any run, ? one character).
type Selector struct {
	Namespace string
	Labels    map[string]string
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

// String renders a selector for messages: namespace=apps,labels={compute=fargate}.
func (s Selector) String() string {
	out := "namespace=" + s.Namespace
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

// MinorAtLeast reports whether a Kubernetes version ("1.31", "v1.24.3", "1.30-eks-1234")
// is at least 1.minor. ok is false when the version does not parse.
//
// Deprecated: k8sversion is the one version parser: k8sversion.Parse, then
// Version.AtLeast with a version fact of internal/profile (profile.PSPRemovedIn for the
// PodSecurityPolicy cut-off). Kept only until internal/rules (EPS110) is switched.
func MinorAtLeast(version string, minor int) (atLeast, ok bool) {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	major, rest, found := strings.Cut(v, ".")
	if !found || major != "1" {
		return false, false
	}
	digits := 0
	for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
		digits++
	}
	m, err := strconv.Atoi(rest[:digits])
	if err != nil {
		return false, false
	}
	return m >= minor, true
}
