package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	admissionv1 "k8s.io/api/admissionregistration/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/admission"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
	catalogue "github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

var (
	_ datasource.DataSource                   = (*validatingAdmissionPolicyDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*validatingAdmissionPolicyDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*validatingAdmissionPolicyDataSource)(nil)
)

// NewValidatingAdmissionPolicyDataSource renders a ValidatingAdmissionPolicy and its binding.
func NewValidatingAdmissionPolicyDataSource() datasource.DataSource {
	return &validatingAdmissionPolicyDataSource{}
}

type validatingAdmissionPolicyDataSource struct {
	facts *clusterFacts
}

type validatingAdmissionPolicyModel struct {
	Name                 types.String `tfsdk:"name"`
	ValidationActions    types.List   `tfsdk:"validation_actions"`
	NamespaceSelector    types.Map    `tfsdk:"namespace_selector"`
	ExemptNamespaces     types.List   `tfsdk:"exempt_namespaces"`
	AllowedHostPaths     types.List   `tfsdk:"allowed_host_paths"`
	FargateSelectors     types.List   `tfsdk:"fargate_selectors"`
	PodSecurityStandards types.Bool   `tfsdk:"pod_security_standards"`
	AllowedCapabilities  types.List   `tfsdk:"allowed_capabilities"`
	AdditionalRules      types.List   `tfsdk:"additional_rules"`
	KubernetesVersion    types.String `tfsdk:"kubernetes_version"`
	Labels               types.Map    `tfsdk:"labels"`

	ID        types.String  `tfsdk:"id"`
	Policy    types.Dynamic `tfsdk:"policy"`
	Binding   types.Dynamic `tfsdk:"binding"`
	Manifests types.Dynamic `tfsdk:"manifests"`
	YAML      types.String  `tfsdk:"yaml"`
	JSON      types.String  `tfsdk:"json"`
	Rules     types.List    `tfsdk:"rules"`
}

// fargateSelectorType is the object type of one fargate_selectors element.
var fargateSelectorType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"namespace": types.StringType,
	"labels":    types.MapType{ElemType: types.StringType},
}}

func (d *validatingAdmissionPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_validating_admission_policy"
}

func (d *validatingAdmissionPolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.facts = factsFrom(req, resp)
}

// fargateNamespaceRE is an EKS Fargate selector namespace: a namespace name that may use
// the wildcards * and ?.
var fargateNamespaceRE = regexp.MustCompile(`^[a-z0-9*?]([-a-z0-9*?]{0,61}[a-z0-9*?])?$`)

// fargateLabelValueRE is a selector label value: a label value that may use * and ?.
var fargateLabelValueRE = regexp.MustCompile(`^([A-Za-z0-9*?]([-A-Za-z0-9_.*?]{0,61}[A-Za-z0-9*?])?)?$`)

// validationActions are the binding's validation actions.
func validationActions() []string { return []string{"Deny", "Warn", "Audit"} }

