package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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

type hostPathModel struct {
	PathPrefix types.String `tfsdk:"path_prefix"`
	ReadOnly   types.Bool   `tfsdk:"read_only"`
}

type podSecurityPolicyModel struct {
	Name                   types.String    `tfsdk:"name"`
	Profile                types.String    `tfsdk:"profile"`
	Fargate                types.Bool      `tfsdk:"fargate"`
	KubernetesVersion      types.String    `tfsdk:"kubernetes_version"`
	AllowedHostPaths       []hostPathModel `tfsdk:"allowed_host_paths"`
	AllowedCapabilities    types.List      `tfsdk:"allowed_capabilities"`
	AdditionalVolumes      types.List      `tfsdk:"additional_volumes"`
	ReadOnlyRootFilesystem types.Bool      `tfsdk:"read_only_root_filesystem"`
	Labels                 types.Map       `tfsdk:"labels"`
	Annotations            types.Map       `tfsdk:"annotations"`

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
			"(VPC CNI, kube-proxy). PodSecurityPolicy was removed in Kubernetes 1.25: for newer clusters use " +
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
				MarkdownDescription: "The cluster's Kubernetes version (e.g. `1.24`). PodSecurityPolicy was removed in 1.25, " +
					"so 1.25 or later is an error. Defaults to the cluster's version when the provider has an `eks` block; " +
					"otherwise, when unset, the policy is rendered with a warning.",
				Validators: []validator.String{kubernetesVersion()},
			},
			"allowed_host_paths": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "hostPath prefixes pods may mount (adds `hostPath` to the allowed volumes). Prefixes " +
					"match whole path segments; absolute paths only, no `..`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"path_prefix": schema.StringAttribute{
						Required: true, MarkdownDescription: "An absolute path prefix, e.g. `/var/log`.",
						Validators: []validator.String{hostPathPrefix()},
					},
					"read_only": schema.BoolAttribute{
						Optional: true, Computed: true,
						MarkdownDescription: "Whether mounts under the prefix must be read-only. Defaults to `true`, as the guide asks.",
					},
				}},
			},
			"allowed_capabilities": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Linux capabilities containers may add, on top of the profile's own (e.g. `NET_BIND_SERVICE`; upper case, without `CAP_`). Not possible on Fargate.",
				Validators:          []validator.List{listvalidator.ValueStringsAre(capabilityName()), listvalidator.UniqueValues()},
			},
			"additional_volumes": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Volume types allowed on top of the profile's own, in PodSecurityPolicy names (e.g. `csi`, `ephemeral`). `hostPath` is refused here: allow host paths with `allowed_host_paths`, which restricts them to prefixes.",
				Validators:          []validator.List{listvalidator.ValueStringsAre(additionalVolume()), listvalidator.UniqueValues()},
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
	var caps types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("fargate"), &fargate)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("profile"), &level)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("kubernetes_version"), &version)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("allowed_capabilities"), &caps)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if fargate.ValueBool() && level.ValueString() == string(profile.Privileged) {
		resp.Diagnostics.AddAttributeError(path.Root("fargate"), "Privileged profile on Fargate", profile.ErrFargatePrivileged.Error())
	}
	if fargate.ValueBool() && !caps.IsNull() && !caps.IsUnknown() && len(caps.Elements()) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("allowed_capabilities"), "Added capabilities on Fargate", profile.ErrFargateCapabilities.Error())
	}
	if !version.IsNull() && !version.IsUnknown() {
		if parsed, err := k8sversion.Parse(version.ValueString()); err == nil && parsed.AtLeast(1, 25) {
			resp.Diagnostics.AddAttributeError(path.Root("kubernetes_version"), "PodSecurityPolicy does not exist in Kubernetes "+parsed.String(),
				render.PSPRemovedMessage(parsed.String()))
		}
	}
}

func (d *podSecurityPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if deferUnknown(ctx, req.Config, &resp.State, unknownOutputs(map[string]attr.Value{
		"manifest": types.DynamicUnknown(), "name": types.StringUnknown(), "profile": types.StringUnknown(),
		"kubernetes_version": types.StringUnknown(),
	}), &resp.Diagnostics) {
		return
	}
	var m podSecurityPolicyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	level := profile.Restricted
	if !m.Profile.IsNull() {
		l, err := profile.ParseLevel(m.Profile.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("profile"), "Invalid profile", err.Error())
			return
		}
		level = l
	}
	opts := profile.Options{
		Fargate:             m.Fargate.ValueBool(),
		AllowedCapabilities: stringList(ctx, m.AllowedCapabilities, &resp.Diagnostics),
		AdditionalVolumes:   stringList(ctx, m.AdditionalVolumes, &resp.Diagnostics),
	}
	if !m.ReadOnlyRootFilesystem.IsNull() {
		v := m.ReadOnlyRootFilesystem.ValueBool()
		opts.ReadOnlyRootFilesystem = &v
	}
	for i := range m.AllowedHostPaths {
		hp := &m.AllowedHostPaths[i]
		ro := true
		if !hp.ReadOnly.IsNull() && !hp.ReadOnly.IsUnknown() {
			ro = hp.ReadOnly.ValueBool()
		}
		hp.ReadOnly = types.BoolValue(ro)
		opts.AllowedHostPaths = append(opts.AllowedHostPaths, profile.HostPath{PathPrefix: hp.PathPrefix.ValueString(), ReadOnly: ro})
	}
	p, err := profile.New(level, opts)
	if err != nil {
		at := path.Root("profile")
		switch {
		case errors.Is(err, profile.ErrFargatePrivileged):
			at = path.Root("fargate")
		case errors.Is(err, profile.ErrFargateCapabilities):
			at = path.Root("allowed_capabilities")
		}
		resp.Diagnostics.AddAttributeError(at, "Impossible profile", err.Error())
		return
	}
	var from string
	m.KubernetesVersion, from = defaultVersion(m.KubernetesVersion, d.facts, &resp.Diagnostics)
	if from != "" {
		if atLeast, ok := versionAtLeast(m.KubernetesVersion.ValueString(), 1, 25); ok && atLeast {
			resp.Diagnostics.AddAttributeError(path.Root("kubernetes_version"), "PodSecurityPolicy does not exist in Kubernetes "+m.KubernetesVersion.ValueString(),
				withSource(render.PSPRemovedMessage(m.KubernetesVersion.ValueString()), from))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if m.KubernetesVersion.IsNull() {
		resp.Diagnostics.AddWarning("PodSecurityPolicy needs a cluster older than Kubernetes 1.25",
			"kubernetes_version is not set. PodSecurityPolicy was removed in Kubernetes 1.25; every EKS version AWS supports today is newer. "+
				"Set kubernetes_version for a legacy cluster, or use ekspodsec_pod_security_admission and ekspodsec_validating_admission_policy.")
	}
	meta := metaFrom(ctx, m.Labels, m.Annotations, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, err := render.PodSecurityPolicy(p, m.Name.ValueString(), meta)
	if err != nil {
		fieldDiagnostics(err, "Cannot render the policy", &resp.Diagnostics)
		return
	}
	out, err := encodeOutputs(obj)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the policy", err.Error())
		return
	}
	m.Name, m.Profile = types.StringValue(obj.Name), types.StringValue(string(level))
	m.ID, m.Manifest, m.YAML, m.JSON = out.ID, out.Manifest, out.YAML, out.JSON
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
