package provider

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/awstest"
)

// The provider's eks block against a real local AWS API: moto_server, started as
// internal/cli's tests start it (127.0.0.1, a free port, stopped by PID), with the
// cluster and Fargate profiles created through aws-sdk-go-v2.

// prodCluster is cluster "prod" (Kubernetes 1.31) with three Fargate profiles: a whole
// namespace, a namespace wildcard, and a namespace's labelled pods only.
func prodCluster(t *testing.T) {
	awstest.CreateCluster(t, "prod", "1.31", map[string][]ekstypes.FargateProfileSelector{
		"apps":  {{Namespace: aws.String("fargate-apps")}},
		"teams": {{Namespace: aws.String("team-*")}},
		"batch": {{Namespace: aws.String("batch"), Labels: map[string]string{"compute": "fargate"}}},
	})
}

const eksProvider = `
provider "ekspodsec" {
  eks {
    cluster_name = "prod"
    region       = "us-east-1"
  }
}
`

// TestAccProviderEKS: the cluster's version and Fargate profiles flow into the data
// sources' defaults; attributes set in the data source win.
func TestAccProviderEKS(t *testing.T) {
	awstest.Env(t, awstest.StartMoto(t), "")
	prodCluster(t)
	awstest.CreateCluster(t, "legacy", "1.24", nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: eksProvider + `
data "ekspodsec_pod_security_admission" "from_cluster" {}

data "ekspodsec_pod_security_admission" "explicit" {
  kubernetes_version = "1.29"
}

# fargate-apps is a whole-namespace selector: fargate defaults to true
data "ekspodsec_limit_range" "fargate_apps" {
  name      = "defaults"
  namespace = "fargate-apps"
  container {
    default_request = { cpu = "500m", memory = "1Gi" }
  }
}

# batch's selector needs pod labels: fargate stays false
data "ekspodsec_limit_range" "batch" {
  name      = "defaults"
  namespace = "batch"
  container {
    default_request = { cpu = "500m", memory = "1Gi" }
  }
}

data "ekspodsec_limit_range" "explicit" {
  name      = "defaults"
  namespace = "fargate-apps"
  fargate   = false
  container {
    default_request = { cpu = "500m", memory = "1Gi" }
  }
}

data "ekspodsec_validating_admission_policy" "from_cluster" {}

# team-* matches team-a
data "ekspodsec_namespace" "team_a" {
  name = "team-a"
}

data "ekspodsec_namespace" "web" {
  name = "web"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_admission.from_cluster", tfjsonpath.New("kubernetes_version"), knownvalue.StringExact("1.31")),
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_admission.from_cluster", tfjsonpath.New("version"), knownvalue.StringExact("v1.31")),
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_admission.explicit", tfjsonpath.New("version"), knownvalue.StringExact("v1.29")),

				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.fargate_apps", tfjsonpath.New("fargate"), knownvalue.Bool(true)),
				// 500m and 1 GiB + 256 MB: 0.5 vCPU / 2 GB
				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.fargate_apps", tfjsonpath.New("fargate_pod_size").AtMapKey("summary"), knownvalue.StringExact("0.5 vCPU / 2 GB")),
				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.batch", tfjsonpath.New("fargate"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.batch", tfjsonpath.New("fargate_pod_size"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.explicit", tfjsonpath.New("fargate"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.ekspodsec_limit_range.explicit", tfjsonpath.New("fargate_pod_size"), knownvalue.Null()),

				statecheck.ExpectKnownValue("data.ekspodsec_validating_admission_policy.from_cluster", tfjsonpath.New("kubernetes_version"), knownvalue.StringExact("1.31")),
				statecheck.ExpectKnownValue("data.ekspodsec_validating_admission_policy.from_cluster", tfjsonpath.New("fargate_selectors"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"namespace": knownvalue.StringExact("batch"),
						"labels": knownvalue.MapExact(map[string]knownvalue.Check{"compute": knownvalue.StringExact("fargate")})}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"namespace": knownvalue.StringExact("fargate-apps"), "labels": knownvalue.Null()}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"namespace": knownvalue.StringExact("team-*"), "labels": knownvalue.Null()}),
				})),
				statecheck.ExpectKnownValue("data.ekspodsec_validating_admission_policy.from_cluster", tfjsonpath.New("rules"), stringsExact(
					"EPS005", "EPS006", "EPS008", "EPS009", "EPS014", "EPS015", "EPS019")),

				statecheck.ExpectKnownValue("data.ekspodsec_namespace.team_a", tfjsonpath.New("fargate"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.ekspodsec_namespace.team_a", tfjsonpath.New("fargate_pod_size").AtMapKey("summary"), knownvalue.StringExact("0.25 vCPU / 0.5 GB")),
				statecheck.ExpectKnownValue("data.ekspodsec_namespace.team_a", tfjsonpath.New("pod_security_version"), knownvalue.StringExact("v1.31")),
				statecheck.ExpectKnownValue("data.ekspodsec_namespace.web", tfjsonpath.New("fargate"), knownvalue.Bool(false)),
			},
			Check: resource.TestCheckResourceAttrWith("data.ekspodsec_validating_admission_policy.from_cluster", "json", func(j string) error {
				if !strings.Contains(j, `namespaceObject.metadata.name.matches(\"^team-.*$\")`) {
					return errorf("the cluster's team-* selector is not in the policy:\n%s", j)
				}
				return nil
			}),
		}, {
			// PodSecurityPolicy on the 1.31 cluster: refused, naming where the version came from
			Config:      eksProvider + `data "ekspodsec_pod_security_policy" "r" {}`,
			ExpectError: wrapped(`(?s)PodSecurityPolicy does not exist in Kubernetes 1.31.*removed in Kubernetes 1.25.*kubernetes_version 1.31 is cluster "prod"`),
		}, {
			// the namespace with a policy on the 1.31 cluster
			Config:      eksProvider + "data \"ekspodsec_namespace\" \"n\" {\n  name = \"legacy-apps\"\n  psp_policy_name = \"restricted\"\n}\n",
			ExpectError: regexp.MustCompile(`PodSecurityPolicy does not exist in Kubernetes 1.31`),
		}, {
			// a legacy cluster: the policy renders, pinned to nothing but allowed
			Config: `
provider "ekspodsec" {
  eks {
    cluster_name = "legacy"
    region       = "us-east-1"
  }
}
data "ekspodsec_pod_security_policy" "r" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_policy.r", tfjsonpath.New("kubernetes_version"), knownvalue.StringExact("1.24")),
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_policy.r", tfjsonpath.New("manifest").AtMapKey("kind"), knownvalue.StringExact("PodSecurityPolicy")),
			},
		}},
	})
}

// TestAccProviderEKS_missingCluster: a cluster that does not exist is a provider error
// that names it and its region.
func TestAccProviderEKS_missingCluster(t *testing.T) {
	awstest.Env(t, awstest.StartMoto(t), "")
	prodCluster(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
provider "ekspodsec" {
  eks {
    cluster_name = "staging"
    region       = "us-east-1"
  }
}
data "ekspodsec_pod_security_admission" "x" {}
`,
			ExpectError: wrapped(`(?s)Cannot read the EKS cluster.*EKS cluster "staging" not found in region us-east-1.*remove the eks block`),
		}, {
			Config:      "provider \"ekspodsec\" {\n  eks {\n    region = \"us-east-1\"\n  }\n}\ndata \"ekspodsec_pod_security_admission\" \"x\" {}\n",
			ExpectError: wrapped(`(?s)Missing EKS cluster name.*set cluster_name`),
		}, {
			Config:      "provider \"ekspodsec\" {\n  eks {\n    cluster_name = \"prod\"\n    region = \"Virginia\"\n  }\n}\ndata \"ekspodsec_pod_security_admission\" \"x\" {}\n",
			ExpectError: wrapped(`(?s)eks.region.*must be an AWS region`),
		}},
	})
}

