package render

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// PSPResult is a rendered PodSecurityPolicy.
type PSPResult struct {
	Policy *psp.PodSecurityPolicy
	// Decisions: the name, when none is given, is the profile's.
	Decisions
}

// Objects are the rendered objects, in output order.
func (r PSPResult) Objects() []any { return []any{r.Policy} }

// PodSecurityPolicy renders the policy of a profile. For the restricted level it is the
// EKS guide's restricted policy, field for field (the guide's YAML has indentation
// mistakes; this renders what it means).
//
// Errors are FieldErrors on "name", "labels" and "annotations".
func PodSecurityPolicy(p profile.Profile, name string, m Meta) (PSPResult, error) {
	var errs FieldErrors
	var res PSPResult
	if name == "" {
		name = p.Name
		res.Defaults = append(res.Defaults, Default{Path: []any{"name"}, Value: name})
	}
	checkSubdomain(&errs, []any{"name"}, "name", name)
	own := map[string]string{}
	if len(p.Seccomp.Allowed) > 0 {
		own[psp.SeccompAllowedProfilesAnnotation] = strings.Join(p.Seccomp.Allowed, ",")
	}
	if p.Seccomp.Default != "" {
		own[psp.SeccompDefaultProfileAnnotation] = p.Seccomp.Default
	}
	if len(p.AppArmor.Allowed) > 0 {
		own[psp.AppArmorAllowedProfilesAnnotation] = strings.Join(p.AppArmor.Allowed, ",")
	}
	if p.AppArmor.Default != "" {
		own[psp.AppArmorDefaultProfileAnnotation] = p.AppArmor.Default
	}
	om, err := objectMeta(name, "", m, own)
	errs.add(err)
	if len(errs) > 0 {
		return PSPResult{}, errs.titled("Cannot render the policy")
	}
	escalation := p.AllowPrivilegeEscalation
	spec := psp.PodSecurityPolicySpec{
		Privileged:               p.Privileged,
		AllowPrivilegeEscalation: &escalation,
		RequiredDropCapabilities: p.RequiredDropCapabilities,
		AllowedCapabilities:      p.AllowedCapabilities,
		Volumes:                  p.Volumes,
		HostNetwork:              p.HostNetwork,
		HostIPC:                  p.HostIPC,
		HostPID:                  p.HostPID,
		RunAsUser:                psp.RunAsUserStrategyOptions{Rule: p.RunAsUser.Rule, Ranges: ranges(p.RunAsUser.Ranges)},
		SELinux:                  psp.SELinuxStrategyOptions{Rule: p.SELinuxRule},
		SupplementalGroups:       psp.SupplementalGroupsStrategyOptions{Rule: p.SupplementalGroups.Rule, Ranges: ranges(p.SupplementalGroups.Ranges)},
		FSGroup:                  psp.FSGroupStrategyOptions{Rule: p.FSGroup.Rule, Ranges: ranges(p.FSGroup.Ranges)},
		ReadOnlyRootFilesystem:   p.ReadOnlyRootFilesystem,
	}
	for _, hp := range p.HostPorts {
		spec.HostPorts = append(spec.HostPorts, psp.HostPortRange{Min: hp.Min, Max: hp.Max})
	}
	for _, hp := range p.AllowedHostPaths {
		spec.AllowedHostPaths = append(spec.AllowedHostPaths, psp.AllowedHostPath{PathPrefix: hp.PathPrefix, ReadOnly: hp.ReadOnly})
	}
	res.Policy = &psp.PodSecurityPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: psp.APIVersion, Kind: psp.Kind},
		ObjectMeta: om,
		Spec:       spec,
	}
	return res, nil
}

func ranges(in []profile.IDRange) []psp.IDRange {
	var out []psp.IDRange
	for _, r := range in {
		out = append(out, psp.IDRange{Min: r.Min, Max: r.Max})
	}
	return out
}

// PSPRemovedMessage explains why a PodSecurityPolicy cannot go to a cluster of
// profile.PSPRemovedIn or later.
func PSPRemovedMessage(version string) string {
	return fmt.Sprintf("PodSecurityPolicy was removed in Kubernetes %s and this cluster runs %s: the API server would refuse it. "+
		"Its successors are Pod Security Admission (namespace labels; data source ekspodsec_pod_security_admission) and "+
		"ValidatingAdmissionPolicy (CEL; ekspodsec_validating_admission_policy) for what PSA does not cover.", profile.PSPRemovedIn(), version)
}
