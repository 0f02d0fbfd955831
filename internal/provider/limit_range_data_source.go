package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

var (
	_ datasource.DataSource                     = (*limitRangeDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*limitRangeDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*limitRangeDataSource)(nil)
)

// NewLimitRangeDataSource renders a LimitRange.
func NewLimitRangeDataSource() datasource.DataSource { return &limitRangeDataSource{} }

type limitRangeDataSource struct {
	facts *clusterFacts
}

type containerLimitsModel struct {
	Default              types.Map `tfsdk:"default"`
	DefaultRequest       types.Map `tfsdk:"default_request"`
	Min                  types.Map `tfsdk:"min"`
	Max                  types.Map `tfsdk:"max"`
	MaxLimitRequestRatio types.Map `tfsdk:"max_limit_request_ratio"`
}

type minMaxModel struct {
	Min types.Map `tfsdk:"min"`
	Max types.Map `tfsdk:"max"`
}

type limitRangeModel struct {
	Name                  types.String          `tfsdk:"name"`
	Namespace             types.String          `tfsdk:"namespace"`
	Container             *containerLimitsModel `tfsdk:"container"`
	Pod                   *minMaxModel          `tfsdk:"pod"`
	PersistentVolumeClaim *minMaxModel          `tfsdk:"persistent_volume_claim"`
	Fargate               types.Bool            `tfsdk:"fargate"`
	Labels                types.Map             `tfsdk:"labels"`
	Annotations           types.Map             `tfsdk:"annotations"`

	ID             types.String  `tfsdk:"id"`
	Manifest       types.Dynamic `tfsdk:"manifest"`
	YAML           types.String  `tfsdk:"yaml"`
	JSON           types.String  `tfsdk:"json"`
	FargatePodSize types.Object  `tfsdk:"fargate_pod_size"`
}

func (d *limitRangeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.facts = factsFrom(req, resp)
}

func (d *limitRangeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_limit_range"
}

func (d *limitRangeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	const compute = "compute resource name (cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource such as nvidia.com/gpu)"
	const storage = "storage resource name: storage"
	containerMap := func(d string) schema.MapAttribute {
		return quantityMap(d+" Keys are resource names (`cpu`, `memory`, `ephemeral-storage`, …), values Kubernetes quantities (`500m`, `256Mi`).",
			render.ComputeResourcePattern, compute)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders a LimitRange: default requests and limits for containers that declare none, and " +
			"bounds on what they may ask. The guide's advice is that every pod declares requests and limits; a " +
			"LimitRange fills them in for pods that forget. Quantities are checked (`min ≤ default_request ≤ default ≤ max` " +
			"for every resource) and rendered canonically (`0.5` becomes `500m`), so the output is stable. With `fargate` " +
			"(set, or found from the provider's `eks` cluster), `fargate_pod_size` is what Fargate bills a pod that takes " +
			"the defaults, with a warning when the defaults waste a size: above the smallest (0.25 vCPU / 0.5 GB), billed " +
			"vCPU at least twice the CPU requested, billed memory at least twice the memory requested plus Fargate's 256 MB, " +
			"or the 256 MB alone pushing the pod into the next vCPU tier.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The LimitRange's `metadata.name`.",
				Validators: []validator.String{dnsSubdomain()},
			},
			"namespace": schema.StringAttribute{
				Required: true, MarkdownDescription: "The namespace the LimitRange applies to.",
				Validators: []validator.String{dnsLabel()},
			},
			"fargate":          fargateAttribute(),
			"fargate_pod_size": fargatePodSizeAttribute(),
			"labels":           labelsAttribute(),
			"annotations":      annotationsAttribute(),
			"id":               idAttribute(),
			"manifest":         manifestAttribute("LimitRange"),
			"yaml":             yamlAttribute(false),
			"json":             jsonAttribute(false),
		},
		Blocks: map[string]schema.Block{
			"container": schema.SingleNestedBlock{
				MarkdownDescription: "Limits for each container (LimitRange item of type `Container`).",
				Attributes: map[string]schema.Attribute{
					"default":                 containerMap("The limit set on a container that declares none."),
					"default_request":         containerMap("The request set on a container that declares none."),
					"min":                     containerMap("The least a container may request."),
					"max":                     containerMap("The most a container may ask as a limit."),
					"max_limit_request_ratio": containerMap("The largest limit/request ratio allowed (at least 1)."),
				},
			},
			"pod": schema.SingleNestedBlock{
				MarkdownDescription: "Bounds on the sum over a pod's containers (LimitRange item of type `Pod`).",
				Attributes: map[string]schema.Attribute{
					"min": containerMap("The least a pod's containers may request in total."),
					"max": containerMap("The most a pod's containers may ask in total."),
				},
			},
			"persistent_volume_claim": schema.SingleNestedBlock{
				MarkdownDescription: "Bounds on the storage a PersistentVolumeClaim may request (item of type `PersistentVolumeClaim`).",
				Attributes: map[string]schema.Attribute{
					"min": quantityMap("The least storage a claim may request, e.g. `{ storage = \"1Gi\" }`.", `^storage$`, storage),
					"max": quantityMap("The most storage a claim may request, e.g. `{ storage = \"100Gi\" }`.", `^storage$`, storage),
				},
			},
		},
	}
}

