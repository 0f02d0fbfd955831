package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

var (
	_ datasource.DataSource                   = (*podSecurityPolicyDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*podSecurityPolicyDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*podSecurityPolicyDataSource)(nil)
)

// NewPodSecurityPolicyDataSource renders a PodSecurityPolicy from a hardening profile.
func NewPodSecurityPolicyDataSource() datasource.DataSource { return &podSecurityPolicyDataSource{} }

type podSecurityPolicyDataSource struct {
	facts *clusterFacts
}

func (d *podSecurityPolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.facts = factsFrom(req, resp)
}

// hostPathType is the object type of one allowed_host_paths element.
var hostPathType = types.ObjectType{AttrTypes: map[string]attr.Type{"path_prefix": types.StringType, "read_only": types.BoolType}}

type podSecurityPolicyModel struct {
	Name                   types.String `tfsdk:"name"`
	Profile                types.String `tfsdk:"profile"`
	Fargate                types.Bool   `tfsdk:"fargate"`
	KubernetesVersion      types.String `tfsdk:"kubernetes_version"`
	AllowedHostPaths       types.List   `tfsdk:"allowed_host_paths"`
	AllowedCapabilities    types.List   `tfsdk:"allowed_capabilities"`
	AdditionalVolumes      types.List   `tfsdk:"additional_volumes"`
	ReadOnlyRootFilesystem types.Bool   `tfsdk:"read_only_root_filesystem"`
	Labels                 types.Map    `tfsdk:"labels"`
	Annotations            types.Map    `tfsdk:"annotations"`

	ID       types.String  `tfsdk:"id"`
	Manifest types.Dynamic `tfsdk:"manifest"`
	YAML     types.String  `tfsdk:"yaml"`
	JSON     types.String  `tfsdk:"json"`
}

func (d *podSecurityPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pod_security_policy"
}

func (d *podSecurityPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders a PodSecurityPolicy (`policy/v1beta1`) from a hardening profile of the EKS best-practices " +
			"pod security guide. `restricted` is the guide's restricted policy field for field; `baseline` is the Pod " +
			"Security Standards baseline; `privileged` is what EKS's `eks.privileged` allows, for kube-system agents " +
			"(VPC CNI, kube-proxy). PodSecurityPolicy was removed in Kubernetes " + profile.PSPRemovedIn().String() + ": for newer clusters use " +
			"`ekspodsec_pod_security_admission` and `ekspodsec_validating_admission_policy`. Pair the policy with " +
			"`ekspodsec_pod_security_policy_rbac` to grant its use.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The policy's `metadata.name`. Defaults to the profile's name (`restricted`, `baseline`, `privileged`).",
				Validators:          []validator.String{dnsSubdomain()},
			},
			"profile": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Hardening level: `restricted` (default), `baseline` or `privileged`.",
				Validators:          []validator.String{stringvalidator.OneOf(profile.Levels()...)},
			},
			"fargate": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Render for pods that run on EKS Fargate: no privileged containers, no hostNetwork, no " +
					"hostPort, no added capabilities (Fargate refuses them). Not possible with `profile = \"privileged\"`.",
			},
			"kubernetes_version": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The cluster's Kubernetes version (e.g. `1.24`). PodSecurityPolicy was removed in " + profile.PSPRemovedIn().String() + ", " +
					"so " + profile.PSPRemovedIn().String() + " or later is an error. Defaults to the cluster's version when the provider has an `eks` block; " +
					"otherwise, when unset, the policy is rendered with a warning.",
				Validators: []validator.String{kubernetesVersion()},
			},
			"allowed_host_paths": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "hostPath prefixes pods may mount (adds `hostPath` to the allowed volumes). Prefixes " +
					"match whole path segments; absolute paths only, no `..`. Below `privileged`, `/` (the whole host) and a " +
					"prefix that holds a container runtime socket (`/run`, `/var/run`, `/run/containerd`, …) are refused: a " +
					"policy cannot keep pods from the socket under an allowed prefix.",
				Validators: []validator.List{noNullElements()},
				NestedObject: schema.NestedAttributeObject{Validators: []validator.Object{requiredAttributes("path_prefix")}, Attributes: map[string]schema.Attribute{
					"path_prefix": pathPrefixAttribute(),
					"read_only": schema.BoolAttribute{
						Optional: true, Computed: true,
						MarkdownDescription: "Whether mounts under the prefix must be read-only. Defaults to `true`, as the guide asks.",
					},
				}},
			},
			"allowed_capabilities": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Linux capabilities containers may add, on top of the profile's own (e.g. `NET_BIND_SERVICE`; upper case, without `CAP_`). Not possible on Fargate. `ALL` and `*` are refused below `privileged`.",
				Validators:          stringListValidators(true, capabilityName()),
			},
			"additional_volumes": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Volume types allowed on top of the profile's own, in PodSecurityPolicy names (e.g. `csi`, `ephemeral`; case-sensitive). `hostPath` and `*` are refused below `privileged`: allow host paths with `allowed_host_paths`, which restricts them to prefixes.",
				Validators:          stringListValidators(true, additionalVolume()),
			},
			"read_only_root_filesystem": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Require a read-only root filesystem. Defaults to the profile's choice (`false`, as the guide's restricted policy).",
			},
			"labels":      labelsAttribute(),
			"annotations": annotationsAttribute(),
			"id":          idAttribute(),
			"manifest":    manifestAttribute("PodSecurityPolicy"),
			"yaml":        yamlAttribute(false),
			"json":        jsonAttribute(false),
		},
	}
}