func (d *validatingAdmissionPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders a ValidatingAdmissionPolicy and its binding (`admissionregistration.k8s.io/v1`, Kubernetes " + profile.VAPMinimum().String() + "+) " +
			"whose CEL validations enforce the ekspodsec rules Pod Security Admission does not cover: hostPath only under " +
			"allowed prefixes and read-only (EPS005–EPS007), no container runtime socket (EPS008), no Docker-in-Docker " +
			"image (EPS009), requests and limits on pods (EPS014, EPS015), what Fargate refuses on pods its profiles select " +
			"(EPS019), and with `pod_security_standards` the restricted-level rules too (EPS001–EPS004, EPS010–EPS013, EPS016) " +
			"for clusters that want one mechanism, and with `additional_rules` the current guide's and the peers' workload " +
			"rules (read-only root filesystems, pinned images, Secrets in environment variables, Fargate sizing, ...). " +
			"Every validation's message starts with its rule ID. It checks pods and " +
			"every workload with a pod template (Deployments, DaemonSets, StatefulSets, ReplicaSets, ReplicationControllers, " +
			"Jobs, CronJobs, PodTemplates) on create and update.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The policy's and the binding's `metadata.name`. Defaults to `ekspodsec-pod-security`.",
				Validators:          []validator.String{dnsSubdomain()},
			},
			"validation_actions": schema.ListAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "What the binding does with a violation: `Deny` (refuse the request), `Warn` (a warning to the " +
					"client), `Audit` (an audit annotation). Defaults to `[\"Deny\"]`. Kubernetes refuses `Deny` with `Warn`; start " +
					"with `[\"Warn\", \"Audit\"]` to see what a policy would refuse.",
				Validators: []validator.List{
					noNullElements(), listvalidator.SizeAtLeast(1), uniqueStrings(),
					listvalidator.ValueStringsAre(stringvalidator.OneOf(validationActions()...)),
				},
			},
			"namespace_selector": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Only namespaces with all these labels are checked (the binding's `namespaceSelector.matchLabels`). Default: every namespace but `exempt_namespaces`.",
				Validators:          labelValidators(),
			},
			"exempt_namespaces": schema.ListAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Namespaces never checked. Defaults to `" + render.FormatValue(profile.ExemptNamespaces()) + "`, where EKS's own agents (aws-node, " +
					"kube-proxy) need host access; `[]` exempts nothing, with a warning.",
				Validators: stringListValidators(true, dnsLabel()),
			},
			"allowed_host_paths": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "hostPath prefixes pods may mount, read-only (EPS006 requires `readOnly` on every hostPath mount). " +
					"Prefixes match whole path segments (`/var/log` allows `/var/log/pods`, not `/var/logs`); `..` is never allowed. " +
					"Without any, hostPath volumes are refused (EPS005). `/` (the whole host) and a prefix that holds a container " +
					"runtime socket (`/run`, `/var/run`, `/run/containerd`, …) are refused, as for a restricted PodSecurityPolicy.",
				Validators: []validator.List{noNullElements()},
				NestedObject: schema.NestedAttributeObject{Validators: []validator.Object{requiredAttributes("path_prefix")}, Attributes: map[string]schema.Attribute{
					"path_prefix": pathPrefixAttribute(),
				}},
			},
			"fargate_selectors": schema.ListNestedAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The selectors of the cluster's Fargate profiles: pods they select get the Fargate rules " +
					"(EPS019: no privileged containers, hostNetwork, hostPort, added capabilities or DaemonSets). Defaults to " +
					"every selector of every Fargate profile of the provider's `eks` cluster; without an `eks` block, to none.",
				Validators: []validator.List{noNullElements()},
				NestedObject: schema.NestedAttributeObject{Validators: []validator.Object{requiredAttributes("namespace")}, Attributes: map[string]schema.Attribute{
					"namespace": schema.StringAttribute{
						Optional: true, MarkdownDescription: "The namespace, as in the Fargate profile: `*` and `?` are wildcards. Required in each element.",
						Validators: []validator.String{stringvalidator.RegexMatches(fargateNamespaceRE, "must be a namespace name, with * and ? as wildcards")},
					},
					"labels": schema.MapAttribute{
						Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Labels a pod must carry to be selected; values may use `*` and `?`.",
						Validators: []validator.Map{noNullValues(), mapvalidator.KeysAre(labelKey()),
							mapvalidator.ValueStringsAre(stringvalidator.RegexMatches(fargateLabelValueRE, "must be a label value, with * and ? as wildcards"))},
					},
				}},
			},
			"pod_security_standards": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Also enforce the restricted Pod Security Standards rules (EPS001–EPS004, EPS010–EPS013, EPS016) in " +
					"this policy, for a cluster that uses one mechanism instead of Pod Security Admission labels. Defaults to `false`.",
			},
			"allowed_capabilities": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "With `pod_security_standards`: the Linux capabilities containers may add (EPS012; upper case, " +
					"without `CAP_`). Defaults to `" + render.FormatValue(profile.DefaultAllowedCapabilities()) + "`. `ALL` and `*` are refused.",
				Validators: stringListValidators(true, capabilityName()),
			},
			"additional_rules": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Also enforce these rules, which the policy leaves out unless asked because they refuse pods " +
					"today's policies admit: " + additionalRulesDoc() + ". Rules that judge Fargate pods apply to the pods " +
					"`fargate_selectors` select (with none, they add nothing: a warning says so). Defaults to none.",
				Validators: stringListValidators(true, stringvalidator.OneOf(additionalRuleIDs()...)),
			},
			"kubernetes_version": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The cluster's Kubernetes version (e.g. `1.31`). ValidatingAdmissionPolicy is served as " +
					"`admissionregistration.k8s.io/v1` from " + profile.VAPMinimum().String() + ": an older version is an error. Defaults to the cluster's version " +
					"when the provider has an `eks` block; otherwise unset.",
				Validators: []validator.String{kubernetesVersion()},
			},
			"labels": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Labels added to the policy and the binding.",
				Validators:          labelValidators(),
			},
			"id":     idAttribute(),
			"policy": manifestAttribute("ValidatingAdmissionPolicy"),
			"binding": schema.DynamicAttribute{Computed: true,
				MarkdownDescription: "The ValidatingAdmissionPolicyBinding as an object, ready for `kubernetes_manifest`'s `manifest`. Apply it after the policy (`depends_on`)."},
			"manifests": schema.DynamicAttribute{Computed: true,
				MarkdownDescription: "The policy then the binding, as a tuple of objects."},
			"yaml": yamlAttribute(true),
			"json": jsonAttribute(true),
			"rules": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The IDs of the rules the policy enforces, sorted (e.g. `[\"EPS005\", \"EPS006\", …]`): " +
					"each validation's message starts with its ID, and `docs/rules/<ID>.md` explains it.",
			},
		},
	}
}

