package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS115(t *testing.T) {
	cm := func(ns, data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: " + ns + "}\ndata:\n" + data
	}
	// yamlencode's style (quoted keys) and a heredoc's
	encoded := `  mapRoles: "- \"groups\":\n  - \"system:bootstrappers\"\n  - \"system:nodes\"\n  \"rolearn\": \"arn:aws:iam::111122223333:role/eks-node-group\"\n  \"username\": \"system:node:{{EC2PrivateDNSName}}\"\n- \"groups\":\n  - \"system:masters\"\n  \"rolearn\": \"arn:aws:iam::111122223333:role/ci-admin\"\n  \"username\": \"ci-admin\"\n"
  mapUsers: "- \"groups\":\n  - \"system:masters\"\n  \"userarn\": \"arn:aws:iam::111122223333:user/alice\"\n  \"username\": \"alice\"\n"
`
	heredoc := `  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/break-glass
      username: break-glass
      groups:
        - system:masters
`
	fs := judge(t, Options{}, map[string]string{
		"kubernetes_config_map_v1.aws_auth":            cm("kube-system", encoded),
		"kubernetes_config_map_v1_data.aws_auth_patch": cm("kube-system", heredoc),
		"kubernetes_config_map_v1.elsewhere":           cm("default", heredoc),
	})
	var msgs []string
	for _, f := range fs {
		if f.RuleID == "EPS115" {
			msgs = append(msgs, f.Address+" "+f.Message)
		}
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{
		"kubernetes_config_map_v1.aws_auth aws-auth's mapRoles (entry 2) maps IAM role arn:aws:iam::111122223333:role/ci-admin (username ci-admin) into system:masters",
		"kubernetes_config_map_v1.aws_auth aws-auth's mapUsers (entry 1) maps IAM user arn:aws:iam::111122223333:user/alice (username alice) into system:masters",
		"kubernetes_config_map_v1_data.aws_auth_patch aws-auth's mapRoles (entry 1) maps IAM role arn:aws:iam::111122223333:role/break-glass",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in\n%s", want, got)
		}
	}
	if len(msgs) != 3 || strings.Contains(got, "eks-node-group") || strings.Contains(got, "elsewhere") {
		t.Errorf("only the system:masters mappings of kube-system's aws-auth:\n%s", got)
	}
	runCases(t, []ruleCase{
		{name: "unknown mapRoles", doc: cm("kube-system", "  mapRoles: \"(unknown)\"\n"), unknown: []string{"EPS115"}, notFail: []string{"EPS115"}},
		{name: "not YAML", doc: cm("kube-system", "  mapRoles: \"- rolearn: [unclosed\"\n"), unknown: []string{"EPS115"}},
		{name: "sensitive data", doc: cm("kube-system", "  mapRoles: '(sensitive)\"- {rolearn: arn:aws:iam::1:role/secret-admin, groups: [system:masters]}\"'\n"), fail: []string{"EPS115"}},
	})
	fs = judge(t, Options{}, map[string]string{"kubernetes_manifest.x": cm("kube-system", "  mapRoles: '(sensitive)\"- {rolearn: arn:aws:iam::1:role/secret-admin, groups: [system:masters]}\"'\n")})
	for _, f := range fs {
		if strings.Contains(f.Message, "secret-admin") || (f.RuleID == "EPS115" && f.Status == finding.Fail && !strings.Contains(f.Message, Redacted)) {
			t.Errorf("a sensitive mapping is printed: %q", f.Message)
		}
	}
}
