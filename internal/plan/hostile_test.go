package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// hostileDir holds one small plan per hostile shape, and expect.json, which says for each
// what reading it must give:
//
//   - outcome "error": Parse or Read fails, the error contains every string of contains
//     (the address, the attribute) and none of never (values that must not be printed);
//   - outcome "opaque": the object at address cannot be judged (Object.Opaque, an unknown
//     finding), for the reason opaque_contains;
//   - outcome "objects": the objects read, in order (address, kind, name, namespace,
//     list_item, whether the first container is privileged, paths that are unknown, paths
//     that are and are not sensitive, TFPath);
//   - outcome "eks": the clusters and Fargate profiles, with their sensitivity flags.
//
// what describes the case. The files are the corpus of the CLI-level harness too: exit 2
// for "error", an unknown finding for "opaque".
const hostileDir = "testdata/hostile"

type hostileCase struct {
	What           string   `json:"what"`
	Outcome        string   `json:"outcome"`
	Contains       []string `json:"contains"`
	Never          []string `json:"never"`
	Address        string   `json:"address"`
	OpaqueContains string   `json:"opaque_contains"`
	Objects        []struct {
		Address      string            `json:"address"`
		Kind         string            `json:"kind"`
		Name         string            `json:"name"`
		Namespace    *string           `json:"namespace"`
		ListItem     string            `json:"list_item"`
		Unknown      []string          `json:"unknown"`
		Privileged   bool              `json:"privileged"`
		Sensitive    []string          `json:"sensitive"`
		NotSensitive []string          `json:"not_sensitive"`
		TFPath       map[string]string `json:"tfpath"`
	} `json:"objects"`
	Clusters []struct {
		Source           string `json:"source"`
		NameSensitive    bool   `json:"name_sensitive"`
		VersionSensitive bool   `json:"version_sensitive"`
	} `json:"clusters"`
	Fargate []struct {
		Source               string `json:"source"`
		NameSensitive        bool   `json:"name_sensitive"`
		ClusterNameSensitive bool   `json:"cluster_name_sensitive"`
		Selectors            []struct {
			NamespaceSensitive bool `json:"namespace_sensitive"`
			LabelsSensitive    bool `json:"labels_sensitive"`
		} `json:"selectors"`
	} `json:"fargate"`
}

