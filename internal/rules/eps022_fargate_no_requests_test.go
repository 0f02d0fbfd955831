package rules

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS022(t *testing.T) {
	const bare = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: fargate-apps}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "api:1"}]
`
	limitRange := func(ns, item string) string {
		return "apiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults, namespace: " + ns + "}\nspec:\n  limits:\n  - " + item + "\n"
	}
	facts := fargateFacts(eks.Selector{Namespace: "fargate-apps"})
	for _, tc := range []struct {
		name       string
		limitRange string
		want       finding.Status // "" for no finding
	}{
		{name: "no LimitRange: the smallest size", want: finding.Fail},
		{name: "a LimitRange of another namespace", limitRange: limitRange("batch", "{type: Container, defaultRequest: {cpu: 250m, memory: 512Mi}}"), want: finding.Fail},
		{name: "default requests of the namespace size it", limitRange: limitRange("fargate-apps", "{type: Container, defaultRequest: {cpu: 250m, memory: 512Mi}}")},
		{name: "a default limit is the default request", limitRange: limitRange("fargate-apps", "{type: Container, default: {memory: 1Gi}}")},
		{name: "a LimitRange for pods only fills nothing in", limitRange: limitRange("fargate-apps", "{type: Pod, max: {cpu: '2'}}"), want: finding.Fail},
		{name: "a LimitRange whose namespace is unknown", limitRange: limitRange(`"(unknown)"`, "{type: Container, defaultRequest: {cpu: 250m}}"), want: finding.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs := map[string]string{"kubernetes_manifest.api": bare}
			if tc.limitRange != "" {
				docs["kubernetes_manifest.defaults"] = tc.limitRange
			}
			fs := judgeWith(t, Options{}, facts, docs)
			var got []finding.Finding
			for _, f := range fs {
				if f.RuleID == "EPS022" {
					got = append(got, f)
				}
			}
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("want no EPS022, got %s: %s", got[0].Status, got[0].Message)
			case tc.want != "" && (len(got) != 1 || got[0].Status != tc.want):
				t.Errorf("want one EPS022 %s, got %v", tc.want, got)
			}
		})
	}
	// Not selected by a profile: nothing to say.
	fs := judgeWith(t, Options{}, fargateFacts(eks.Selector{Namespace: "other"}), map[string]string{"kubernetes_manifest.api": bare})
	if has(fs, finding.Fail, "EPS022") || has(fs, finding.Unknown, "EPS022") {
		t.Errorf("no profile selects the pod: %s", ids(fs))
	}
}
