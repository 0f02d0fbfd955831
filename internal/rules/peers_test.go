package rules

import (
	"os"
	"sort"
	"testing"

	"k8s.io/pod-security-admission/policy"
)

// TestPeerMap holds the migration map and the rules' Peers together: every peer a rule
// names is in the map, every check the map lists without a reason is covered, no check
// with a reason is, IDs are unique, and the Pod Security Standards entries are exactly the
// library's checks.
func TestPeerMap(t *testing.T) {
	byID := map[string]PeerCheck{}
	for _, p := range PeerChecks() {
		if _, dup := byID[p.ID]; dup {
			t.Errorf("%s listed twice", p.ID)
		}
		if p.Title == "" || p.Tool == "" {
			t.Errorf("%s lacks a tool or title", p.ID)
		}
		byID[p.ID] = p
		covering := CoveringRules(p.ID)
		switch {
		case p.NotCovered == "" && len(covering) == 0:
			t.Errorf("%s %s: no rule covers it and no reason says why", p.Tool, p.ID)
		case p.NotCovered != "" && len(covering) > 0:
			t.Errorf("%s %s: covered by %v but also says why not", p.Tool, p.ID, covering)
		}
	}
	for _, r := range Catalogue() {
		for _, id := range r.Peers {
			if _, ok := byID[id]; !ok {
				t.Errorf("%s names %s, which the map does not list", r.ID, id)
			}
		}
	}
	var lib, listed []string
	for _, c := range policy.DefaultChecks() {
		lib = append(lib, "pss:"+string(c.ID))
	}
	for _, p := range PeerChecks() {
		if p.Tool == ToolPSS {
			listed = append(listed, p.ID)
		}
	}
	sort.Strings(lib)
	sort.Strings(listed)
	if len(lib) != len(listed) {
		t.Fatalf("PSS checks: library %v, map %v", lib, listed)
	}
	for i := range lib {
		if lib[i] != listed[i] {
			t.Errorf("PSS checks: library %v, map %v", lib, listed)
			break
		}
	}
}

// TestLookupPeer: the spellings users write.
func TestLookupPeer(t *testing.T) {
	for in, want := range map[string]string{
		"CKV_K8S_22": "CKV_K8S_22", "ckv_k8s_22": "CKV_K8S_22",
		"KSV014": "KSV014", "KSV-0014": "KSV014", "AVD-KSV-0014": "KSV014", "ksv14": "KSV014",
		"KSV-01010": "KSV01010", "AVD-KSV-0102": "KSV102",
		"D532566B-8D9D-4F3B-80BD-361FE802F9C2": "d532566b-8d9d-4f3b-80bd-361fe802f9c2",
		"pss:sysctls":                          "pss:sysctls", "PSS:sysctls": "pss:sysctls",
	} {
		p, _, ok := LookupPeer(in)
		if !ok || p.ID != want {
			t.Errorf("LookupPeer(%q) = %q, %v; want %q", in, p.ID, ok, want)
		}
	}
	if _, rules, _ := LookupPeer("CKV_K8S_22"); len(rules) != 1 || rules[0] != "EPS023" {
		t.Errorf("CKV_K8S_22 is EPS023's: %v", rules)
	}
	if _, _, ok := LookupPeer("CKV_K8S_9999"); ok {
		t.Error("an unknown ID is found")
	}
}

// TestPeersDocCurrent: docs/peers.md is what the map renders; regenerate with make docs.
func TestPeersDocCurrent(t *testing.T) {
	got, err := os.ReadFile("../../docs/peers.md")
	if err != nil {
		t.Fatalf("%v (run make docs)", err)
	}
	if string(got) != PeersDoc() {
		t.Error("docs/peers.md is stale: run make docs")
	}
}