func loadHostile(t testing.TB) map[string]hostileCase {
	data, err := os.ReadFile(filepath.Join(hostileDir, "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]hostileCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// readPlan is Parse then Read: the objects, or the first error.
func readPlan(data []byte) (*Inventory, error) {
	p, err := Parse(data)
	if err != nil {
		return nil, err
	}
	return NewReader().Read(p)
}

func TestHostileCorpus(t *testing.T) {
	cases := loadHostile(t)
	files, _ := filepath.Glob(filepath.Join(hostileDir, "*.json"))
	for _, file := range files {
		if filepath.Base(file) != "expect.json" {
			if _, ok := cases[filepath.Base(file)]; !ok {
				t.Errorf("%s has no expectation in expect.json", file)
			}
		}
	}
	for name, c := range cases {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(hostileDir, name))
			if err != nil {
				t.Fatal(err)
			}
			inv, err := readPlan(data)
			if c.Outcome == "error" {
				if err == nil {
					t.Fatalf("%s: no error", c.What)
				}
				msg := err.Error()
				for _, s := range c.Contains {
					if !strings.Contains(msg, s) {
						t.Errorf("%s: error %q does not contain %q", c.What, msg, s)
					}
				}
				for _, s := range c.Never {
					if strings.Contains(msg, s) {
						t.Errorf("%s: error %q prints %q", c.What, msg, s)
					}
				}
				if strings.ContainsAny(msg, "\n\r\x1b") {
					t.Errorf("%s: error %q is not one line", c.What, msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", c.What, err)
			}
			switch c.Outcome {
			case "opaque":
				var found bool
				for _, o := range inv.Objects {
					if o.Address == c.Address && o.Opaque != "" {
						found = true
						if !strings.Contains(o.Opaque, c.OpaqueContains) {
							t.Errorf("%s: opaque %q does not say %q", c.What, o.Opaque, c.OpaqueContains)
						}
					}
				}
				if !found {
					t.Errorf("%s: no opaque object %s in %+v", c.What, c.Address, inv.Objects)
				}
			case "objects":
				if len(inv.Objects) != len(c.Objects) {
					t.Fatalf("%s: %d objects, want %d", c.What, len(inv.Objects), len(c.Objects))
				}
				for i, want := range c.Objects {
					o := inv.Objects[i]
					if o.Address != want.Address || o.Kind != want.Kind || (want.Name != "" && o.Name != want.Name) || o.ListItem != want.ListItem || o.Opaque != "" {
						t.Errorf("%s: object %d = %s %s %q item %q opaque %q, want %+v", c.What, i, o.Address, o.Kind, o.Name, o.ListItem, o.Opaque, want)
					}
					if want.Privileged {
						cs := o.Workload.Spec.Containers
						if len(cs) == 0 || cs[0].SecurityContext == nil || cs[0].SecurityContext.Privileged == nil || !*cs[0].SecurityContext.Privileged {
							t.Errorf("%s: object %d: the privileged container is not read", c.What, i)
						}
					}
					if want.Namespace != nil && o.Namespace != *want.Namespace {
						t.Errorf("%s: object %d: namespace %q, want %q", c.What, i, o.Namespace, *want.Namespace)
					}
					for _, p := range want.Unknown {
						if !o.Fields.Unknown(p) {
							t.Errorf("%s: object %d: %q is not unknown", c.What, i, p)
						}
					}
					for _, p := range want.Sensitive {
						if !o.Fields.Sensitive(p) {
							t.Errorf("%s: object %d: %q is not sensitive", c.What, i, p)
						}
					}
					for _, p := range want.NotSensitive {
						if o.Fields.Sensitive(p) {
							t.Errorf("%s: object %d: %q is sensitive", c.What, i, p)
						}
					}
					for k8s, tf := range want.TFPath {
						if got := o.Fields.TFPath(k8s); got != tf {
							t.Errorf("%s: TFPath(%s) = %s, want %s", c.What, k8s, got, tf)
						}
					}
				}
			case "eks":
				if len(inv.Clusters) != len(c.Clusters) || len(inv.FargateProfiles) != len(c.Fargate) {
					t.Fatalf("%s: %d clusters, %d profiles", c.What, len(inv.Clusters), len(inv.FargateProfiles))
				}
				for i, want := range c.Clusters {
					got := inv.Clusters[i]
					if got.Source != want.Source || got.NameSensitive != want.NameSensitive || got.VersionSensitive != want.VersionSensitive {
						t.Errorf("%s: cluster %+v, want %+v", c.What, got, want)
					}
				}
				for i, want := range c.Fargate {
					got := inv.FargateProfiles[i]
					if got.Source != want.Source || got.NameSensitive != want.NameSensitive || got.ClusterNameSensitive != want.ClusterNameSensitive || len(got.Selectors) != len(want.Selectors) {
						t.Fatalf("%s: profile %+v, want %+v", c.What, got, want)
					}
					for j, ws := range want.Selectors {
						gs := got.Selectors[j]
						if gs.NamespaceSensitive != ws.NamespaceSensitive || gs.LabelsSensitive != ws.LabelsSensitive {
							t.Errorf("%s: selector %d %+v, want %+v", c.What, j, gs, ws)
						}
					}
				}
			default:
				t.Fatalf("unknown outcome %q", c.Outcome)
			}
		})
	}
}

// TestHostileCorpusDeterministic: reading a case twice gives the same objects.
func TestHostileCorpusDeterministic(t *testing.T) {
	for name := range loadHostile(t) {
		data, _ := os.ReadFile(filepath.Join(hostileDir, name))
		a, errA := readPlan(data)
		b, errB := readPlan(data)
		if (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) || !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two reads differ", name)
		}
	}
}
