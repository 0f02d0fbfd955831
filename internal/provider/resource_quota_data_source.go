package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

var _ datasource.DataSource = (*resourceQuotaDataSource)(nil)

// NewResourceQuotaDataSource renders a ResourceQuota.
func NewResourceQuotaDataSource() datasource.DataSource { return &resourceQuotaDataSource{} }

type resourceQuotaDataSource struct{}

type matchExpressionModel struct {
	ScopeName types.String `tfsdk:"scope_name"`
	Operator  types.String `tfsdk:"operator"`
	Values    types.List   `tfsdk:"values"`
}

type scopeSelectorModel struct {
	MatchExpressions []matchExpressionModel `tfsdk:"match_expression"`
}

type resourceQuotaModel struct {
	Name          types.String        `tfsdk:"name"`
	Namespace     types.String        `tfsdk:"namespace"`
	Hard          types.Map           `tfsdk:"hard"`
	Scopes        types.List          `tfsdk:"scopes"`
	ScopeSelector *scopeSelectorModel `tfsdk:"scope_selector"`
	Labels        types.Map           `tfsdk:"labels"`
	Annotations   types.Map           `tfsdk:"annotations"`

	ID       types.String  `tfsdk:"id"`
	Manifest types.Dynamic `tfsdk:"manifest"`
	YAML     types.String  `tfsdk:"yaml"`
	JSON     types.String  `tfsdk:"json"`
}

func (d *resourceQuotaDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resource_quota"
}

func (d *resourceQuotaDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders a ResourceQuota for a namespace. As the guide notes, a quota on `requests.cpu`, " +
			"`requests.memory`, `limits.cpu` and `limits.memory` makes every pod in the namespace declare its requests " +
			"and limits; a `hard` without all four is rendered with a warning. Quantities are checked and rendered " +
			"canonically, so the output is stable.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The ResourceQuota's `metadata.name`.",
				Validators: []validator.String{dnsSubdomain()},
			},
			"namespace": schema.StringAttribute{
				Required: true, MarkdownDescription: "The namespace the quota applies to.",
				Validators: []validator.String{dnsLabel()},
			},
			"hard": schema.MapAttribute{
				Required: true, ElementType: types.StringType,
				MarkdownDescription: "Resource name → limit. Names are quota resource names: `requests.cpu`, `requests.memory`, " +
					"`limits.cpu`, `limits.memory`, `cpu`, `memory`, `requests.ephemeral-storage`, `requests.storage`, " +
					"`<storage class>.storageclass.storage.k8s.io/requests.storage`, `hugepages-<size>`, `pods`, `services`, " +
					"`count/<resource>.<group>` (e.g. `count/deployments.apps`), `requests.<extended resource>`; values are " +
					"Kubernetes quantities.",
				Validators: []validator.Map{
					noNullValues(),
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(resourceName(render.QuotaResourcePattern, "ResourceQuota resource name, such as requests.cpu, limits.memory, pods or count/deployments.apps")),
					mapvalidator.ValueStringsAre(quantity()),
				},
			},
			"scopes": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Scopes the quota is limited to (`BestEffort`, `NotBestEffort`, `Terminating`, `NotTerminating`, `PriorityClass`, `CrossNamespacePodAffinity`, `VolumeAttributesClass`).",
				Validators:          stringListValidators(true, stringvalidator.OneOf(render.QuotaScopes()...)),
			},
			"labels":      labelsAttribute(),
			"annotations": annotationsAttribute(),
			"id":          idAttribute(),
			"manifest":    manifestAttribute("ResourceQuota"),
			"yaml":        yamlAttribute(false),
			"json":        jsonAttribute(false),
		},
		Blocks: map[string]schema.Block{
			"scope_selector": schema.SingleNestedBlock{
				MarkdownDescription: "Selects the pods the quota counts by scope, e.g. only pods of a priority class.",
				Blocks: map[string]schema.Block{
					"match_expression": schema.ListNestedBlock{
						MarkdownDescription: "One scope requirement; all must match.",
						NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
							"scope_name": schema.StringAttribute{
								Required: true, MarkdownDescription: "The scope, e.g. `PriorityClass`.",
								Validators: []validator.String{stringvalidator.OneOf(render.QuotaScopes()...)},
							},
							"operator": schema.StringAttribute{
								Required: true, MarkdownDescription: "`In`, `NotIn`, `Exists` or `DoesNotExist`.",
								Validators: []validator.String{stringvalidator.OneOf("In", "NotIn", "Exists", "DoesNotExist")},
							},
							"values": schema.ListAttribute{
								Optional: true, ElementType: types.StringType,
								MarkdownDescription: "Values for `In` and `NotIn` (required there); none for `Exists` and `DoesNotExist`.",
								Validators:          stringListValidators(false),
							},
						}},
					},
				},
			},
		},
	}
}

// resourceQuotaFields: the renderer's fields are this data source's attributes.
var resourceQuotaFields = fieldTable{
	{from: f("name"), to: f("name")},
	{from: f("namespace"), to: f("namespace")},
	{from: f("hard"), to: f("hard")},
	{from: f("scopes"), to: f("scopes")},
	{from: f("scope_selector"), to: f("scope_selector")},
	{from: f("labels"), to: f("labels")},
	{from: f("annotations"), to: f("annotations")},
}

func (d *resourceQuotaDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m resourceQuotaModel
	if !readConfig(ctx, req, resp, unknownOutputs(map[string]attr.Value{"manifest": types.DynamicUnknown()}), &m) {
		return
	}
	spec, meta := m.spec(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	res, err := render.ResourceQuota(spec, meta)
	resourceQuotaFields.report(res.Decisions, err, "Invalid ResourceQuota", &resp.Diagnostics)
	if err != nil {
		return
	}
	out, err := encodeOutputs(res.Objects()...)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the ResourceQuota", err.Error())
		return
	}
	m.ID, m.Manifest, m.YAML, m.JSON = out.ID, out.Manifest, out.YAML, out.JSON
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// spec is the renderer's input from the configuration.
func (m resourceQuotaModel) spec(diags *diag.Diagnostics) (render.QuotaSpec, render.Meta) {
	spec := render.QuotaSpec{
		Name: m.Name.ValueString(), Namespace: m.Namespace.ValueString(),
		Hard:   mapStrings(m.Hard, path.Root("hard"), diags),
		Scopes: listStrings(m.Scopes, path.Root("scopes"), diags),
	}
	if m.ScopeSelector != nil {
		for i, e := range m.ScopeSelector.MatchExpressions {
			spec.ScopeSelector = append(spec.ScopeSelector, render.ScopeExpression{
				ScopeName: e.ScopeName.ValueString(), Operator: e.Operator.ValueString(),
				Values: listStrings(e.Values, path.Root("scope_selector").AtName("match_expression").AtListIndex(i).AtName("values"), diags),
			})
		}
	}
	return spec, metaFrom(m.Labels, m.Annotations, diags)
}
