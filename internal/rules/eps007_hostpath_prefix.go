package rules

import (
	"fmt"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

func init() {
	register(Rule{
		ID:          "EPS007",
		Severity:    finding.High,
		Description: `A ` + "`" + `hostPath` + "`" + ` volume is not under an allowed prefix. Prefixes match whole path segments (` + "`" + `/var/log` + "`" + ` allows ` + "`" + `/var/log/pods` + "`" + `, not ` + "`" + `/var/logs` + "`" + `); a path with ` + "`" + `..` + "`" + ` is never allowed. The allow-list is empty by default: set ` + "`" + `allowed_host_paths` + "`" + ` in ` + "`" + `.ekspodsec.hcl` + "`" + ` or ` + "`" + `--allow-host-path` + "`" + `.`,
		Title:       "hostPath outside the allowed prefixes",
		Guide:       guideHostPath,
		Remediation: "Mount a path under an allowed prefix, or allow the narrowest prefix that works " +
			"(allowed_host_paths in .ekspodsec.hcl or --allow-host-path). Prefixes match whole path " +
			"segments and a path with \"..\" is never allowed.",
		CEL: &CEL{Applies: func(o CELOptions) bool { return len(o.AllowedHostPaths) > 0 },
			Expression: func(o CELOptions) string {
				return fmt.Sprintf(`variables.hostPathVolumes.all(v, !v.hostPath.path.split('/').exists(s, s == '..') && `+
					`%s.exists(p, p == '' || v.hostPath.path == p || v.hostPath.path.startsWith(p + '/')))`, celList(hostPathPrefixes(o)))
			},
			Message: func(o CELOptions) string {
				return fmt.Sprintf("hostPath volumes must be under an allowed prefix (%s); '..' is never allowed", strings.Join(hostPathPrefixes(o), ", "))
			}},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			allowed := in.Ctx.Profile.AllowedHostPaths
			for i, v := range in.Spec().Volumes {
				if v.HostPath == nil {
					continue
				}
				p := fmt.Sprintf("volumes[%d].hostPath.path", i)
				path := v.HostPath.Path
				if in.Unknown(p) {
					out = append(out, unknown(in.P(p), "", fmt.Sprintf("The path of hostPath volume %s is not known until apply.", in.Show(fmt.Sprintf("volumes[%d].name", i), v.Name))))
					continue
				}
				if profile.HasDotDot(path) {
					out = append(out, fail(in.P(p), "", fmt.Sprintf("hostPath %s contains \"..\": it can climb out of any allowed prefix.", in.Show(p, path))))
					continue
				}
				if _, ok := in.Ctx.Profile.HostPathAllowed(path); ok {
					continue
				}
				out = append(out, fail(in.P(p), "", fmt.Sprintf("hostPath %s is not under an allowed prefix (%s).", in.Show(p, path), allowedList(allowed))))
			}
			return out
		},
	})
}

func allowedList(hp []profile.HostPath) string {
	if len(hp) == 0 {
		return "none are allowed"
	}
	var s []string
	for _, h := range hp {
		s = append(s, h.PathPrefix)
	}
	return "allowed: " + strings.Join(s, ", ")
}
