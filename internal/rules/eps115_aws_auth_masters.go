package rules

import (
	"fmt"
	"regexp"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// awsAuthMapping is one entry of aws-auth's mapRoles or mapUsers.
type awsAuthMapping struct {
	RoleARN  string   `json:"rolearn"`
	UserARN  string   `json:"userarn"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

func init() {
	register(Rule{
		ID:        "EPS115",
		Severity:  finding.Low,
		Title:     "IAM principal mapped into system:masters",
		AppliesTo: "The `aws-auth` ConfigMap of `kube-system` (`kubernetes_config_map(_v1)`, `kubernetes_config_map_v1_data`, manifests)",
		Description: "The `aws-auth` ConfigMap of `kube-system` (`kubernetes_config_map(_v1)`, `kubernetes_config_map_v1_data`, " +
			"`kubernetes_manifest`, `kubectl_manifest`) maps an IAM role (`mapRoles`) or user (`mapUsers`) into the group " +
			"`system:masters`. Members of system:masters bypass RBAC altogether: the principal is cluster-admin through a " +
			"group no RoleBinding shows and none can revoke, and anyone who can assume the role (or holds the user's " +
			"keys) can disable Pod Security Admission, run privileged pods and read every Secret. The EKS guidance: do " +
			"not add IAM principals to system:masters; map them to groups bound to the roles they need, or use EKS " +
			"access entries. The YAML of each key is parsed (as aws-iam-authenticator reads it), not matched as text. " +
			"Low: a cluster needs administrators, and plan-check cannot tell a break-glass role from a CI role; every " +
			"mapping is named so it is reviewed. Raise it with `rule \"EPS115\" { severity = \"high\" }` where no IAM " +
			"principal should be.",
		Guide: guideIAMAccess,
		Remediation: "Map the principal to a group of your own (groups = [\"platform-admins\"]) bound to the ClusterRole it " +
			"needs, or move to EKS access entries with a namespace-scoped access policy; keep system:masters for none.",
		Object: func(in *ObjectInput) []Result {
			cm, ok := in.Obj.Typed.(*corev1.ConfigMap)
			if !ok || cm.Name != "aws-auth" {
				return nil
			}
			if cm.Namespace != "kube-system" && !in.Unknown("metadata.namespace") {
				return nil
			}
			var out []Result
			for _, key := range []struct{ name, arnField, what string }{{"mapRoles", "rolearn", "IAM role"}, {"mapUsers", "userarn", "IAM user"}} {
				p := fieldpath.Join("data", key.name)
				v, set := cm.Data[key.name]
				if !set {
					if in.Unknown(p) || in.Unknown("data") {
						out = append(out, unknown(p, "", fmt.Sprintf("aws-auth's %s is not known until apply: it could map %ss into system:masters.", key.name, key.what)))
					}
					continue
				}
				var entries []awsAuthMapping
				if err := yaml.Unmarshal([]byte(v), &entries); err != nil {
					out = append(out, unknown(p, "", fmt.Sprintf("aws-auth's %s is not a YAML list of mappings (%s): whom it maps into system:masters cannot be told, and aws-iam-authenticator cannot read it either.", key.name, yamlLineOf(err))))
					continue
				}
				for i, e := range entries {
					if !containsString(e.Groups, "system:masters") {
						continue
					}
					arn := e.RoleARN
					if key.name == "mapUsers" {
						arn = e.UserARN
					}
					user := ""
					if e.Username != "" {
						user = " (username " + in.Plain(p, e.Username) + ")"
					}
					out = append(out, fail(p, "", fmt.Sprintf("aws-auth's %s (entry %d) maps %s %s%s into system:masters: it is cluster-admin through a group no RBAC object shows and no binding can revoke.",
						key.name, i+1, key.what, in.Plain(p, arn), user)))
				}
			}
			return out
		},
	})
}

var yamlLine = regexp.MustCompile(`line [0-9]+`)

// yamlLineOf says where a YAML error is without quoting the text ("line 3", else "not
// valid YAML").
func yamlLineOf(err error) string {
	if m := yamlLine.FindString(err.Error()); m != "" {
		return "at " + m
	}
	return "not valid YAML"
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
