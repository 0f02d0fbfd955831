package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/admission"
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

// The namespace's defaults.
func namespaceDefaults() (limit, request, hard map[string]string) {
	d := profile.DefaultNamespace()
	return d.ContainerDefault, d.ContainerDefaultRequest, d.QuotaHard
}

var (
	defaultLimitRangeName = profile.DefaultNamespace().LimitRangeName
	defaultQuotaName      = profile.DefaultNamespace().QuotaName
)

// hclObject renders a map as an HCL object literal, for descriptions and messages.
func hclObject(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		key := k
		if strings.ContainsAny(k, "./") {
			key = fmt.Sprintf("%q", k)
		}
		parts = append(parts, fmt.Sprintf("%s = %q", key, m[k]))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// hclList renders a list of strings as an HCL tuple literal, for descriptions and messages.
func hclList(list []string) string {
	parts := make([]string, 0, len(list))
	for _, s := range list {
		parts = append(parts, fmt.Sprintf("%q", s))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func (d *namespaceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_namespace"
}

func (d *namespaceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.facts = factsFrom(req, resp)
}

func (d *namespaceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	const compute = "compute resource name (cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource such as nvidia.com/gpu)"
	limit, request, hard := namespaceDefaults()
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
			"and, for clusters older than 1.25 with `psp_policy_name`, the RBAC that lets the namespace's service accounts " +
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
			"kubernetes_version": psaKubernetesVersionAttribute(" With `psp_policy_name`, 1.25 or later is an error (PodSecurityPolicy " +
				"is gone), and below 1.23 the labels are rendered (version `latest`) with a warning that only the PodSecurityPolicy protects the namespace."),
			"limit_range_name": schema.StringAttribute{
				Optional: true, Computed: true, MarkdownDescription: "The LimitRange's name. Defaults to `" + defaultLimitRangeName + "`.",
				Validators: []validator.String{dnsSubdomain()},
			},
			"container_default":                 containerMap("The limit set on a container that declares none. Defaults to `"+hclObject(limit)+"`.", true),
			"container_default_request":         containerMap("The request set on a container that declares none. Defaults to `"+hclObject(request)+"`.", true),
			"container_min":                     containerMap("The least a container may request. Default: none.", false),
			"container_max":                     containerMap("The most a container may ask as a limit. Default: none.", false),
			"container_max_limit_request_ratio": containerMap("The largest limit/request ratio allowed (at least 1). Default: none.", false),
			"quota_name": schema.StringAttribute{
				Optional: true, Computed: true, MarkdownDescription: "The ResourceQuota's name. Defaults to `" + defaultQuotaName + "`.",
				Validators: []validator.String{dnsSubdomain()},
			},
			"quota_hard": schema.MapAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The ResourceQuota's hard limits, resource name → quantity (as `ekspodsec_resource_quota`'s `hard`). " +
					"Defaults to `" + hclObject(hard) + "`; a map you give replaces it, and one without all of requests/limits " +
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
				MarkdownDescription: "For clusters older than 1.25: the PodSecurityPolicy the namespace's service accounts may use. " +
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

// checkNamespaceVersion refuses a PodSecurityPolicy on 1.25 or later, and a cluster
// without any pod security mechanism (below 1.23, no policy). It returns whether Pod
// Security Admission works on the version. A version that does not parse is the
// validator's to report.
func checkNamespaceVersion(v string, psp bool, from string, diags *diag.Diagnostics) (psaWorks bool) {
	parsed, err := k8sversion.Parse(v)
	if err != nil {
		return true
	}
	if psp && parsed.AtLeast(profile.PSPRemovedIn()) {
		diags.AddAttributeError(path.Root("psp_policy_name"), "PodSecurityPolicy does not exist in Kubernetes "+parsed.String(),
			withSource(render.PSPRemovedMessage(parsed.String())+" Drop psp_policy_name: the namespace's Pod Security Admission labels take its place.", from))
	}
	if _, err := admission.PSAVersion(v); err != nil {
		if !psp {
			diags.AddAttributeError(path.Root("kubernetes_version"), "Pod Security Admission needs Kubernetes 1.23",
				withSource(err.Error(), from)+". On this cluster only a PodSecurityPolicy protects the namespace: set psp_policy_name.")
		}
		return false
	}
	return true
}

func (d *namespaceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if deferUnknown(ctx, req.Config, &resp.State, unknownOutputs(map[string]attr.Value{
		"manifests": types.DynamicUnknown(), "manifests_by_kind": types.DynamicUnknown(), "pod_security_labels": types.MapUnknown(types.StringType),
		"profile": types.StringUnknown(), "audit": types.StringUnknown(), "warn": types.StringUnknown(),
		"pod_security_version": types.StringUnknown(), "kubernetes_version": types.StringUnknown(),
		"limit_range_name": types.StringUnknown(), "container_default": types.MapUnknown(types.StringType),
		"container_default_request": types.MapUnknown(types.StringType), "quota_name": types.StringUnknown(),
		"quota_hard": types.MapUnknown(types.StringType), "fargate": types.BoolUnknown(),
		"fargate_pod_size": types.ObjectUnknown(fargateSizeType.AttrTypes),
	}), &resp.Diagnostics) {
		return
	}
	var m namespaceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns := m.Name.ValueString()
	psp := !m.PSPPolicyName.IsNull()

	// Versions: the cluster's, Pod Security Admission's, and whether a PSP may exist.
	var from string
	m.KubernetesVersion, from = defaultVersion(m.KubernetesVersion, d.facts, &resp.Diagnostics)
	labelVersion := "latest"
	if !m.KubernetesVersion.IsNull() {
		if checkNamespaceVersion(m.KubernetesVersion.ValueString(), psp, from, &resp.Diagnostics) {
			if v, err := admission.PSAVersion(m.KubernetesVersion.ValueString()); err == nil {
				labelVersion = v
			}
		} else if psp {
			resp.Diagnostics.AddAttributeWarning(path.Root("kubernetes_version"), "Pod Security Admission labels have no effect yet",
				withSource(fmt.Sprintf("Kubernetes %s has no Pod Security Admission (1.23 or later): the labels are rendered for after an upgrade "+
					"(version latest), and until then only the PodSecurityPolicy %q protects the namespace.", m.KubernetesVersion.ValueString(), m.PSPPolicyName.ValueString()), from))
		}
	} else if psp {
		resp.Diagnostics.AddAttributeWarning(path.Root("psp_policy_name"), "PodSecurityPolicy needs a cluster older than Kubernetes 1.25",
			"kubernetes_version is not set. PodSecurityPolicy was removed in Kubernetes 1.25: set kubernetes_version for a legacy cluster, or drop psp_policy_name.")
	}
	if !m.PodSecurityVersion.IsNull() {
		labelVersion = m.PodSecurityVersion.ValueString()
	}
	if resp.Diagnostics.HasError() {
		return
	}
	lv := resolveLevels(m.Profile, types.StringNull(), m.Audit, m.Warn)
	psaLabels := admission.PSALabels(admission.PSAOptions{Enforce: lv.enforce, Audit: lv.audit, Warn: lv.warn, Version: labelVersion})
	privilegedWarning(lv.enforce, ns, path.Root("profile"), &resp.Diagnostics)

	meta := metaFrom(m.Labels, m.Annotations, &resp.Diagnostics)
	q := func(v types.Map, name string, def map[string]string) map[string]string {
		if v.IsNull() {
			return def
		}
		return mapStrings(v, path.Root(name), &resp.Diagnostics)
	}
	defLimit, defRequest, defHard := namespaceDefaults()
	lrName := m.LimitRangeName.ValueString()
	if m.LimitRangeName.IsNull() {
		lrName = defaultLimitRangeName
	}
	quotaName := m.QuotaName.ValueString()
	if m.QuotaName.IsNull() {
		quotaName = defaultQuotaName
	}
	limits := &render.ContainerLimits{
		Default: q(m.ContainerDefault, "container_default", defLimit), DefaultRequest: q(m.ContainerDefaultRequest, "container_default_request", defRequest),
		Min: q(m.ContainerMin, "container_min", nil), Max: q(m.ContainerMax, "container_max", nil),
		MaxLimitRequestRatio: q(m.ContainerMaxLimitRequestRatio, "container_max_limit_request_ratio", nil),
	}
	hard := q(m.QuotaHard, "quota_hard", defHard)
	serviceAccounts := listStrings(m.ServiceAccounts, path.Root("service_accounts"), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	// The objects.
	defaulted := map[string]string{}
	if m.ContainerDefault.IsNull() {
		defaulted["container_default"] = hclObject(defLimit)
	}
	if m.ContainerDefaultRequest.IsNull() {
		defaulted["container_default_request"] = hclObject(defRequest)
	}
	nsObj := admission.Namespace(ns, psaLabels, meta.Labels, meta.Annotations)
	lr, err := render.LimitRange(render.LimitRangeSpec{Name: lrName, Namespace: ns, Container: limits}, meta)
	if err != nil {
		namespaceFieldDiagnostics(err, "Invalid LimitRange", defaulted, &resp.Diagnostics)
	}
	quota, warnings, err := render.ResourceQuota(render.QuotaSpec{Name: quotaName, Namespace: ns, Hard: hard}, meta)
	if err != nil {
		namespaceFieldDiagnostics(err, "Invalid ResourceQuota", nil, &resp.Diagnostics)
	}
	for _, w := range warnings {
		resp.Diagnostics.AddAttributeWarning(path.Root("quota_hard"), "Pods are not forced to declare requests and limits", w)
	}
	objs := []any{nsObj, lr, quota}
	kinds := []string{"namespace", "limit_range", "resource_quota"}
	if psp {
		policy := m.PSPPolicyName.ValueString()
		cr, rbs, err := render.PolicyRBAC(policy, render.RoleName(policy)+":"+ns,
			[]render.Binding{{Namespace: ns, ServiceAccounts: serviceAccounts}}, meta)
		if err != nil {
			namespaceFieldDiagnostics(err, "Cannot grant use of the policy", nil, &resp.Diagnostics)
		} else {
			objs = append(objs, cr, rbs[0])
			kinds = append(kinds, "cluster_role", "role_binding")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Fargate.
	if m.Fargate.IsNull() {
		m.Fargate = types.BoolValue(d.facts.usable("fargate", &resp.Diagnostics) && fargateFor(ns, d.facts, "fargate", &resp.Diagnostics))
	}
	m.FargatePodSize = types.ObjectNull(fargateSizeType.AttrTypes)
	if m.Fargate.ValueBool() {
		m.FargatePodSize = fargatePodSize(lr, defaultsPaths{
			DefaultRequest: path.Root("container_default_request"), Default: path.Root("container_default"), Fargate: path.Root("fargate"),
		}, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	out, err := encodeOutputs(objs...)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the namespace's objects", err.Error())
		return
	}
	byKind := make(map[string]map[string]any, len(kinds))
	for i, k := range kinds {
		byKind[k] = out.Maps[i]
	}
	byKindValue, err := manifestsByKeyValue(byKind)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the namespace's objects", err.Error())
		return
	}
	var diags diag.Diagnostics
	m.PodSecurityLabels, diags = types.MapValueFrom(ctx, types.StringType, psaLabels)
	resp.Diagnostics.Append(diags...)
	m.ContainerDefault, diags = types.MapValueFrom(ctx, types.StringType, limits.Default)
	resp.Diagnostics.Append(diags...)
	m.ContainerDefaultRequest, diags = types.MapValueFrom(ctx, types.StringType, limits.DefaultRequest)
	resp.Diagnostics.Append(diags...)
	m.QuotaHard, diags = types.MapValueFrom(ctx, types.StringType, hard)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Profile, m.Audit, m.Warn = types.StringValue(string(lv.enforce)), types.StringValue(string(lv.audit)), types.StringValue(string(lv.warn))
	m.PodSecurityVersion = types.StringValue(labelVersion)
	m.LimitRangeName, m.QuotaName = types.StringValue(lrName), types.StringValue(quotaName)
	m.ID, m.Manifests, m.ManifestsByKind, m.YAML, m.JSON = out.ID, out.Manifest, byKindValue, out.YAML, out.JSON
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// namespaceFieldDiagnostics reports the renderers' field errors at this data source's
// attributes: the LimitRange's container.<x> is container_<x>, its name limit_range_name;
// the quota's hard is quota_hard, its name quota_name; the RBAC's binding is the
// namespace's own (service_accounts, psp_policy_name); a namespace is name. A defaulted
// attribute's error says what its default is.
func namespaceFieldDiagnostics(err error, summary string, defaulted map[string]string, diags *diag.Diagnostics) {
	err = remapFieldErrors(err, func(p []any) []any {
		first, _ := p[0].(string)
		second, _ := at(p, 1).(string)
		switch {
		case first == "container" && second != "":
			return append([]any{"container_" + second}, p[2:]...)
		case first == "hard":
			return append([]any{"quota_hard"}, p[1:]...)
		case first == "binding" && at(p, 2) == "service_accounts":
			return append([]any{"service_accounts"}, p[3:]...)
		case first == "binding" || first == "namespace":
			return []any{"name"}
		case first == "policy_name":
			return []any{"psp_policy_name"}
		case first == "name" && summary == "Invalid LimitRange":
			return []any{"limit_range_name"}
		case first == "name" && summary == "Invalid ResourceQuota":
			return []any{"quota_name"}
		}
		return p
	})
	fes, ok := err.(render.FieldErrors)
	if !ok {
		diags.AddError(summary, err.Error())
		return
	}
	var notes []string
	for _, name := range []string{"container_default", "container_default_request"} {
		if defaulted[name] != "" {
			notes = append(notes, fmt.Sprintf("%s is not set: its default is %s", name, defaulted[name]))
		}
	}
	for i := range fes {
		if len(notes) > 0 {
			fes[i].Msg += " (" + strings.Join(notes, "; ") + ")"
		}
	}
	fieldDiagnostics(fes, summary, diags)
}

// at is p[i], or nil past its end.
func at(p []any, i int) any {
	if i < len(p) {
		return p[i]
	}
	return nil
}
