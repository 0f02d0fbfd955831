package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
)

// eksModel is the provider's optional eks block.
type eksModel struct {
	ClusterName types.String `tfsdk:"cluster_name"`
	Region      types.String `tfsdk:"region"`
	Profile     types.String `tfsdk:"profile"`
}

// providerModel is the provider's configuration.
type providerModel struct {
	EKS *eksModel `tfsdk:"eks"`
}

// clusterFacts are what the provider read from the EKS API in Configure and hands every
// data source (ProviderData). A nil *clusterFacts means the provider has no eks block:
// data sources use only their own attributes.
type clusterFacts struct {
	// Unknown is true when the eks block's values are not known until apply: the cluster
	// could not be read, and data sources that would need it say so.
	Unknown bool
	// What names the eks block's input for messages: "unknown until apply", or the
	// cluster and region.
	What     string
	Cluster  eks.Cluster
	Profiles []eks.FargateProfile
}

// readClusterFacts reads the cluster the eks block names, once per Configure.
func readClusterFacts(ctx context.Context, m *eksModel, diags *diag.Diagnostics) *clusterFacts {
	if m.ClusterName.IsUnknown() || m.Region.IsUnknown() || m.Profile.IsUnknown() {
		return &clusterFacts{Unknown: true, What: "the provider's eks block (its values are known only after apply)"}
	}
	opts := eks.LiveOptions{Cluster: m.ClusterName.ValueString(), Region: m.Region.ValueString(), Profile: m.Profile.ValueString()}
	if opts.Region == "" {
		// FromAPI would say "pass --region": say it in this provider's terms, before any call.
		var loaders []func(*awsconfig.LoadOptions) error
		if opts.Profile != "" {
			loaders = append(loaders, awsconfig.WithSharedConfigProfile(opts.Profile))
		}
		cfg, err := awsconfig.LoadDefaultConfig(ctx, loaders...)
		if err != nil {
			diags.AddAttributeError(path.Root("eks"), "Cannot load the AWS configuration",
				fmt.Sprintf("Reading EKS cluster %q: loading the AWS configuration: %s", opts.Cluster, err))
			return nil
		}
		if cfg.Region == "" {
			diags.AddAttributeError(path.Root("eks").AtName("region"), "No AWS region for the EKS cluster",
				fmt.Sprintf("eks.region is not set and the AWS configuration has no region (AWS_REGION, or the profile's region): set region = \"us-east-1\" (the cluster's region) in the provider's eks block to read cluster %q.", opts.Cluster))
			return nil
		}
	}
	cluster, profiles, err := eks.FromAPI(ctx, opts)
	if err != nil {
		diags.AddAttributeError(path.Root("eks"), "Cannot read the EKS cluster",
			fmt.Sprintf("The provider's eks block names cluster %q, which it reads for the data sources' defaults (Kubernetes version, Fargate profiles): %s. "+
				"Fix the cluster name, region or AWS credentials, or remove the eks block to render without cluster facts.", opts.Cluster, err))
		return nil
	}
	return &clusterFacts{What: fmt.Sprintf("cluster %q (%s)", cluster.Name, cluster.Source), Cluster: cluster, Profiles: profiles}
}

// factsFrom reads a data source's ProviderData.
func factsFrom(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *clusterFacts {
	switch d := req.ProviderData.(type) {
	case nil:
		return nil
	case *clusterFacts:
		return d
	default:
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("expected *clusterFacts, got %T: this is a bug in the provider", req.ProviderData))
		return nil
	}
}

// usable reports whether a data source can default attr from the cluster: there are
// facts, and they are known. When the eks block is unknown until apply it reports an
// error on attr and returns false.
func (f *clusterFacts) usable(attr string, diags *diag.Diagnostics) bool {
	if f == nil {
		return false
	}
	if f.Unknown {
		diags.AddAttributeError(path.Root(attr), "Cluster facts unknown at plan time",
			fmt.Sprintf("%s is not set, so it defaults from %s. Data sources are read while planning and cannot wait for apply: "+
				"set %s explicitly, or give the eks block values known at plan time (a literal cluster name).", attr, f.What, attr))
		return false
	}
	return true
}

// defaultVersion fills an unset kubernetes_version from the cluster. from says where the
// version came from, for messages ("" when the user set it).
func defaultVersion(v types.String, f *clusterFacts, diags *diag.Diagnostics) (types.String, string) {
	if !v.IsNull() || !f.usable("kubernetes_version", diags) || f.Cluster.Version == "" {
		return v, ""
	}
	// the attribute's validator never sees a defaulted version: check it here, so a version
	// the EKS API answers that does not parse is an error, not a check silently skipped
	if _, err := k8sversion.Parse(f.Cluster.Version); err != nil {
		diags.AddAttributeError(path.Root("kubernetes_version"), "Cluster version unusable",
			fmt.Sprintf("kubernetes_version is not set, so it defaults from %s, whose version cannot be read: %s. Set kubernetes_version explicitly.", f.What, err))
		return v, ""
	}
	return types.StringValue(f.Cluster.Version), fmt.Sprintf("kubernetes_version %s is %s's (the provider's eks block)", f.Cluster.Version, f.What)
}

// withSource appends where a defaulted value came from to a message.
func withSource(msg, from string) string {
	if from == "" {
		return msg
	}
	return msg + " (" + from + ")"
}

// fargate is a fargate attribute as set, else whether the cluster's Fargate profiles take
// namespace ns (false without an eks block).
func (f *clusterFacts) fargate(v types.Bool, ns string, diags *diag.Diagnostics) types.Bool {
	if !v.IsNull() {
		return v
	}
	return types.BoolValue(f.usable("fargate", diags) && fargateFor(ns, f, "fargate", diags))
}

// fargateFor says whether pods of namespace ns run on Fargate, by the cluster's Fargate
// profiles: a selector that matches the namespace and needs no labels selects every pod
// of it. Selectors that match the namespace but need labels select only some pods: the
// answer is false, with a warning naming them, on attr.
func fargateFor(ns string, f *clusterFacts, attr string, diags *diag.Diagnostics) bool {
	if _, ok := eks.MatchPod(f.Profiles, ns, nil); ok {
		return true
	}
	var partial []string
	for _, p := range f.Profiles {
		for _, s := range p.Selectors {
			if len(s.Labels) > 0 && (eks.Selector{Namespace: s.Namespace}).Matches(ns, nil) {
				partial = append(partial, fmt.Sprintf("%q (%s)", p.Name, s))
			}
		}
	}
	if len(partial) > 0 {
		sort.Strings(partial)
		diags.AddAttributeWarning(path.Root(attr), "Only some pods of the namespace run on Fargate",
			fmt.Sprintf("In %s, Fargate profile selectors %s pick pods of namespace %q by their labels, and no selector takes the whole namespace: "+
				"%s defaults to false. Set %s = true when the pods this renders for carry those labels.",
				f.What, strings.Join(partial, ", "), ns, attr, attr))
	}
	return false
}