// configureWith calls the provider's Configure directly with an eks block, to read the
// diagnostics' attribute paths and full text.
func configureWith(t *testing.T, eks map[string]string) provider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	eksType := typ.AttributeTypes["eks"].(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range eksType.AttributeTypes {
		if v, ok := eks[name]; ok {
			vals[name] = tftypes.NewValue(at, v)
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	raw := tftypes.NewValue(typ, map[string]tftypes.Value{"eks": tftypes.NewValue(eksType, vals)})
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: raw}}, &resp)
	return resp
}

// TestProviderEKSErrors: each failure is one error on the eks block's path that says what
// to do, and never carries a credential.
func TestProviderEKSErrors(t *testing.T) {
	// moto enforcing authentication from the first call: the test keys are refused
	awstest.Env(t, awstest.StartMoto(t, "INITIAL_NO_AUTH_ACTION_COUNT=0"), "")
	check := func(name string, resp provider.ConfigureResponse, wantPath, want string) {
		t.Helper()
		errs := resp.Diagnostics.Errors()
		if len(errs) != 1 {
			t.Fatalf("%s: diagnostics %v", name, resp.Diagnostics)
		}
		pd, ok := errs[0].(interface{ Path() pathType })
		if !ok || pd.Path().String() != wantPath || !strings.Contains(errs[0].Detail(), want) {
			t.Errorf("%s: %v %s\nwant at %s: %s", name, pd, errs[0].Detail(), wantPath, want)
		}
		if text := errs[0].Summary() + errs[0].Detail(); strings.Contains(text, awstest.Secret) || strings.Contains(text, awstest.AccessKey) {
			t.Errorf("%s: a credential in the diagnostic: %s", name, text)
		}
		if resp.DataSourceData != nil {
			t.Errorf("%s: facts handed on after an error", name)
		}
	}
	check("access denied", configureWith(t, map[string]string{"cluster_name": "prod", "region": "us-east-1"}),
		"eks", `access denied calling eks:DescribeCluster on cluster "prod"`)
	check("no region", configureWith(t, map[string]string{"cluster_name": "prod"}),
		"eks.region", "eks.region is not set and the AWS configuration has no region")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	check("no credentials", configureWith(t, map[string]string{"cluster_name": "prod", "region": "us-east-1"}),
		"eks", "no AWS credentials found")
}