// additionalRuleIDs are the rules additional_rules may name.
func additionalRuleIDs() []string {
	var out []string
	for _, r := range catalogue.OptInRules() {
		out = append(out, r.ID)
	}
	return out
}

// additionalRulesDoc lists the additional rules with their titles for the attribute's docs.
func additionalRulesDoc() string {
	var parts []string
	for _, r := range catalogue.OptInRules() {
		s := "`" + r.ID + "` (" + r.Title
		if r.CEL.NeedsFargate {
			s += "; Fargate"
		}
		if r.DefaultOff {
			s += "; off by default in plan-check"
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}

func (d *validatingAdmissionPolicyDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m validatingAdmissionPolicyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := vapVersionError(m.KubernetesVersion); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("kubernetes_version"), vapNeedsSummary(), err.Error())
	}
	if !m.ValidationActions.IsNull() && !m.ValidationActions.IsUnknown() {
		actions := knownStrings(m.ValidationActions)
		if slices.Contains(actions, "Deny") && slices.Contains(actions, "Warn") {
			resp.Diagnostics.AddAttributeError(path.Root("validation_actions"), "Deny and Warn together",
				`validation_actions ["Deny", "Warn"]: Kubernetes refuses the binding (a denied request already returns the message). Use ["Deny"], ["Deny", "Audit"], or ["Warn", "Audit"] to try the policy first.`)
		}
	}
	if !m.AllowedCapabilities.IsNull() && !m.AllowedCapabilities.IsUnknown() {
		if !m.PodSecurityStandards.IsUnknown() && !m.PodSecurityStandards.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("allowed_capabilities"), "Capabilities without pod_security_standards",
				"allowed_capabilities sets what EPS012 allows, and EPS012 is checked only with pod_security_standards = true: set it, or drop allowed_capabilities.")
		}
	}
	// The policy's rules are the restricted level's: the profile refuses the same options
	// there as for a restricted PodSecurityPolicy.
	levelRefusals(profile.Restricted, m.AllowedCapabilities, types.ListNull(types.StringType), m.AllowedHostPaths, &resp.Diagnostics)
}

// clusterFargateSelectors are every selector of every Fargate profile, sorted and without
// duplicates, so the output does not depend on the order the API lists them in.
func clusterFargateSelectors(profiles []eks.FargateProfile) []eks.Selector {
	seen := map[string]bool{}
	var out []eks.Selector
	for _, p := range profiles {
		for _, s := range p.Selectors {
			if seen[s.String()] {
				continue
			}
			seen[s.String()] = true
			var labels map[string]string
			if len(s.Labels) > 0 {
				labels = make(map[string]string, len(s.Labels))
				for k, v := range s.Labels {
					labels[k] = v
				}
			}
			out = append(out, eks.Selector{Namespace: s.Namespace, Labels: labels})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return eks.Selector{Namespace: out[i].Namespace, Labels: out[i].Labels}.String() < eks.Selector{Namespace: out[j].Namespace, Labels: out[j].Labels}.String()
	})
	return out
}

