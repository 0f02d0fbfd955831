package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

var _ datasource.DataSource = (*podSecurityPolicyRBACDataSource)(nil)

// NewPodSecurityPolicyRBACDataSource renders the RBAC that grants use of one policy.
func NewPodSecurityPolicyRBACDataSource() datasource.DataSource {
	return &podSecurityPolicyRBACDataSource{}
}

type podSecurityPolicyRBACDataSource struct{}

// bindingModel is one binding block.
type bindingModel struct {
	Namespace       types.String `tfsdk:"namespace"`
	ServiceAccounts types.List   `tfsdk:"service_accounts"`
	Groups          types.List   `tfsdk:"groups"`
}

type podSecurityPolicyRBACModel struct {
	PolicyName  types.String   `tfsdk:"policy_name"`
	RoleName    types.String   `tfsdk:"role_name"`
	Bindings    []bindingModel `tfsdk:"binding"`
	Labels      types.Map      `tfsdk:"labels"`
	Annotations types.Map      `tfsdk:"annotations"`

	ID           types.String  `tfsdk:"id"`
	Manifests    types.Dynamic `tfsdk:"manifests"`
	ClusterRole  types.Dynamic `tfsdk:"cluster_role"`
	RoleBindings types.Dynamic `tfsdk:"role_bindings"`
	YAML         types.String  `tfsdk:"yaml"`
	JSON         types.String  `tfsdk:"json"`
}

func (d *podSecurityPolicyRBACDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pod_security_policy_rbac"
}

func (d *podSecurityPolicyRBACDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders the RBAC that lets pods use one PodSecurityPolicy: a ClusterRole with `use` on exactly " +
			"that policy, and one RoleBinding per namespace, never a ClusterRoleBinding. This is how the guide scopes a " +
			"policy: to the service accounts of the namespaces that need it, never to `system:authenticated`.",
		Attributes: map[string]schema.Attribute{
			"policy_name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The PodSecurityPolicy's name (e.g. `data.ekspodsec_pod_security_policy.x.name`).",
				Validators: []validator.String{dnsSubdomain()},
			},
			"role_name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The ClusterRole's (and RoleBindings') name. Defaults to `psp:<policy_name>`.",
				Validators:          []validator.String{rbacName()},
			},
			"labels":      labelsAttribute(),
			"annotations": annotationsAttribute(),
			"id":          idAttribute(),
			"manifests": schema.DynamicAttribute{
				Computed: true,
				MarkdownDescription: "The ClusterRole then the RoleBindings (sorted by namespace), as a tuple of objects, " +
					"each ready for `kubernetes_manifest`'s `manifest`.",
			},
			"cluster_role": manifestAttribute("ClusterRole"),
			"role_bindings": schema.DynamicAttribute{
				Computed: true,
				MarkdownDescription: "The RoleBindings as an object keyed by namespace: `for_each = data.ekspodsec_pod_security_policy_rbac.x.role_bindings` " +
					"then `manifest = each.value` in a `kubernetes_manifest`.",
			},
			"yaml": yamlAttribute(true),
			"json": jsonAttribute(true),
		},
		Blocks: map[string]schema.Block{
			"binding": schema.ListNestedBlock{
				MarkdownDescription: "One namespace whose pods may use the policy (at least one `binding` block; one per namespace). With neither `service_accounts` nor " +
					"`groups`, the namespace's own service accounts are granted (group `system:serviceaccounts:<namespace>`).",
				Validators: []validator.List{listvalidator.IsRequired(), listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"namespace": schema.StringAttribute{
						Required: true, MarkdownDescription: "The namespace of the RoleBinding.",
						Validators: []validator.String{dnsLabel()},
					},
					"service_accounts": schema.ListAttribute{
						Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Service accounts of the namespace that may use the policy.",
						Validators:          stringListValidators(true, dnsSubdomain()),
					},
					"groups": schema.ListAttribute{
						Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Groups that may use the policy in the namespace. `system:authenticated`, " +
							"`system:unauthenticated`, `system:anonymous` and `system:serviceaccounts` are refused: that is the " +
							"binding the guide warns against.",
						Validators: stringListValidators(true, bindableGroup()),
					},
				}},
			},
		},
	}
}

// podSecurityPolicyRBACFields: the renderer's fields are this data source's attributes.
var podSecurityPolicyRBACFields = fieldTable{
	{from: f("policy_name"), to: f("policy_name")},
	{from: f("role_name"), to: f("role_name"), computed: true},
	{from: f("binding"), to: f("binding")},
	{from: f("labels"), to: f("labels")},
	{from: f("annotations"), to: f("annotations")},
}

func (d *podSecurityPolicyRBACDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m podSecurityPolicyRBACModel
	if !readConfig(ctx, req, resp, unknownOutputs(map[string]attr.Value{
		"manifests": types.DynamicUnknown(), "cluster_role": types.DynamicUnknown(), "role_bindings": types.DynamicUnknown(),
		"role_name": types.StringUnknown(),
	}), &m) {
		return
	}
	bindings, meta := m.spec(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	res, err := render.PolicyRBAC(m.PolicyName.ValueString(), m.RoleName.ValueString(), bindings, meta)
	podSecurityPolicyRBACFields.report(res.Decisions, err, "Cannot grant use of the policy", &resp.Diagnostics)
	if err != nil {
		return
	}
	out, err := encodeOutputs(res.Objects()...)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the RBAC", err.Error())
		return
	}
	byNamespace := make(map[string]map[string]any, len(res.RoleBindings))
	for i, rb := range res.RoleBindings {
		byNamespace[rb.Namespace] = out.Maps[i+1]
	}
	if m.ClusterRole, err = manifestValue(out.Maps[0]); err != nil {
		resp.Diagnostics.AddError("Cannot encode the ClusterRole", err.Error())
		return
	}
	if m.RoleBindings, err = manifestsByKeyValue(byNamespace); err != nil {
		resp.Diagnostics.AddError("Cannot encode the RoleBindings", err.Error())
		return
	}
	m.ID, m.Manifests, m.YAML, m.JSON = out.ID, out.Manifest, out.YAML, out.JSON
	podSecurityPolicyRBACFields.fillDefaults(ctx, res.Decisions, &m, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// spec is the renderer's input from the configuration.
func (m podSecurityPolicyRBACModel) spec(diags *diag.Diagnostics) ([]render.Binding, render.Meta) {
	bindings := make([]render.Binding, 0, len(m.Bindings))
	for i, b := range m.Bindings {
		at := path.Root("binding").AtListIndex(i)
		bindings = append(bindings, render.Binding{
			Namespace:       b.Namespace.ValueString(),
			ServiceAccounts: listStrings(b.ServiceAccounts, at.AtName("service_accounts"), diags),
			Groups:          listStrings(b.Groups, at.AtName("groups"), diags),
		})
	}
	return bindings, metaFrom(m.Labels, m.Annotations, diags)
}