// TestAccProviderWithoutEKS: without an eks block the provider makes no AWS call at all,
// even with an AWS endpoint configured.
func TestAccProviderWithoutEKS(t *testing.T) {
	var calls atomic.Int32
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	awstest.Env(t, "http://"+l.Addr().String(), "")
	t.Setenv("AWS_REGION", "us-east-1")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
provider "ekspodsec" {}
data "ekspodsec_namespace" "n" {
  name = "fargate-apps"
}
data "ekspodsec_validating_admission_policy" "p" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ekspodsec_namespace.n", tfjsonpath.New("fargate"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.ekspodsec_namespace.n", tfjsonpath.New("kubernetes_version"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.ekspodsec_validating_admission_policy.p", tfjsonpath.New("fargate_selectors"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
	if n := calls.Load(); n != 0 {
		t.Errorf("%d AWS calls without an eks block", n)
	}
}

// TestAccProviderEKS_unknownAtPlan: an eks block known only after apply cannot default
// anything while planning: a data source that needs it says so on its attribute, one
// whose attributes are all set does not need it.
func TestAccProviderEKS_unknownAtPlan(t *testing.T) {
	awstest.Env(t, awstest.StartMoto(t), "")
	prodCluster(t)
	base := `
resource "terraform_data" "cluster" {
  input = "prod"
}
provider "ekspodsec" {
  eks {
    cluster_name = terraform_data.cluster.output
    region       = "us-east-1"
  }
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      base + "data \"ekspodsec_pod_security_admission\" \"x\" {}\n",
			ExpectError: wrapped(`(?s)Cluster facts unknown at plan time.*kubernetes_version is not set, so it defaults from the provider's eks block`),
		}, {
			Config: base + "data \"ekspodsec_pod_security_admission\" \"x\" {\n  kubernetes_version = \"1.30\"\n}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ekspodsec_pod_security_admission.x", tfjsonpath.New("version"), knownvalue.StringExact("v1.30")),
			},
		}},
	})
}

