package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

var (
	_ datasource.DataSource                   = (*podSecurityAdmissionDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*podSecurityAdmissionDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*podSecurityAdmissionDataSource)(nil)
)

// NewPodSecurityAdmissionDataSource renders Pod Security Admission namespace labels.
func NewPodSecurityAdmissionDataSource() datasource.DataSource {
	return &podSecurityAdmissionDataSource{}
}

type podSecurityAdmissionDataSource struct {
	facts *clusterFacts
}

type podSecurityAdmissionModel struct {
	Profile              types.String `tfsdk:"profile"`
	Enforce              types.String `tfsdk:"enforce"`
	Audit                types.String `tfsdk:"audit"`
	Warn                 types.String `tfsdk:"warn"`
	Version              types.String `tfsdk:"version"`
	KubernetesVersion    types.String `tfsdk:"kubernetes_version"`
	Namespace            types.String `tfsdk:"namespace"`
	NamespaceLabels      types.Map    `tfsdk:"namespace_labels"`
	NamespaceAnnotations types.Map    `tfsdk:"namespace_annotations"`

	ID       types.String  `tfsdk:"id"`
	Labels   types.Map     `tfsdk:"labels"`
	Manifest types.Dynamic `tfsdk:"manifest"`
	YAML     types.String  `tfsdk:"yaml"`
	JSON     types.String  `tfsdk:"json"`
}

func (d *podSecurityAdmissionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pod_security_admission"
}

func (d *podSecurityAdmissionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.facts = factsFrom(req, resp)
}

func (d *podSecurityAdmissionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders the Pod Security Admission labels of a namespace, PodSecurityPolicy's built-in successor " +
			"(Kubernetes " + profile.PSAMinimum().String() + "+, GA in " + profile.PSAStable().String() + "): `pod-security.kubernetes.io/<mode>` and `<mode>-version` for the modes `enforce` " +
			"(refuse violating pods), `audit` (record them) and `warn` (warn the client). Merge `labels` into a " +
			"`kubernetes_namespace_v1`'s `metadata.labels`, or give `namespace` to get the whole Namespace for " +
			"`kubernetes_manifest`. The version is pinned to the cluster's minor version when known, so a cluster upgrade " +
			"does not tighten the rules unannounced.",
		Attributes: map[string]schema.Attribute{
			"profile": levelAttribute("The level of all three modes: `restricted` (default), `baseline` or `privileged`. " +
				"`enforce`, `audit` and `warn` override it mode by mode."),
			"enforce": levelAttribute("The level pods must meet to be admitted. Defaults to `profile`."),
			"audit":   levelAttribute("The level whose violations are recorded in the audit log. Defaults to `profile`, else to `enforce`."),
			"warn":    levelAttribute("The level whose violations are returned to the client as warnings. Defaults to `profile`, else to `enforce`."),
			"version": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The Pod Security Standards version the levels are judged by: `v1.<minor>` or `latest`. " +
					"Defaults to the cluster's version (`kubernetes_version` `1.31` pins `v1.31`), else `latest`.",
				Validators: []validator.String{psaVersion()},
			},
			"kubernetes_version": psaKubernetesVersionAttribute(""),
			"namespace": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "A namespace name: when set, `manifest`, `yaml` and `json` are that Namespace with the labels.",
				Validators:          []validator.String{dnsLabel()},
			},
			"namespace_labels": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "More labels for the Namespace (with `namespace`). `pod-security.kubernetes.io/*` keys are refused: they come from the levels.",
				Validators:          labelValidators(),
			},
			"namespace_annotations": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Annotations for the Namespace (with `namespace`).",
				Validators:          annotationValidators(),
			},
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-256 of the labels (and of `yaml` when `namespace` is set): changes exactly when the output changes."},
			"labels": schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The Pod Security Admission labels: `pod-security.kubernetes.io/{enforce,audit,warn}` and their " +
					"`-version`, to merge into a namespace's labels, e.g. `merge(local.labels, data.ekspodsec_pod_security_admission.x.labels)`.",
			},
			"manifest": schema.DynamicAttribute{
				Computed:            true,
				MarkdownDescription: "The Namespace (with `namespace`) as an object, ready for `kubernetes_manifest`'s `manifest`; null without `namespace`.",
			},
			"yaml": schema.StringAttribute{Computed: true, MarkdownDescription: "The Namespace as YAML (with `namespace`); null without."},
			"json": schema.StringAttribute{Computed: true, MarkdownDescription: "The Namespace as indented JSON (with `namespace`); null without."},
		},
	}
}

