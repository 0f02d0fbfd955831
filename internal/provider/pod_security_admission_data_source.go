package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

// levelAttribute is a Pod Security Standards level attribute.
func levelAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, Computed: true, MarkdownDescription: description,
		Validators: []validator.String{stringvalidator.OneOf(profile.Levels()...)},
	}
}

// psaKubernetesVersionAttribute is kubernetes_version for data sources that render PSA labels.
func psaKubernetesVersionAttribute(extra string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The cluster's Kubernetes version (e.g. `1.31`). Pod Security Admission needs 1.23 or later " +
			"(GA in 1.25): an older version is an error. Defaults to the cluster's version when the provider has an `eks` " +
			"block; otherwise unset." + extra,
		Validators: []validator.String{kubernetesVersion()},
	}
}

func (d *podSecurityAdmissionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders the Pod Security Admission labels of a namespace, PodSecurityPolicy's built-in successor " +
			"(Kubernetes 1.23+, GA in 1.25): `pod-security.kubernetes.io/<mode>` and `<mode>-version` for the modes `enforce` " +
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
	if !m.KubernetesVersion.IsNull() && !m.KubernetesVersion.IsUnknown() {
		if _, err := k8sversion.Parse(m.KubernetesVersion.ValueString()); err == nil { // a parse error is the validator's
			if _, err := admission.PSAVersion(m.KubernetesVersion.ValueString()); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("kubernetes_version"), "Pod Security Admission needs Kubernetes 1.23", err.Error())
			}
		}
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

// refusePSALabels refuses user labels under pod-security.kubernetes.io/: the levels own them.
func refusePSALabels(ctx context.Context, labels types.Map, attrName string, diags *diag.Diagnostics) {
	if labels.IsNull() || labels.IsUnknown() {
		return
	}
	keys := make([]string, 0, len(labels.Elements()))
	for k := range labels.Elements() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, admission.LabelPrefix) {
			diags.AddAttributeError(path.Root(attrName).AtMapKey(k), "Pod Security Admission label set by hand",
				fmt.Sprintf("%s[%q]: %s labels come from the levels (profile, enforce, audit, warn) and their version: set those instead", attrName, k, admission.LabelPrefix+"*"))
		}
	}
}

// psaLevels resolves the three modes: each mode's own attribute, else profile, else (audit
// and warn) enforce, else restricted.
type psaLevels struct {
	profile, enforce, audit, warn profile.Level
}

func resolveLevels(prof, enforce, audit, warn types.String) psaLevels {
	lv := func(v types.String) profile.Level {
		if v.IsNull() || v.IsUnknown() {
			return ""
		}
		return profile.Level(v.ValueString())
	}
	out := psaLevels{profile: lv(prof), enforce: lv(enforce), audit: lv(audit), warn: lv(warn)}
	if out.enforce == "" {
		out.enforce = out.profile
	}
	if out.enforce == "" {
		out.enforce = profile.Restricted
	}
	for _, m := range []*profile.Level{&out.audit, &out.warn} {
		if *m == "" {
			*m = out.profile
		}
		if *m == "" {
			*m = out.enforce
		}
	}
	if out.profile == "" && enforce.IsNull() && audit.IsNull() && warn.IsNull() {
		out.profile = profile.Restricted
	}
	return out
}

// psaVersionFor resolves the version label value. from says where a
// defaulted kubernetes_version came from. It reports errors on kubernetes_version.
func psaVersionFor(version, kubernetesVersion types.String, from string, diags *diag.Diagnostics) string {
	v, err := admission.PSAVersion(kubernetesVersion.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("kubernetes_version"), "Pod Security Admission needs Kubernetes 1.23", withSource(err.Error(), from))
		return ""
	}
	if !version.IsNull() {
		return version.ValueString()
	}
	return v
}

// privilegedWarning: enforce privileged outside kube-system is what EPS107 flags.
func privilegedWarning(enforce profile.Level, namespace string, at path.Path, diags *diag.Diagnostics) {
	if enforce == profile.Privileged && namespace != profile.SystemNamespace {
		ns := "the namespace"
		if namespace != "" {
			ns = fmt.Sprintf("namespace %q", namespace)
		}
		diags.AddAttributeWarning(at, "Pod Security Admission enforces nothing",
			fmt.Sprintf("enforce = privileged lets any pod into %s, including privileged ones and ones that mount the host "+
				"(plan-check reports it as EPS107 outside kube-system). Enforce baseline or restricted, and keep agents that "+
				"need privileges in kube-system.", ns))
	}
}

func (d *podSecurityAdmissionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if deferUnknown(ctx, req.Config, &resp.State, map[string]attr.Value{
		"id": types.StringUnknown(), "labels": types.MapUnknown(types.StringType), "manifest": types.DynamicUnknown(),
		"yaml": types.StringUnknown(), "json": types.StringUnknown(), "profile": types.StringUnknown(), "enforce": types.StringUnknown(),
		"audit": types.StringUnknown(), "warn": types.StringUnknown(), "version": types.StringUnknown(), "kubernetes_version": types.StringUnknown(),
	}, &resp.Diagnostics) {
		return
	}
	var m podSecurityAdmissionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var from string
	m.KubernetesVersion, from = defaultVersion(m.KubernetesVersion, d.facts, &resp.Diagnostics)
	version := psaVersionFor(m.Version, m.KubernetesVersion, from, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	lv := resolveLevels(m.Profile, m.Enforce, m.Audit, m.Warn)
	labels := admission.PSALabels(admission.PSAOptions{Enforce: lv.enforce, Audit: lv.audit, Warn: lv.warn, Version: version})
	at := path.Root("enforce")
	if m.Enforce.IsNull() {
		at = path.Root("profile")
	}
	privilegedWarning(lv.enforce, m.Namespace.ValueString(), at, &resp.Diagnostics)

	labelsValue, diags := types.MapValueFrom(ctx, types.StringType, labels)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	sumInput, err := json.Marshal(labels) // map keys are sorted: stable
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the labels", err.Error())
		return
	}
	m.Manifest, m.YAML, m.JSON = types.DynamicNull(), types.StringNull(), types.StringNull()
	if !m.Namespace.IsNull() {
		extra := mapStrings(m.NamespaceLabels, path.Root("namespace_labels"), &resp.Diagnostics)
		annotations := mapStrings(m.NamespaceAnnotations, path.Root("namespace_annotations"), &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		out, err := encodeOutputs(admission.Namespace(m.Namespace.ValueString(), labels, extra, annotations))
		if err != nil {
			resp.Diagnostics.AddError("Cannot encode the Namespace", err.Error())
			return
		}
		m.Manifest, m.YAML, m.JSON = out.Manifest, out.YAML, out.JSON
		sumInput = append(sumInput, out.YAML.ValueString()...)
	}
	sum := sha256.Sum256(sumInput)
	m.ID = types.StringValue(hex.EncodeToString(sum[:]))
	m.Labels = labelsValue
	if lv.profile != "" {
		m.Profile = types.StringValue(string(lv.profile))
	}
	m.Enforce, m.Audit, m.Warn = types.StringValue(string(lv.enforce)), types.StringValue(string(lv.audit)), types.StringValue(string(lv.warn))
	m.Version = types.StringValue(version)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