// TestFargateFromClusterFacts: how fargate defaults from the cluster's Fargate profiles.
// A selector that takes the whole namespace (no labels, wildcards allowed) makes it true;
// one that needs pod labels leaves it false with a warning naming the profile and labels.
func TestFargateFromClusterFacts(t *testing.T) {
	facts := &clusterFacts{What: `cluster "prod" (eks:prod (us-east-1))`, Cluster: eks.Cluster{Name: "prod", Version: "1.31"}, Profiles: []eks.FargateProfile{
		{Name: "teams", Selectors: []eks.Selector{{Namespace: "team-?"}}},
		{Name: "batch", Selectors: []eks.Selector{{Namespace: "batch", Labels: map[string]string{"compute": "fargate"}}}},
	}}
	container := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"default": tftypes.Map{ElementType: tftypes.String}, "default_request": tftypes.Map{ElementType: tftypes.String},
		"min": tftypes.Map{ElementType: tftypes.String}, "max": tftypes.Map{ElementType: tftypes.String},
		"max_limit_request_ratio": tftypes.Map{ElementType: tftypes.String},
	}}, map[string]tftypes.Value{
		"default": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil), "default_request": strMap(map[string]string{"cpu": "100m", "memory": "128Mi"}),
		"min": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil), "max": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil),
		"max_limit_request_ratio": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil),
	})
	for ns, tc := range map[string]struct {
		fargate bool
		warning string
	}{
		"team-a":  {true, ""},
		"team-ab": {false, ""},
		"batch":   {false, `Fargate profile selectors "batch" (namespace=batch labels={compute=fargate}) pick pods of namespace "batch" by their labels`},
		"web":     {false, ""},
	} {
		resp := readWith(t, &limitRangeDataSource{facts: facts}, map[string]tftypes.Value{"name": str("defaults"), "namespace": str(ns), "container": container})
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", ns, resp.Diagnostics)
		}
		var fargate bool
		resp.State.GetAttribute(t.Context(), pathRoot("fargate"), &fargate)
		if fargate != tc.fargate {
			t.Errorf("%s: fargate %v, want %v", ns, fargate, tc.fargate)
		}
		w := resp.Diagnostics.Warnings()
		switch {
		case tc.warning == "" && len(w) != 0:
			t.Errorf("%s: warnings %v", ns, w)
		case tc.warning != "" && (len(w) != 1 || !strings.Contains(w[0].Detail(), tc.warning)):
			t.Errorf("%s: warnings %v, want %q", ns, w, tc.warning)
		}
	}
	// an eks block unknown at plan time: fargate cannot default, and says so
	resp := readWith(t, &limitRangeDataSource{facts: &clusterFacts{Unknown: true, What: "the provider's eks block"}},
		map[string]tftypes.Value{"name": str("defaults"), "namespace": str("web"), "container": container})
	if errs := resp.Diagnostics.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Detail(), "set fargate explicitly") {
		t.Errorf("unknown facts: %v", resp.Diagnostics)
	}
	explicit := readWith(t, &limitRangeDataSource{facts: &clusterFacts{Unknown: true}},
		map[string]tftypes.Value{"name": str("defaults"), "namespace": str("web"), "container": container, "fargate": tftypes.NewValue(tftypes.Bool, false)})
	if explicit.Diagnostics.HasError() {
		t.Errorf("fargate set: %v", explicit.Diagnostics)
	}
}

// TestAccExampleProviderEKS: examples/provider/provider_eks.tf applies against cluster
// "prod" and its namespace takes the cluster's version and Fargate profile.
func TestAccExampleProviderEKS(t *testing.T) {
	awstest.Env(t, awstest.StartMoto(t), "")
	prodCluster(t)
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "ekspodsec")
	dir := exampleDir(t, filepath.Join("..", "..", "examples", "provider", "provider_eks.tf"))
	resource.UnitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: protoV6,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ekspodsec_namespace.apps", tfjsonpath.New("kubernetes_version"), knownvalue.StringExact("1.31")),
				statecheck.ExpectKnownValue("data.ekspodsec_namespace.apps", tfjsonpath.New("fargate"), knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("fargate_pod_size", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"vcpu": knownvalue.Float64Exact(0.25), "memory_gb": knownvalue.Float64Exact(0.5), "summary": knownvalue.StringExact("0.25 vCPU / 0.5 GB"),
				})),
			},
		}},
	})
}
