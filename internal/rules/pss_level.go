package rules

import (
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// PSSLevel is the most restrictive Pod Security Standards level the pod of workload o
// meets at version v of the standards, from k8s.io/pod-security-admission's own checks:
// "restricted", "baseline" or "privileged". When a field those checks read is unknown and
// the known fields meet baseline or restricted, the level is "unknown". It is "" for an
// object without a pod. Judge gives every workload verdict this level at the latest
// version.
func (e *Engine) PSSLevel(o *object.Object, v api.Version) string {
	if o == nil || o.Pod == nil {
		return ""
	}
	in := &WorkloadInput{Obj: o, W: o.Pod}
	meta, spec := &in.W.Template, &in.W.Spec
	level := string(api.LevelPrivileged)
	for _, l := range []api.Level{api.LevelRestricted, api.LevelBaseline} {
		agg := policy.AggregateCheckResults(e.pss.EvaluatePod(api.LevelVersion{Level: l, Version: v}, meta, spec))
		if agg.Allowed {
			level = string(l)
			break
		}
	}
	if level != string(api.LevelPrivileged) && securityFieldUnknown(in) {
		return "unknown"
	}
	return level
}
