package plan

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan/internal/computedgen"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestComputedTableFresh fails when computed_gen.go or the probe configuration is not
// what the generator makes of the committed schema and probe plan: run
// `go generate ./internal/plan` (and plan the probe again when main.tf changed, see
// testdata/computed-probe/README.md).
func TestComputedTableFresh(t *testing.T) {
	schema := readTestdata(t, "testdata/kubernetes-provider-schema.json")
	probe, err := computedgen.ProbeConfig(schema)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(probe, readTestdata(t, "testdata/computed-probe/main.tf")) {
		t.Error("testdata/computed-probe/main.tf is stale: go run ./internal/gencomputed -probe, then plan it (README.md)")
	}
	table, err := computedgen.Generate(schema, readTestdata(t, "testdata/computed-probe/plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(table, readTestdata(t, "computed_gen.go")) {
		t.Error("computed_gen.go is stale: go generate ./internal/plan")
	}
}

// TestProbeCoversTable checks that the probe plan saw every nested block the table reads,
// for every resource type, unwritten under a written parent (else whether the provider
// computes it is not known), except blocks the schema requires; and that the probe plan
// is of the resource types the Reader reads.
func TestProbeCoversTable(t *testing.T) {
	schema := readTestdata(t, "testdata/kubernetes-provider-schema.json")
	obs, err := computedgen.Observed(schema, readTestdata(t, "testdata/computed-probe/plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	required := requiredBlocks(t, schema)
	r := NewReader()
	var types []string
	for typ := range r.families {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		if strings.HasPrefix(typ, "aws_") {
			continue // not the kubernetes provider's: TestAWSTypesComputeNothingRead
		}
		seen, ok := obs[typ]
		if !ok {
			t.Errorf("%s: not in the probe plan (add it to computedgen.Probes)", typ)
			continue
		}
		var walk func(s *spec, path string)
		walk = func(s *spec, path string) {
			for _, name := range s.keys {
				child := s.fields[name]
				if child.shape != object && child.shape != array {
					continue
				}
				p := name
				if path != "" {
					p = path + "." + name
				}
				if _, ok := seen[p]; !ok && !required[typ+"."+p] {
					t.Errorf("%s: block %s never probed unwritten (computedgen.Probes must write its parent)", typ, p)
				}
				walk(child, p)
			}
		}
		walk(r.families[typ].root, "")
	}
	for typ := range obs {
		if _, ok := r.families[typ]; !ok {
			t.Errorf("the probe plan has %s, which the Reader does not read", typ)
		}
	}
}

// TestAWSTypesComputeNothingRead holds the table's hashicorp/aws resource types outside the
// probe: the aws provider is not in the offline mirror, so they cannot be planned, and the
// generator reads only the kubernetes provider's schema (computed_gen.go has no entry:
// every unknown value there stays unknown). That is right only while the aws schema marks
// none of the attributes the table reads computed and requires every block it reads
// (a required block is always written, so whether the provider computes it never arises);
// this test checks both against the aws schema excerpt of newkinds_test.go.
func TestAWSTypesComputeNothingRead(t *testing.T) {
	schemas := map[string]string{"aws_eks_access_policy_association": awsAccessPolicyAssociationSchema}
	type awsBlock struct {
		Attributes map[string]struct {
			Computed bool `json:"computed"`
		} `json:"attributes"`
		BlockTypes map[string]struct {
			MinItems int             `json:"min_items"`
			Block    json.RawMessage `json:"block"`
		} `json:"block_types"`
	}
	r := NewReader()
	if _, ok := computedPaths()["aws_eks_access_policy_association"]; ok {
		t.Error("computed_gen.go has aws_eks_access_policy_association: the probe does not plan aws types")
	}
	for typ := range r.families {
		if !strings.HasPrefix(typ, "aws_") {
			continue
		}
		raw, ok := schemas[typ]
		if !ok {
			t.Errorf("%s: no schema excerpt to check it against (add one beside awsAccessPolicyAssociationSchema)", typ)
			continue
		}
		var walk func(s *spec, raw json.RawMessage, path string)
		walk = func(s *spec, raw json.RawMessage, path string) {
			var b awsBlock
			if err := json.Unmarshal(raw, &b); err != nil {
				t.Fatal(err)
			}
			for _, name := range s.keys {
				p := path + "." + name
				if a, ok := b.Attributes[name]; ok {
					if a.Computed {
						t.Errorf("%s: computed by the aws provider, but not in computed_gen.go (the generator cannot probe aws types)", p)
					}
					continue
				}
				bt, ok := b.BlockTypes[name]
				if !ok {
					t.Errorf("%s: not in the schema excerpt", p)
					continue
				}
				if bt.MinItems == 0 {
					t.Errorf("%s: an optional block the probe cannot observe (aws types are not planned offline)", p)
				}
				walk(s.fields[name], bt.Block, p)
			}
		}
		walk(r.families[typ].root, json.RawMessage(raw), typ)
	}
}

// requiredBlocks lists "type.path" of the blocks the schema requires (min_items > 0).
func requiredBlocks(t *testing.T, schema []byte) map[string]bool {
	t.Helper()
	type blk struct {
		BlockTypes map[string]json.RawMessage `json:"block_types"`
	}
	var doc struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]struct {
				Block json.RawMessage `json:"block"`
			} `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(schema, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	var walk func(raw json.RawMessage, path string)
	walk = func(raw json.RawMessage, path string) {
		var b blk
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		for name, rawType := range b.BlockTypes {
			var bt struct {
				MinItems int             `json:"min_items"`
				Block    json.RawMessage `json:"block"`
			}
			if err := json.Unmarshal(rawType, &bt); err != nil {
				t.Fatal(err)
			}
			p := path + "." + name
			if bt.MinItems > 0 {
				out[p] = true
			}
			walk(bt.Block, p)
		}
	}
	for _, p := range doc.ProviderSchemas {
		for typ, r := range p.ResourceSchemas {
			if strings.HasPrefix(typ, "kubernetes_") {
				walk(r.Block, typ)
			}
		}
	}
	return out
}

// TestComputedTable spot-checks the derived table where the precision work depends on it:
// the replication controllers' pod template computes host namespaces and the pod security
// context (a block: only the probe plan shows it), the container's resources are computed
// everywhere, a Deployment's host namespaces are not, and a binding's subject api_group is;
// and where the new rules depend on it.
func TestComputedTable(t *testing.T) {
	r := NewReader()
	at := func(typ, path string) bool {
		fam := r.families[typ]
		s := fam.root
		for _, name := range strings.Split(path, ".") {
			if s = s.fields[name]; s == nil {
				t.Fatalf("%s: %s is not in the table", typ, path)
			}
		}
		return fam.computed[s]
	}
	for _, c := range []struct {
		typ, path string
		want      bool
	}{
		{"kubernetes_replication_controller_v1", "spec.template.spec.host_network", true},
		{"kubernetes_replication_controller", "spec.template.spec.host_pid", true},
		{"kubernetes_replication_controller_v1", "spec.template.spec.security_context", true},
		{"kubernetes_replication_controller_v1", "spec.template.spec.security_context.seccomp_profile", false},
		{"kubernetes_replication_controller_v1", "spec.template.spec.container.security_context", false},
		{"kubernetes_deployment_v1", "spec.template.spec.host_network", false},
		{"kubernetes_deployment_v1", "spec.template.spec.security_context", false},
		{"kubernetes_deployment_v1", "spec.template.spec.container.resources", true},
		{"kubernetes_deployment_v1", "spec.template.spec.container.resources.limits", true},
		{"kubernetes_cron_job_v1", "spec.job_template.spec.template.spec.init_container.resources.requests", true},
		{"kubernetes_pod_v1", "spec.service_account_name", true},
		{"kubernetes_cluster_role_binding_v1", "subject.api_group", true},
		{"kubernetes_cluster_role_binding_v1", "subject.kind", false},
		{"kubernetes_cluster_role_v1", "rule", true},
		{"kubernetes_role_v1", "rule", false},
		// The new rules' fields (EPS026, EPS035): the cluster's default class and
		// Kubernetes' default pull policy when not written; env, probes and a Secret's
		// type are not computed.
		{"kubernetes_persistent_volume_claim_v1", "spec.storage_class_name", true},
		{"kubernetes_persistent_volume_claim", "spec.storage_class_name", true},
		{"kubernetes_stateful_set_v1", "spec.volume_claim_template.spec.storage_class_name", true},
		{"kubernetes_deployment_v1", "spec.template.spec.container.image_pull_policy", true},
		{"kubernetes_pod", "spec.init_container.image_pull_policy", true},
		{"kubernetes_pod_v1", "spec.container.env", false},
		{"kubernetes_pod_v1", "spec.container.env.value_from", false},
		{"kubernetes_pod_v1", "spec.container.liveness_probe", false},
		{"kubernetes_pod_v1", "spec.container.lifecycle.pre_stop", false},
		{"kubernetes_pod_v1", "spec.enable_service_links", false},
		{"kubernetes_secret_v1", "type", false},
		{"kubernetes_storage_class_v1", "storage_provisioner", false},
	} {
		if got := at(c.typ, c.path); got != c.want {
			t.Errorf("%s %s: computed = %v, want %v", c.typ, c.path, got, c.want)
		}
	}
}