// ValidateConfig refuses what cannot work, with the attribute at fault, as soon as the
// values are known (terraform validate already says it).
func (d *podSecurityPolicyDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var fargate types.Bool
	var level, version types.String
	var caps, volumes, hostPaths types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("fargate"), &fargate)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("profile"), &level)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("kubernetes_version"), &version)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("allowed_capabilities"), &caps)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("additional_volumes"), &volumes)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("allowed_host_paths"), &hostPaths)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if fargate.ValueBool() && level.ValueString() == string(profile.Privileged) {
		resp.Diagnostics.AddAttributeError(path.Root("fargate"), "Privileged profile on Fargate", profile.ErrFargatePrivileged.Error())
	}
	if fargate.ValueBool() && !caps.IsNull() && !caps.IsUnknown() && len(caps.Elements()) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("allowed_capabilities"), "Added capabilities on Fargate", profile.ErrFargateCapabilities.Error())
	}
	if parsed, removed := pspRemoved(version); removed {
		resp.Diagnostics.AddAttributeError(path.Root("kubernetes_version"), "PodSecurityPolicy does not exist in Kubernetes "+parsed.String(),
			render.PSPRemovedMessage(parsed.String()))
	}
	if level.IsUnknown() {
		return // the level's refusals wait for the level (Read, once it is known)
	}
	l := profile.Restricted
	if !level.IsNull() {
		parsed, err := profile.ParseLevel(level.ValueString())
		if err != nil {
			return // the attribute's validator reports it
		}
		l = parsed
	}
	levelRefusals(l, caps, volumes, hostPaths, &resp.Diagnostics)
}

// podSecurityPolicyFields: the renderer's fields are this data source's attributes.
var podSecurityPolicyFields = fieldTable{
	{from: f("name"), to: f("name"), computed: true},
	{from: f("labels"), to: f("labels")},
	{from: f("annotations"), to: f("annotations")},
}

