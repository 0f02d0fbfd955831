package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
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
	_ datasource.DataSource                   = (*namespaceDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*namespaceDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*namespaceDataSource)(nil)
)

// NewNamespaceDataSource renders a hardened namespace: Pod Security Admission labels,
// LimitRange, ResourceQuota and, for clusters older than 1.25, the RBAC that lets its
// service accounts use a PodSecurityPolicy.
func NewNamespaceDataSource() datasource.DataSource { return &namespaceDataSource{} }

type namespaceDataSource struct {
	facts *clusterFacts
}

type namespaceModel struct {
	Name                          types.String `tfsdk:"name"`
	Profile                       types.String `tfsdk:"profile"`
	Audit                         types.String `tfsdk:"audit"`
	Warn                          types.String `tfsdk:"warn"`
	PodSecurityVersion            types.String `tfsdk:"pod_security_version"`
	KubernetesVersion             types.String `tfsdk:"kubernetes_version"`
	LimitRangeName                types.String `tfsdk:"limit_range_name"`
	ContainerDefault              types.Map    `tfsdk:"container_default"`
	ContainerDefaultRequest       types.Map    `tfsdk:"container_default_request"`
	ContainerMin                  types.Map    `tfsdk:"container_min"`
	ContainerMax                  types.Map    `tfsdk:"container_max"`
	ContainerMaxLimitRequestRatio types.Map    `tfsdk:"container_max_limit_request_ratio"`
	QuotaName                     types.String `tfsdk:"quota_name"`
	QuotaHard                     types.Map    `tfsdk:"quota_hard"`
	PSPPolicyName                 types.String `tfsdk:"psp_policy_name"`
	ServiceAccounts               types.List   `tfsdk:"service_accounts"`
	Fargate                       types.Bool   `tfsdk:"fargate"`
	Labels                        types.Map    `tfsdk:"labels"`
	Annotations                   types.Map    `tfsdk:"annotations"`

	ID                types.String  `tfsdk:"id"`
	PodSecurityLabels types.Map     `tfsdk:"pod_security_labels"`
	Manifests         types.Dynamic `tfsdk:"manifests"`
	ManifestsByKind   types.Dynamic `tfsdk:"manifests_by_kind"`
	YAML              types.String  `tfsdk:"yaml"`
	JSON              types.String  `tfsdk:"json"`
	FargatePodSize    types.Object  `tfsdk:"fargate_pod_size"`
}

func (d *namespaceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_namespace"
}

func (d *namespaceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.facts = factsFrom(req, resp)
}

