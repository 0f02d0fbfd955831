package rules

import (
	"fmt"
	"slices"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
)

func init() {
	register(Rule{
		ID:          "EPS102",
		Peers:       []string{"CKV_K8S_1", "CKV_K8S_3", "CKV_K8S_4", "CKV_K8S_5", "CKV_K8S_6", "4950837c-0ce5-4e42-9bee-a25eae73740b", "2bff9906-4e9b-4f71-9346-8ebedfdf43ef", "51bed0ac-a8ae-407a-895e-90c6cb0610ce", "67d086cf-d80a-49ef-b65c-4267c41a8ed7", "4c415497-7410-4559-90e8-f2c8ac64ee38"},
		Severity:    finding.High,
		Description: `A PodSecurityPolicy is permissive: privilege escalation allowed (or left to its default, true), host namespaces, host ports, ` + "`" + `*` + "`" + ` capabilities or volumes, hostPath without read-only ` + "`" + `allowedHostPaths` + "`" + `, or users that may be root (` + "`" + `RunAsAny` + "`" + `, ranges including 0).`,
		Title:       "Permissive PodSecurityPolicy",
		Guide:       guideRestricted,
		Remediation: "Start from the guide's restricted policy (ekspodsec_pod_security_policy with profile " +
			"\"restricted\") and allow only what the workloads need.",
		Object: func(in *ObjectInput) []Result {
			p, ok := in.Obj.Typed.(*psp.PodSecurityPolicy)
			if !ok || !in.Ctx.PSPEra() {
				return nil // on 1.25 and later the policy is EPS110's: it cannot be applied
			}
			s := p.Spec
			var out []Result
			add := func(path, msg string) { out = append(out, fail(path, "", msg)) }
			switch {
			case s.AllowPrivilegeEscalation == nil && !in.Unknown("spec.allowPrivilegeEscalation"):
				add("spec.allowPrivilegeEscalation", "allowPrivilegeEscalation is not set, and a PodSecurityPolicy defaults it to true: containers may gain privileges.")
			case s.AllowPrivilegeEscalation != nil && *s.AllowPrivilegeEscalation:
				add("spec.allowPrivilegeEscalation", "allowPrivilegeEscalation is true: containers may gain more privileges than their parent process.")
			}
			for _, h := range []struct {
				field string
				on    bool
			}{{"hostNetwork", s.HostNetwork}, {"hostPID", s.HostPID}, {"hostIPC", s.HostIPC}} {
				if h.on {
					add("spec."+h.field, fmt.Sprintf("%s is allowed: pods may share the node's namespaces.", h.field))
				}
			}
			if slices.Contains(s.AllowedCapabilities, "*") {
				add("spec.allowedCapabilities", "allowedCapabilities has \"*\": containers may add any capability.")
			}
			if slices.Contains(s.Volumes, "*") {
				add("spec.volumes", "volumes has \"*\": pods may mount any volume type, hostPath included.")
			}
			if slices.Contains(s.Volumes, "*") || slices.Contains(s.Volumes, "hostPath") {
				readOnly := len(s.AllowedHostPaths) > 0
				for _, h := range s.AllowedHostPaths {
					readOnly = readOnly && h.ReadOnly
				}
				if !readOnly {
					add("spec.allowedHostPaths", "hostPath volumes are allowed without allowedHostPaths that are all readOnly: pods may write to the node's files.")
				}
			}
			if len(s.HostPorts) > 0 {
				add("spec.hostPorts", "hostPorts are allowed: pods may listen on the node's own address.")
			}
			switch s.RunAsUser.Rule {
			case "RunAsAny":
				add("spec.runAsUser.rule", "runAsUser is RunAsAny: containers may run as root.")
			case "MustRunAs":
				for _, r := range s.RunAsUser.Ranges {
					if r.Min <= 0 {
						add("spec.runAsUser.ranges", "runAsUser allows user 0: containers may run as root.")
						break
					}
				}
			}
			if len(out) == 0 && in.UnknownWithin("spec") {
				out = append(out, unknown("spec", "", "Parts of the policy are not known until apply."))
			}
			return out
		},
	})
}