func (d *podSecurityPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m podSecurityPolicyModel
	if !readConfig(ctx, req, resp, unknownOutputs(map[string]attr.Value{
		"manifest": types.DynamicUnknown(), "name": types.StringUnknown(), "profile": types.StringUnknown(),
		"kubernetes_version": types.StringUnknown(),
	}), &m) {
		return
	}
	p, meta := m.spec(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m.KubernetesVersion = d.clusterVersion(m.KubernetesVersion, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	res, err := render.PodSecurityPolicy(p, m.Name.ValueString(), meta)
	podSecurityPolicyFields.report(res.Decisions, err, "Cannot render the policy", &resp.Diagnostics)
	if err != nil {
		return
	}
	out, err := encodeOutputs(res.Objects()...)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the policy", err.Error())
		return
	}
	m.Profile = types.StringValue(string(p.Level))
	m.ID, m.Manifest, m.YAML, m.JSON = out.ID, out.Manifest, out.YAML, out.JSON
	podSecurityPolicyFields.fillDefaults(ctx, res.Decisions, &m, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// spec is the renderer's input from the configuration: the profile (its options refused
// on their attributes) and the metadata. allowed_host_paths gets its read_only defaults.
func (m *podSecurityPolicyModel) spec(diags *diag.Diagnostics) (profile.Profile, render.Meta) {
	level := profile.Restricted
	if !m.Profile.IsNull() {
		l, err := profile.ParseLevel(m.Profile.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("profile"), "Invalid profile", err.Error())
			return profile.Profile{}, render.Meta{}
		}
		level = l
	}
	opts := profile.Options{
		Fargate:             m.Fargate.ValueBool(),
		AllowedCapabilities: listStrings(m.AllowedCapabilities, path.Root("allowed_capabilities"), diags),
		AdditionalVolumes:   listStrings(m.AdditionalVolumes, path.Root("additional_volumes"), diags),
	}
	if !m.ReadOnlyRootFilesystem.IsNull() {
		v := m.ReadOnlyRootFilesystem.ValueBool()
		opts.ReadOnlyRootFilesystem = &v
	}
	var hostPaths []attr.Value
	for _, hp := range listObjects(m.AllowedHostPaths, path.Root("allowed_host_paths"), diags) {
		prefix, ro := hp.String("path_prefix", true, diags), hp.Bool("read_only", true)
		opts.AllowedHostPaths = append(opts.AllowedHostPaths, profile.HostPath{PathPrefix: prefix, ReadOnly: ro})
		obj, d := types.ObjectValue(hostPathType.AttrTypes, map[string]attr.Value{"path_prefix": types.StringValue(prefix), "read_only": types.BoolValue(ro)})
		diags.Append(d...)
		hostPaths = append(hostPaths, obj)
	}
	if diags.HasError() {
		return profile.Profile{}, render.Meta{}
	}
	if !m.AllowedHostPaths.IsNull() {
		var d diag.Diagnostics
		m.AllowedHostPaths, d = types.ListValue(hostPathType, hostPaths) // read_only filled in
		diags.Append(d...)
	}
	p, err := profile.New(level, opts)
	if err != nil {
		at := optionPath(err, path.Root("profile"))
		diags.AddAttributeError(at, "Impossible profile", fmt.Sprintf("%s: %s (profile %s).", at, err, level))
		return profile.Profile{}, render.Meta{}
	}
	return p, metaFrom(m.Labels, m.Annotations, diags)
}

// clusterVersion defaults kubernetes_version from the cluster, refuses a cluster where
// PodSecurityPolicy is gone (a version the user set is ValidateConfig's to refuse), and
// warns when the version is not known at all.
func (d *podSecurityPolicyDataSource) clusterVersion(v types.String, diags *diag.Diagnostics) types.String {
	v, from := defaultVersion(v, d.facts, diags)
	if _, removed := pspRemoved(v); removed && from != "" {
		diags.AddAttributeError(path.Root("kubernetes_version"), "PodSecurityPolicy does not exist in Kubernetes "+v.ValueString(),
			withSource(render.PSPRemovedMessage(v.ValueString()), from))
	}
	if v.IsNull() && !diags.HasError() {
		removed := profile.PSPRemovedIn()
		diags.AddWarning(fmt.Sprintf("PodSecurityPolicy needs a cluster older than Kubernetes %s", removed),
			fmt.Sprintf("kubernetes_version is not set. PodSecurityPolicy was removed in Kubernetes %s; every EKS version AWS supports today is newer. "+
				"Set kubernetes_version for a legacy cluster, or use ekspodsec_pod_security_admission and ekspodsec_validating_admission_policy.", removed))
	}
	return v
}

// pspRemoved parses a known kubernetes_version and reports whether PodSecurityPolicy is
// gone there (false for a null, unknown or unparsable version: the validator reports that).
func pspRemoved(v types.String) (k8sversion.Version, bool) {
	if v.IsNull() || v.IsUnknown() {
		return k8sversion.Version{}, false
	}
	parsed, err := k8sversion.Parse(v.ValueString())
	return parsed, err == nil && parsed.AtLeast(profile.PSPRemovedIn())
}