// ValidateConfig refuses what is wrong whatever the cluster: a cluster too old for Pod
// Security Admission, labels that would overwrite the levels' own, and namespace
// attributes without a namespace.
func (d *podSecurityAdmissionDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m podSecurityAdmissionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := noPSA(m.KubernetesVersion); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("kubernetes_version"), psaNeedsSummary(), err.Error())
	}
	refusePSALabels(ctx, m.NamespaceLabels, "namespace_labels", &resp.Diagnostics)
	if m.Namespace.IsNull() {
		for _, a := range []struct {
			name string
			v    types.Map
		}{{"namespace_labels", m.NamespaceLabels}, {"namespace_annotations", m.NamespaceAnnotations}} {
			if name, v := a.name, a.v; !v.IsNull() {
				resp.Diagnostics.AddAttributeError(path.Root(name), "Namespace attribute without a namespace",
					name+" is set but namespace is not: these go on the rendered Namespace, so set namespace too (or merge them yourself next to labels).")
			}
		}
	}
}

// podSecurityAdmissionFields maps the renderer's fields onto this data source's
// attributes: the Namespace's labels and annotations are namespace_labels and
// namespace_annotations.
var podSecurityAdmissionFields = fieldTable{
	{from: f("profile"), to: f("profile"), computed: true},
	{from: f("enforce"), to: f("enforce"), computed: true},
	{from: f("audit"), to: f("audit"), computed: true},
	{from: f("warn"), to: f("warn"), computed: true},
	{from: f("version"), to: f("version"), computed: true},
	{from: f("kubernetes_version"), to: f("kubernetes_version")},
	{from: f("labels"), to: f("namespace_labels")},
	{from: f("annotations"), to: f("namespace_annotations")},
}

func (d *podSecurityAdmissionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m podSecurityAdmissionModel
	if !readConfig(ctx, req, resp, map[string]attr.Value{
		"id": types.StringUnknown(), "labels": types.MapUnknown(types.StringType), "manifest": types.DynamicUnknown(),
		"yaml": types.StringUnknown(), "json": types.StringUnknown(), "profile": types.StringUnknown(), "enforce": types.StringUnknown(),
		"audit": types.StringUnknown(), "warn": types.StringUnknown(), "version": types.StringUnknown(), "kubernetes_version": types.StringUnknown(),
	}, &m) {
		return
	}
	var from string
	m.KubernetesVersion, from = defaultVersion(m.KubernetesVersion, d.facts, &resp.Diagnostics)
	if err := noPSA(m.KubernetesVersion); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("kubernetes_version"), psaNeedsSummary(), withSource(err.Error(), from))
	}
	spec := m.spec(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	res, err := render.PodSecurity(spec)
	podSecurityAdmissionFields.report(res.Decisions, err, "Cannot render the Pod Security Admission labels", &resp.Diagnostics)
	if err != nil {
		return
	}
	if m.ID, m.Manifest, m.YAML, m.JSON, err = podSecurityOutputs(res); err != nil {
		resp.Diagnostics.AddError("Cannot encode the Namespace", err.Error())
		return
	}
	var diags diag.Diagnostics
	m.Labels, diags = types.MapValueFrom(ctx, types.StringType, res.Labels)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	podSecurityAdmissionFields.fillDefaults(ctx, res.Decisions, &m, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// spec is the renderer's input from the configuration.
func (m podSecurityAdmissionModel) spec(diags *diag.Diagnostics) render.PodSecuritySpec {
	spec := render.PodSecuritySpec{
		Profile: levelOf(m.Profile), Enforce: levelOf(m.Enforce), Audit: levelOf(m.Audit), Warn: levelOf(m.Warn),
		Version: m.Version.ValueString(), KubernetesVersion: m.KubernetesVersion.ValueString(), Namespace: m.Namespace.ValueString(),
	}
	if !m.Namespace.IsNull() {
		spec.Meta = render.Meta{
			Labels:      mapStrings(m.NamespaceLabels, path.Root("namespace_labels"), diags),
			Annotations: mapStrings(m.NamespaceAnnotations, path.Root("namespace_annotations"), diags),
		}
	}
	return spec
}

// podSecurityOutputs are the id (SHA-256 of the labels, and of the Namespace's YAML when
// there is one) and the Namespace's manifest, YAML and JSON (null without one).
func podSecurityOutputs(res render.PodSecurityResult) (types.String, types.Dynamic, types.String, types.String, error) {
	manifest, y, j := types.DynamicNull(), types.StringNull(), types.StringNull()
	sumInput, err := json.Marshal(res.Labels) // map keys are sorted: stable
	if err != nil {
		return types.StringNull(), manifest, y, j, err
	}
	if objs := res.Objects(); len(objs) > 0 {
		out, err := encodeOutputs(objs...)
		if err != nil {
			return types.StringNull(), manifest, y, j, err
		}
		manifest, y, j = out.Manifest, out.YAML, out.JSON
		sumInput = append(sumInput, out.YAML.ValueString()...)
	}
	sum := sha256.Sum256(sumInput)
	return types.StringValue(hex.EncodeToString(sum[:])), manifest, y, j, nil
}