func (d *namespaceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	const compute = "compute resource name (cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource such as nvidia.com/gpu)"
	defaults := profile.DefaultNamespace()
	containerMap := func(description string, computed bool) schema.MapAttribute {
		description += " Keys are resource names (`cpu`, `memory`, …), values Kubernetes quantities"
		if computed {
			description += "; a map you give replaces the default"
		}
		a := quantityMap(description+".", render.ComputeResourcePattern, compute)
		a.Computed = computed
		return a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders everything a hardened namespace needs, in one call: the Namespace with Pod Security " +
			"Admission labels (`enforce` from `profile`, default `restricted`), a LimitRange that gives containers default " +
			"requests and limits, a ResourceQuota on requests and limits of CPU and memory (so every pod must declare them) " +
			"and, for clusters older than " + profile.PSPRemovedIn().String() + " with `psp_policy_name`, the RBAC that lets the namespace's service accounts " +
			"use that PodSecurityPolicy. Apply `manifests_by_kind.namespace` first and the rest after it (`depends_on`).",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The namespace's name.",
				Validators: []validator.String{dnsLabel()},
			},
			"profile": levelAttribute("The Pod Security Standards level enforced: `restricted` (default), `baseline` or `privileged`."),
			"audit":   levelAttribute("The level whose violations are recorded in the audit log. Defaults to `profile`."),
			"warn":    levelAttribute("The level whose violations are returned to the client as warnings. Defaults to `profile`."),
			"pod_security_version": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The Pod Security Standards version of the labels: `v1.<minor>` or `latest`. Defaults to the " +
					"cluster's version (`kubernetes_version` `1.31` pins `v1.31`), else `latest`.",
				Validators: []validator.String{psaVersion()},
			},
			"kubernetes_version": psaKubernetesVersionAttribute(" With `psp_policy_name`, " + profile.PSPRemovedIn().String() + " or later is an error (PodSecurityPolicy " +
				"is gone), and below " + profile.PSAMinimum().String() + " the labels are rendered (version `latest`) with a warning that only the PodSecurityPolicy protects the namespace."),
			"limit_range_name": schema.StringAttribute{
				Optional: true, Computed: true, MarkdownDescription: "The LimitRange's name. Defaults to `" + defaults.LimitRangeName + "`.",
				Validators: []validator.String{dnsSubdomain()},
			},
			"container_default":                 containerMap("The limit set on a container that declares none. Defaults to `"+render.FormatValue(defaults.ContainerDefault)+"`.", true),
			"container_default_request":         containerMap("The request set on a container that declares none. Defaults to `"+render.FormatValue(defaults.ContainerDefaultRequest)+"`.", true),
			"container_min":                     containerMap("The least a container may request. Default: none.", false),
			"container_max":                     containerMap("The most a container may ask as a limit. Default: none.", false),
			"container_max_limit_request_ratio": containerMap("The largest limit/request ratio allowed (at least 1). Default: none.", false),
			"quota_name": schema.StringAttribute{
				Optional: true, Computed: true, MarkdownDescription: "The ResourceQuota's name. Defaults to `" + defaults.QuotaName + "`.",
				Validators: []validator.String{dnsSubdomain()},
			},
			"quota_hard": schema.MapAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The ResourceQuota's hard limits, resource name → quantity (as `ekspodsec_resource_quota`'s `hard`). " +
					"Defaults to `" + render.FormatValue(defaults.QuotaHard) + "`; a map you give replaces it, and one without all of requests/limits " +
					"of cpu/memory is a warning.",
				Validators: []validator.Map{
					noNullValues(),
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(resourceName(render.QuotaResourcePattern, "ResourceQuota resource name, such as requests.cpu, limits.memory, pods or count/deployments.apps")),
					mapvalidator.ValueStringsAre(quantity()),
				},
			},
			"psp_policy_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "For clusters older than " + profile.PSPRemovedIn().String() + ": the PodSecurityPolicy the namespace's service accounts may use. " +
					"Renders a ClusterRole `psp:<policy>:<namespace>` with `use` on exactly that policy (one per namespace, so " +
					"several namespaces can share a policy without managing the same object) and a RoleBinding in the namespace. " +
					"Unset: no RBAC.",
				Validators: []validator.String{dnsSubdomain()},
			},
			"service_accounts": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "With `psp_policy_name`: the service accounts granted the policy. Default: all of the namespace's (group `system:serviceaccounts:<name>`).",
				Validators:          append(stringListValidators(true, dnsSubdomain()), listvalidator.SizeAtLeast(1)),
			},
			"fargate":          fargateAttribute(),
			"fargate_pod_size": fargatePodSizeAttribute(),
			"labels": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Labels added to every rendered object. `pod-security.kubernetes.io/*` keys are refused: they come from the levels.",
				Validators:          labelValidators(),
			},
			"annotations": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Annotations added to every rendered object.",
				Validators:          annotationValidators(),
			},
			"id": idAttribute(),
			"pod_security_labels": schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The Namespace's Pod Security Admission labels alone, for a namespace managed elsewhere (`kubernetes_namespace_v1`).",
			},
			"manifests": schema.DynamicAttribute{
				Computed:            true,
				MarkdownDescription: "The Namespace, LimitRange, ResourceQuota, then (with `psp_policy_name`) ClusterRole and RoleBinding, as a tuple of objects.",
			},
			"manifests_by_kind": schema.DynamicAttribute{
				Computed: true,
				MarkdownDescription: "The same objects keyed `namespace`, `limit_range`, `resource_quota`, `cluster_role`, `role_binding` " +
					"(the last two only with `psp_policy_name`), each ready for `kubernetes_manifest`'s `manifest`.",
			},
			"yaml": yamlAttribute(true),
			"json": jsonAttribute(true),
		},
	}
}

func (d *namespaceDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m namespaceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	refusePSALabels(ctx, m.Labels, "labels", &resp.Diagnostics)
	if !m.ServiceAccounts.IsNull() && m.PSPPolicyName.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("service_accounts"), "Service accounts without a policy",
			"service_accounts says who may use the PodSecurityPolicy psp_policy_name names: set psp_policy_name too, or drop service_accounts.")
	}
	if !m.KubernetesVersion.IsNull() && !m.KubernetesVersion.IsUnknown() && !m.PSPPolicyName.IsUnknown() {
		checkNamespaceVersion(m.KubernetesVersion.ValueString(), !m.PSPPolicyName.IsNull(), "", &resp.Diagnostics)
	}
}

