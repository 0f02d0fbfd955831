package eks

import "testing"

func TestSelectorMatching(t *testing.T) {
	s := Selector{Namespace: "team-*", Labels: map[string]string{"compute": "fargate", "tier": "w?b"}}
	for _, c := range []struct {
		ns     string
		labels map[string]string
		want   bool
	}{
		{"team-a", map[string]string{"compute": "fargate", "tier": "web", "x": "y"}, true},
		{"team-a", map[string]string{"compute": "fargate"}, false}, // every selector label must be on the pod
		{"other", map[string]string{"compute": "fargate", "tier": "web"}, false},
		{"team-a", map[string]string{"compute": "ec2", "tier": "web"}, false},
		{"team-a.b", map[string]string{"compute": "fargate", "tier": "wxb"}, true}, // * takes any run, ? one character
		{"team-", map[string]string{"compute": "fargate", "tier": "wb"}, false},
	} {
		if got := s.Matches(c.ns, c.labels); got != c.want {
			t.Errorf("Matches(%s, %v) = %v", c.ns, c.labels, got)
		}
	}
	if !(Selector{Namespace: "apps"}).Matches("apps", nil) {
		t.Error("a selector without labels takes every pod of its namespace")
	}
	// only * and ? are wildcards: brackets and backslashes are the characters themselves
	if (Selector{Namespace: "[ab]"}).Matches("a", nil) || !(Selector{Namespace: "[ab]"}).Matches("[ab]", nil) ||
		(Selector{Namespace: `a\*`}).Matches("a*", nil) {
		t.Error("a bracket or a backslash is not a wildcard")
	}
	profiles := []FargateProfile{
		{Name: "first", Selectors: []Selector{{Namespace: "batch", Labels: map[string]string{"compute": "fargate"}}}},
		{Name: "second", Selectors: []Selector{{Namespace: "batch"}}},
	}
	if m, ok := MatchPod(profiles, "batch", map[string]string{"compute": "fargate"}); !ok || m.Profile.Name != "first" {
		t.Errorf("first match wins: %+v", m)
	}
	if m, ok := MatchPod(profiles, "batch", nil); !ok || m.Profile.Name != "second" {
		t.Errorf("second profile: %+v", m)
	}
}
