// Package provider is the ekspodsec Terraform provider (terraform-plugin-framework).
// Each data source lives in its own file next to its acceptance test.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var (
	_ provider.Provider              = (*ekspodsecProvider)(nil)
	_ provider.ProviderWithFunctions = (*ekspodsecProvider)(nil)
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
			"(PodSecurityPolicy and the RBAC that scopes it, LimitRange, ResourceQuota) from one hardening " +
			"profile, following the EKS best-practices pod security guidance. Its data sources are pure: " +
			"they need no credentials and make no network calls.",
	}
}

func (p *ekspodsecProvider) Configure(_ context.Context, _ provider.ConfigureRequest, _ *provider.ConfigureResponse) {
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
	}
}

func (p *ekspodsecProvider) Functions(_ context.Context) []func() function.Function {
	return nil
}