// namespaceVersionDiagnostics are checkNamespaceVersion's, and warnings for a
// PodSecurityPolicy whose cluster has no Pod Security Admission yet, or is not known.
func namespaceVersionDiagnostics(m namespaceModel, from string, diags *diag.Diagnostics) {
	psp := !m.PSPPolicyName.IsNull()
	switch {
	case !m.KubernetesVersion.IsNull():
		if !checkNamespaceVersion(m.KubernetesVersion.ValueString(), psp, from, diags) && psp {
			diags.AddAttributeWarning(path.Root("kubernetes_version"), "Pod Security Admission labels have no effect yet",
				withSource(fmt.Sprintf("Kubernetes %s has no Pod Security Admission (%s or later): the labels are rendered for after an upgrade "+
					"(version latest), and until then only the PodSecurityPolicy %q protects the namespace.",
					m.KubernetesVersion.ValueString(), profile.PSAMinimum(), m.PSPPolicyName.ValueString()), from))
		}
	case psp:
		removed := profile.PSPRemovedIn()
		diags.AddAttributeWarning(path.Root("psp_policy_name"), fmt.Sprintf("PodSecurityPolicy needs a cluster older than Kubernetes %s", removed),
			fmt.Sprintf("kubernetes_version is not set. PodSecurityPolicy was removed in Kubernetes %s: set kubernetes_version for a legacy cluster, or drop psp_policy_name.", removed))
	}
}

// namespaceFields maps the renderer's fields onto this data source's attributes: the
// LimitRange's container.<x> is container_<x> and its name limit_range_name, the quota's
// hard is quota_hard and its name quota_name, the RBAC's policy is psp_policy_name and
// its binding the namespace's own (name, service_accounts).
var namespaceFields = fieldTable{
	{from: f("profile"), to: f("profile"), computed: true},
	{from: f("audit"), to: f("audit"), computed: true},
	{from: f("warn"), to: f("warn"), computed: true},
	{from: f("pod_security_version"), to: f("pod_security_version"), computed: true},
	{from: f("kubernetes_version"), to: f("kubernetes_version")},
	{from: f("limit_range", "name"), to: f("limit_range_name"), computed: true},
	{from: f("limit_range", "namespace"), to: f("name")},
	{from: f("limit_range", "container"), to: f("container_default")}, // the block as a whole
	{from: f("limit_range", "container", "default"), to: f("container_default"), computed: true},
	{from: f("limit_range", "container", "default_request"), to: f("container_default_request"), computed: true},
	{from: f("limit_range", "container", "min"), to: f("container_min")},
	{from: f("limit_range", "container", "max"), to: f("container_max")},
	{from: f("limit_range", "container", "max_limit_request_ratio"), to: f("container_max_limit_request_ratio")},
	{from: f("limit_range", "fargate"), to: f("fargate")},
	{from: f("limit_range", "labels"), to: f("labels")},
	{from: f("limit_range", "annotations"), to: f("annotations")},
	{from: f("resource_quota", "name"), to: f("quota_name"), computed: true},
	{from: f("resource_quota", "namespace"), to: f("name")},
	{from: f("resource_quota", "hard"), to: f("quota_hard"), computed: true},
	{from: f("resource_quota", "labels"), to: f("labels")},
	{from: f("resource_quota", "annotations"), to: f("annotations")},
	{from: f("rbac", "policy_name"), to: f("psp_policy_name")},
	{from: f("rbac", "role_name"), to: f("psp_policy_name")}, // psp:<policy>:<namespace>
	{from: f("rbac", "binding", anyIndex, "namespace"), to: f("name")},
	{from: f("rbac", "binding", anyIndex, "service_accounts"), to: f("service_accounts")},
	{from: f("rbac", "labels"), to: f("labels")},
	{from: f("rbac", "annotations"), to: f("annotations")},
}

