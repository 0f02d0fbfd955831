// Package provider is the ekspodsec Terraform provider (terraform-plugin-framework).
// Each data source lives in its own file next to its acceptance test.
package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var (
	_ provider.Provider                   = (*ekspodsecProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*ekspodsecProvider)(nil)
	_ provider.ProviderWithFunctions      = (*ekspodsecProvider)(nil)
)

// ekspodsecProvider renders hardened EKS pod-security manifests.
type ekspodsecProvider struct {
	version string
}

// New returns a constructor for the provider, as providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &ekspodsecProvider{version: version}
	}
}

func (p *ekspodsecProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "ekspodsec"
	resp.Version = p.version
}

func (p *ekspodsecProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The ekspodsec provider renders hardened pod-security manifests for Amazon EKS " +
			"(PodSecurityPolicy and the RBAC that scopes it, Pod Security Admission labels, ValidatingAdmissionPolicy, " +
			"LimitRange, ResourceQuota, a whole hardened namespace) from one hardening profile, following the EKS " +
			"best-practices pod security guidance. Without configuration its data sources are pure: they need no " +
			"credentials and make no network calls. With an `eks` block the provider reads that cluster's Kubernetes " +
			"version and Fargate profiles once, and data sources default `kubernetes_version` and `fargate` from them.\n\n" +
			"Its functions judge Kubernetes objects with the rules and engine of `plan-check`, the project's CI gate, so a " +
			"module can refuse an unsafe workload at plan time in a `precondition`, a `check` block or a variable " +
			"`validation`: `provider::ekspodsec::violations` (the findings), `pss_level` (the Pod Security Standards level), " +
			"`fargate_size` (what EKS Fargate bills a pod) and `kubernetes_object` (a typed `kubernetes_*` resource as the " +
			"Kubernetes object it sends). They need Terraform 1.8 or later and never use the provider's configuration.",
		Blocks: map[string]schema.Block{
			"eks": schema.SingleNestedBlock{
				MarkdownDescription: "Read one EKS cluster's facts through the EKS API (`eks:DescribeCluster`, " +
					"`eks:ListFargateProfiles`, `eks:DescribeFargateProfile`) when the provider is configured, once per " +
					"Terraform run. Data sources then default `kubernetes_version` to the cluster's version, `fargate` to " +
					"whether a Fargate profile selector takes their whole `namespace` (a selector that also needs pod labels " +
					"does not: that is a warning, and `fargate` stays false), and `fargate_selectors` to every profile's " +
					"selectors. An attribute set in the data source always wins. Credentials come from the standard AWS " +
					"configuration chain (environment, shared config and profiles, SSO, web identity, instance role; " +
					"`AWS_ENDPOINT_URL` is honoured). Without this block the provider makes no AWS call.",
				Attributes: map[string]schema.Attribute{
					"cluster_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The EKS cluster's name. Required in the block.",
						Validators: []validator.String{stringvalidator.RegexMatches(clusterNameRE,
							"must be an EKS cluster name: 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit")},
					},
					"region": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The cluster's AWS region. Defaults to the AWS configuration's (`AWS_REGION`, the profile's `region`).",
						Validators:          []validator.String{stringvalidator.RegexMatches(regionRE, "must be an AWS region such as us-east-1")},
					},
					"profile": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The shared-config profile to take credentials and region from. Defaults to `AWS_PROFILE`, else `default`.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
				},
			},
		},
	}
}

var (
	clusterNameRE = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`)
	regionRE      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// ValidateConfig: cluster_name is required inside the eks block.
func (p *ekspodsecProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !resp.Diagnostics.HasError() {
		m.hasClusterName(&resp.Diagnostics)
	}
}

// hasClusterName reports whether there is an eks block with a cluster_name: an eks block
// without one is an error.
func (m providerModel) hasClusterName(diags *diag.Diagnostics) bool {
	if m.EKS == nil {
		return false
	}
	if m.EKS.ClusterName.IsNull() {
		diags.AddAttributeError(path.Root("eks").AtName("cluster_name"), "Missing EKS cluster name",
			"The eks block reads one cluster: set cluster_name (and region, unless the AWS configuration has it), or remove the block.")
		return false
	}
	return true
}

// Configure reads the eks block's cluster once (no block: no AWS call) and hands the facts
// to the data sources. Nothing is stored on the provider itself.
func (p *ekspodsecProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !m.hasClusterName(&resp.Diagnostics) {
		return
	}
	facts := readClusterFacts(ctx, m.EKS, &resp.Diagnostics)
	if facts != nil {
		resp.DataSourceData = facts
	}
}

func (p *ekspodsecProvider) Resources(_ context.Context) []func() resource.Resource {
	return nil
}

func (p *ekspodsecProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewPodSecurityPolicyDataSource,
		NewPodSecurityPolicyRBACDataSource,
		NewLimitRangeDataSource,
		NewResourceQuotaDataSource,
		NewPodSecurityAdmissionDataSource,
		NewValidatingAdmissionPolicyDataSource,
		NewNamespaceDataSource,
	}
}

// Functions are the provider's functions: they judge Kubernetes objects with plan-check's
// rules inside Terraform (checks, preconditions, validations). They are pure and never
// read the provider's configuration.
func (p *ekspodsecProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewViolationsFunction,
		NewPSSLevelFunction,
		NewFargateSizeFunction,
		NewKubernetesObjectFunction,
	}
}