// fargateSelectorsValue is the fargate_selectors list of selectors.
func fargateSelectorsValue(ctx context.Context, sels []eks.Selector, diags *diag.Diagnostics) types.List {
	elems := make([]attr.Value, 0, len(sels))
	for _, s := range sels {
		labels := types.MapNull(types.StringType)
		if len(s.Labels) > 0 {
			var d diag.Diagnostics
			labels, d = types.MapValueFrom(ctx, types.StringType, s.Labels)
			diags.Append(d...)
		}
		obj, d := types.ObjectValue(fargateSelectorType.AttrTypes, map[string]attr.Value{"namespace": types.StringValue(s.Namespace), "labels": labels})
		diags.Append(d...)
		elems = append(elems, obj)
	}
	l, d := types.ListValue(fargateSelectorType, elems)
	diags.Append(d...)
	return l
}

func (d *validatingAdmissionPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m validatingAdmissionPolicyModel
	if !readConfig(ctx, req, resp, unknownOutputs(map[string]attr.Value{
		"policy": types.DynamicUnknown(), "binding": types.DynamicUnknown(), "manifests": types.DynamicUnknown(),
		"rules": types.ListUnknown(types.StringType), "name": types.StringUnknown(), "validation_actions": types.ListUnknown(types.StringType),
		"exempt_namespaces": types.ListUnknown(types.StringType), "fargate_selectors": types.ListUnknown(fargateSelectorType),
		"kubernetes_version": types.StringUnknown(),
	}), &m) {
		return
	}
	var from string
	m.KubernetesVersion, from = defaultVersion(m.KubernetesVersion, d.facts, &resp.Diagnostics)
	if err := vapVersionError(m.KubernetesVersion); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("kubernetes_version"), vapNeedsSummary(), withSource(err.Error(), from))
	}
	opts := m.spec(d.facts, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	policy, binding := admission.Policy(opts)
	m.outputs(ctx, opts, policy, binding, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// spec is the policy's options from the configuration (and the cluster's Fargate
// profiles): capabilities normalized, host paths cleaned, what the restricted profile
// refuses refused on its attribute, exempt_namespaces defaulted.
func (m validatingAdmissionPolicyModel) spec(facts *clusterFacts, diags *diag.Diagnostics) admission.VAPOptions {
	opts := admission.VAPOptions{
		Name:                 m.Name.ValueString(),
		PodSecurityStandards: m.PodSecurityStandards.ValueBool(),
		ValidationActions:    listStrings(m.ValidationActions, path.Root("validation_actions"), diags),
		NamespaceSelector:    mapStrings(m.NamespaceSelector, path.Root("namespace_selector"), diags),
		Labels:               mapStrings(m.Labels, path.Root("labels"), diags),
		ExemptNamespaces:     profile.ExemptNamespaces(),
	}
	if caps := listStrings(m.AllowedCapabilities, path.Root("allowed_capabilities"), diags); !m.AllowedCapabilities.IsNull() {
		opts.AllowedCapabilities = make([]string, 0, len(caps))
		for i, c := range caps {
			n, err := profile.AllowedCapability(profile.Restricted, c)
			if err != nil {
				at := path.Root("allowed_capabilities").AtListIndex(i)
				diags.AddAttributeError(at, "Invalid capability", fmt.Sprintf("%s: %s.", at, err))
				continue
			}
			opts.AllowedCapabilities = append(opts.AllowedCapabilities, n)
		}
		sort.Strings(opts.AllowedCapabilities)
		opts.AllowedCapabilities = slices.Compact(opts.AllowedCapabilities)
	}
	if !m.ExemptNamespaces.IsNull() {
		// [] is meaningful (exempt nothing): keep it non-nil
		opts.ExemptNamespaces = append([]string{}, listStrings(m.ExemptNamespaces, path.Root("exempt_namespaces"), diags)...)
		if !slices.Contains(opts.ExemptNamespaces, profile.SystemNamespace) {
			diags.AddAttributeWarning(path.Root("exempt_namespaces"), profile.SystemNamespace+" is checked",
				fmt.Sprintf("exempt_namespaces does not list %[1]s: EKS's own agents there (aws-node mounts hostPath and runs privileged, "+
					"kube-proxy uses hostNetwork) would be refused on their next update unless namespace_selector leaves %[1]s out.", profile.SystemNamespace))
		}
	}
	for _, hp := range listObjects(m.AllowedHostPaths, path.Root("allowed_host_paths"), diags) {
		prefix := hp.String("path_prefix", true, diags)
		clean, err := profile.AllowedHostPath(profile.Restricted, prefix)
		if err != nil {
			at := hp.Path.AtName("path_prefix")
			diags.AddAttributeError(at, "Invalid host path prefix", fmt.Sprintf("%s: %s.", at, err))
			continue
		}
		opts.AllowedHostPaths = append(opts.AllowedHostPaths, profile.HostPath{PathPrefix: clean, ReadOnly: true})
	}
	if m.FargateSelectors.IsNull() {
		if facts.usable("fargate_selectors", diags) {
			opts.Fargate = clusterFargateSelectors(facts.Profiles)
		}
	} else {
		for _, s := range listObjects(m.FargateSelectors, path.Root("fargate_selectors"), diags) {
			opts.Fargate = append(opts.Fargate, eks.Selector{Namespace: s.String("namespace", true, diags), Labels: s.Map("labels", diags)})
		}
	}
	opts.AdditionalRules = listStrings(m.AdditionalRules, path.Root("additional_rules"), diags)
	if err := admission.CheckAdditionalRules(opts.AdditionalRules); err != nil {
		diags.AddAttributeError(path.Root("additional_rules"), "Not an additional rule", err.Error())
	}
	if len(opts.Fargate) == 0 {
		for i, id := range opts.AdditionalRules {
			if r, ok := catalogue.Lookup(id); ok && r.CEL != nil && r.CEL.NeedsFargate {
				diags.AddAttributeWarning(path.Root("additional_rules").AtListIndex(i), id+" needs Fargate selectors",
					id+" judges only pods that Fargate profiles select, and the policy knows no Fargate selector (fargate_selectors, or the provider's eks block): it adds nothing.")
			}
		}
	}
	return opts
}

// outputs fills the rendered outputs and the computed attributes (the rules enforced,
// the validation actions, and what defaulted).
func (m *validatingAdmissionPolicyModel) outputs(ctx context.Context, opts admission.VAPOptions,
	policy *admissionv1.ValidatingAdmissionPolicy, binding *admissionv1.ValidatingAdmissionPolicyBinding, diags *diag.Diagnostics) {
	out, err := encodeOutputs(policy, binding)
	if err != nil {
		diags.AddError("Cannot encode the policy", err.Error())
		return
	}
	if m.Policy, err = manifestValue(out.Maps[0]); err != nil {
		diags.AddError("Cannot encode the ValidatingAdmissionPolicy", err.Error())
		return
	}
	if m.Binding, err = manifestValue(out.Maps[1]); err != nil {
		diags.AddError("Cannot encode the ValidatingAdmissionPolicyBinding", err.Error())
		return
	}
	var rules []string
	for _, v := range admission.Validations(opts) {
		rules = append(rules, v.Rule)
	}
	sort.Strings(rules)
	var d diag.Diagnostics
	m.Rules, d = types.ListValueFrom(ctx, types.StringType, rules)
	diags.Append(d...)
	m.ValidationActions, d = types.ListValueFrom(ctx, types.StringType, binding.Spec.ValidationActions)
	diags.Append(d...)
	if m.ExemptNamespaces.IsNull() {
		m.ExemptNamespaces, d = types.ListValueFrom(ctx, types.StringType, opts.ExemptNamespaces)
		diags.Append(d...)
	}
	if m.FargateSelectors.IsNull() {
		m.FargateSelectors = fargateSelectorsValue(ctx, opts.Fargate, diags)
	}
	m.Name = types.StringValue(policy.Name)
	m.ID, m.Manifests, m.YAML, m.JSON = out.ID, out.Manifest, out.YAML, out.JSON
}

// vapVersionError is the error for a cluster too old for ValidatingAdmissionPolicy v1, or
// nil (also for a null, unknown or unparsable version: the validator reports the last).
func vapVersionError(v types.String) error {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	if _, err := k8sversion.Parse(v.ValueString()); err != nil {
		return nil
	}
	return admission.CheckVersion(v.ValueString())
}

// vapNeedsSummary titles the refusal of a cluster too old for the policy.
func vapNeedsSummary() string {
	return "ValidatingAdmissionPolicy needs Kubernetes " + profile.VAPMinimum().String()
}
