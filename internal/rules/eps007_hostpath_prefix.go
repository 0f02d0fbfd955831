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
		Peers:       []string{"a737be28-37d8-4bff-aa6d-1be8aa0a0015", "KSV121"},
		Severity:    finding.High,
		Description: `A ` + "`" + `hostPath` + "`" + ` volume is not under an allowed prefix. Prefixes match whole path segments (` + "`" + `/var/log` + "`" + ` allows ` + "`" + `/var/log/pods` + "`" + `, not ` + "`" + `/var/logs` + "`" + `); a path with ` + "`" + `..` + "`" + ` is never allowed. The allow-list is empty by default: set ` + "`" + `allowed_host_paths` + "`" + ` in ` + "`" + `.ekspodsec.hcl` + "`" + ` or ` + "`" + `--allow-host-path` + "`" + `. With no allow-list, it is one finding per pod naming its hostPaths (each volume is EPS005's); with one, one finding per volume outside it (and EPS005 leaves those volumes, and the allowed ones, to it).`,
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
			// With no allow-list every hostPath is outside it: one finding for the pod (the
			// gate's configuration), not one per volume beside each volume's EPS005.
			var outside []string
			outsidePath := ""
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
				if len(allowed) == 0 {
					outside = append(outside, in.Show(p, path))
					if outsidePath == "" {
						outsidePath = in.P(p)
					}
					continue
				}
				out = append(out, fail(in.P(p), "", fmt.Sprintf("hostPath %s is not under an allowed prefix (%s).", in.Show(p, path), allowedList(allowed))))
			}
			if len(outside) > 0 {
				what := "hostPath " + outside[0] + " is"
				if len(outside) > 1 {
					what = "hostPaths " + strings.Join(outside[:len(outside)-1], ", ") + " and " + outside[len(outside)-1] + " are"
				}
				out = append(out, fail(outsidePath, "", fmt.Sprintf("No hostPath prefix is allowed (allowed_host_paths is empty), so %s outside the allow-list: allow the narrowest prefixes these need (read-only), or replace them.", what)))
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