func (d *limitRangeDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.AtLeastOneOf(path.MatchRoot("container"), path.MatchRoot("pod"), path.MatchRoot("persistent_volume_claim")),
	}
}

// limitRangeFields: the renderer's fields are this data source's attributes.
var limitRangeFields = fieldTable{
	{from: f("name"), to: f("name")},
	{from: f("namespace"), to: f("namespace")},
	{from: f("container"), to: f("container")},
	{from: f("pod"), to: f("pod")},
	{from: f("persistent_volume_claim"), to: f("persistent_volume_claim")},
	{from: f("fargate"), to: f("fargate")},
	{from: f("labels"), to: f("labels")},
	{from: f("annotations"), to: f("annotations")},
}

func (d *limitRangeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m limitRangeModel
	if !readConfig(ctx, req, resp, unknownOutputs(map[string]attr.Value{
		"manifest": types.DynamicUnknown(), "fargate": types.BoolUnknown(), "fargate_pod_size": types.ObjectUnknown(fargateSizeType.AttrTypes),
	}), &m) {
		return
	}
	spec, meta := m.spec(&resp.Diagnostics)
	m.Fargate = d.facts.fargate(m.Fargate, spec.Namespace, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	spec.Fargate = m.Fargate.ValueBool()
	res, err := render.LimitRange(spec, meta)
	limitRangeFields.report(res.Decisions, err, "Invalid LimitRange", &resp.Diagnostics)
	if err != nil {
		return
	}
	out, err := encodeOutputs(res.Objects()...)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the LimitRange", err.Error())
		return
	}
	m.FargatePodSize = fargateSizeValue(res.FargatePodSize, &resp.Diagnostics)
	m.ID, m.Manifest, m.YAML, m.JSON = out.ID, out.Manifest, out.YAML, out.JSON
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// spec is the renderer's input from the configuration.
func (m limitRangeModel) spec(diags *diag.Diagnostics) (render.LimitRangeSpec, render.Meta) {
	q := func(v types.Map, block, name string) map[string]string {
		return mapStrings(v, path.Root(block).AtName(name), diags)
	}
	spec := render.LimitRangeSpec{Name: m.Name.ValueString(), Namespace: m.Namespace.ValueString()}
	if c := m.Container; c != nil {
		spec.Container = &render.ContainerLimits{
			Default: q(c.Default, "container", "default"), DefaultRequest: q(c.DefaultRequest, "container", "default_request"),
			Min: q(c.Min, "container", "min"), Max: q(c.Max, "container", "max"),
			MaxLimitRequestRatio: q(c.MaxLimitRequestRatio, "container", "max_limit_request_ratio"),
		}
	}
	if p := m.Pod; p != nil {
		spec.Pod = &render.MinMax{Min: q(p.Min, "pod", "min"), Max: q(p.Max, "pod", "max")}
	}
	if p := m.PersistentVolumeClaim; p != nil {
		spec.PVC = &render.MinMax{Min: q(p.Min, "persistent_volume_claim", "min"), Max: q(p.Max, "persistent_volume_claim", "max")}
	}
	return spec, metaFrom(m.Labels, m.Annotations, diags)
}
