package rules

import (
	"sort"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/objtest"
)

// The rules are pure functions over typed objects: these helpers build the objects from
// YAML (objtest markers "(unknown)" and "(sensitive)" apply), judge them together (every
// object gives context to every other) and return what a report would carry.

// judgeObjects judges objects with the engine built from opts and returns one finding per
// verdict (rule, status, severity, container, path, message; Address is the object's
// Origin).
func judgeObjects(t *testing.T, opts Options, facts Facts, objs ...*object.Object) []finding.Finding {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := e.Context(objs, facts)
	var out []finding.Finding
	for _, o := range objs {
		for _, v := range e.Judge(ctx, o) {
			out = append(out, finding.Finding{
				RuleID: v.Rule.ID, Severity: v.Severity(), Status: v.Status, Address: o.Origin,
				Container: v.Container, K8sPath: v.Path, Message: v.Message, PSSLevel: v.PSSLevel,
			})
		}
	}
	finding.Sort(out)
	return out
}

// judge judges YAML documents by origin ("kubernetes_manifest.x" → YAML).
func judge(t *testing.T, opts Options, docs map[string]string) []finding.Finding {
	t.Helper()
	return judgeWith(t, opts, Facts{}, docs)
}

func judgeWith(t *testing.T, opts Options, facts Facts, docs map[string]string) []finding.Finding {
	t.Helper()
	origins := make([]string, 0, len(docs))
	for a := range docs {
		origins = append(origins, a)
	}
	sort.Strings(origins)
	var objs []*object.Object
	for _, a := range origins {
		if o := objtest.FromYAML(t, a, docs[a]); o != nil {
			objs = append(objs, o)
		}
	}
	return judgeObjects(t, opts, facts, objs...)
}

// fargateFacts is one Fargate profile whose selectors take the given namespaces.
func fargateFacts(sel ...eks.Selector) Facts {
	return Facts{FargateProfiles: []eks.FargateProfile{{Name: "fp", Source: "aws_eks_fargate_profile.fp", Selectors: sel}}}
}
