package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestFargateRule(t *testing.T) {
	facts := fargateFacts(eks.Selector{Namespace: "fargate-*", Labels: map[string]string{}},
		eks.Selector{Namespace: "batch", Labels: map[string]string{"compute": "fargate"}})
	doc := func(kind, ns, labels string) string {
		return "apiVersion: apps/v1\nkind: " + kind + "\nmetadata: {name: w, namespace: " + ns + "}\nspec:\n  template:\n    metadata: {labels: " + labels + "}\n    spec:\n      hostNetwork: true\n      containers: [{name: app, image: nginx, ports: [{containerPort: 80, hostPort: 80}]}]\n"
	}
	fs := judgeWith(t, Options{}, facts, map[string]string{
		"kubernetes_manifest.wildcard":   doc("Deployment", "fargate-web", "{app: w}"),
		"kubernetes_manifest.labelled":   doc("Deployment", "batch", "{compute: fargate}"),
		"kubernetes_manifest.unlabelled": doc("Deployment", "batch", "{app: w}"),
		"kubernetes_manifest.ec2":        doc("Deployment", "apps", "{app: w}"),
		"kubernetes_manifest.ds":         doc("DaemonSet", "fargate-x", "{app: w}"),
		"kubernetes_manifest.unknownns":  doc("Deployment", "(unknown)", "{app: w}"),
	})
	for addr, want := range map[string]finding.Status{
		"kubernetes_manifest.wildcard":   finding.Fail,
		"kubernetes_manifest.labelled":   finding.Fail,
		"kubernetes_manifest.ds":         finding.Fail,
		"kubernetes_manifest.unknownns":  finding.Unknown,
		"kubernetes_manifest.unlabelled": "",
		"kubernetes_manifest.ec2":        "",
	} {
		got := at(fs, addr)
		switch {
		case want == "" && (has(got, finding.Fail, "EPS019") || has(got, finding.Unknown, "EPS019")):
			t.Errorf("%s: not on Fargate: %s", addr, ids(got))
		case want != "" && !has(got, want, "EPS019"):
			t.Errorf("%s: want EPS019 %s: %s", addr, want, ids(got))
		}
	}
}