func (d *namespaceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m namespaceModel
	if !readConfig(ctx, req, resp, unknownOutputs(map[string]attr.Value{
		"manifests": types.DynamicUnknown(), "manifests_by_kind": types.DynamicUnknown(), "pod_security_labels": types.MapUnknown(types.StringType),
		"profile": types.StringUnknown(), "audit": types.StringUnknown(), "warn": types.StringUnknown(),
		"pod_security_version": types.StringUnknown(), "kubernetes_version": types.StringUnknown(),
		"limit_range_name": types.StringUnknown(), "container_default": types.MapUnknown(types.StringType),
		"container_default_request": types.MapUnknown(types.StringType), "quota_name": types.StringUnknown(),
		"quota_hard": types.MapUnknown(types.StringType), "fargate": types.BoolUnknown(),
		"fargate_pod_size": types.ObjectUnknown(fargateSizeType.AttrTypes),
	}), &m) {
		return
	}
	var from string
	m.KubernetesVersion, from = defaultVersion(m.KubernetesVersion, d.facts, &resp.Diagnostics)
	namespaceVersionDiagnostics(m, from, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	spec := m.spec(&resp.Diagnostics)
	m.Fargate = d.facts.fargate(m.Fargate, spec.Name, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	spec.Fargate = m.Fargate.ValueBool()
	res, err := render.HardenedNamespace(spec)
	namespaceFields.report(res.Decisions, err, "Cannot render the namespace", &resp.Diagnostics)
	if err != nil {
		return
	}
	m.outputs(ctx, res, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	namespaceFields.fillDefaults(ctx, res.Decisions, &m, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// spec is the renderer's input from the configuration: what is null takes the renderer's
// default.
func (m namespaceModel) spec(diags *diag.Diagnostics) render.NamespaceSpec {
	q := func(v types.Map, name string) map[string]string { return mapStrings(v, path.Root(name), diags) }
	return render.NamespaceSpec{
		Name:    m.Name.ValueString(),
		Profile: levelOf(m.Profile), Audit: levelOf(m.Audit), Warn: levelOf(m.Warn),
		PodSecurityVersion: m.PodSecurityVersion.ValueString(), KubernetesVersion: m.KubernetesVersion.ValueString(),
		LimitRangeName: m.LimitRangeName.ValueString(),
		Container: render.ContainerLimits{
			Default: q(m.ContainerDefault, "container_default"), DefaultRequest: q(m.ContainerDefaultRequest, "container_default_request"),
			Min: q(m.ContainerMin, "container_min"), Max: q(m.ContainerMax, "container_max"),
			MaxLimitRequestRatio: q(m.ContainerMaxLimitRequestRatio, "container_max_limit_request_ratio"),
		},
		QuotaName: m.QuotaName.ValueString(), QuotaHard: q(m.QuotaHard, "quota_hard"),
		PSPPolicy: m.PSPPolicyName.ValueString(), ServiceAccounts: listStrings(m.ServiceAccounts, path.Root("service_accounts"), diags),
		Meta: metaFrom(m.Labels, m.Annotations, diags),
	}
}

// outputs fills the rendered outputs: the manifests (also keyed by kind), YAML, JSON, the
// labels and the Fargate size.
func (m *namespaceModel) outputs(ctx context.Context, res render.NamespaceResult, diags *diag.Diagnostics) {
	named := res.Objects()
	objs := make([]any, len(named))
	for i, n := range named {
		objs[i] = n.Object
	}
	out, err := encodeOutputs(objs...)
	if err != nil {
		diags.AddError("Cannot encode the namespace's objects", err.Error())
		return
	}
	byKind := make(map[string]map[string]any, len(named))
	for i, n := range named {
		byKind[n.Key] = out.Maps[i]
	}
	if m.ManifestsByKind, err = manifestsByKeyValue(byKind); err != nil {
		diags.AddError("Cannot encode the namespace's objects", err.Error())
		return
	}
	var d diag.Diagnostics
	m.PodSecurityLabels, d = types.MapValueFrom(ctx, types.StringType, res.PodSecurityLabels)
	diags.Append(d...)
	m.FargatePodSize = fargateSizeValue(res.FargatePodSize, diags)
	m.ID, m.Manifests, m.YAML, m.JSON = out.ID, out.Manifest, out.YAML, out.JSON
}

// checkNamespaceVersion refuses a PodSecurityPolicy on profile.PSPRemovedIn or later, and
// a cluster without any pod security mechanism (no Pod Security Admission, no policy). It
// returns whether Pod Security Admission works on the version. A version that does not
// parse is the validator's to report.
func checkNamespaceVersion(v string, psp bool, from string, diags *diag.Diagnostics) (psaWorks bool) {
	parsed, err := k8sversion.Parse(v)
	if err != nil {
		return true
	}
	if psp && parsed.AtLeast(profile.PSPRemovedIn()) {
		diags.AddAttributeError(path.Root("psp_policy_name"), "PodSecurityPolicy does not exist in Kubernetes "+parsed.String(),
			withSource(render.PSPRemovedMessage(parsed.String())+" Drop psp_policy_name: the namespace's Pod Security Admission labels take its place.", from))
	}
	if _, err := render.PodSecurityVersionFor(v); err != nil {
		if !psp {
			diags.AddAttributeError(path.Root("kubernetes_version"), psaNeedsSummary(),
				withSource(err.Error(), from)+". On this cluster only a PodSecurityPolicy protects the namespace: set psp_policy_name.")
		}
		return false
	}
	return true
}
