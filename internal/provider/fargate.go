package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
)

// The fargate and fargate_pod_size attributes of the data sources that render a
// LimitRange (render sizes the pod, see render/fargate.go).

// fargateSizeType is the object type of fargate_pod_size.
var fargateSizeType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"vcpu":      types.Float64Type,
	"memory_gb": types.Float64Type,
	"summary":   types.StringType,
}}

func fargateAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Whether the namespace's pods run on EKS Fargate: `fargate_pod_size` then says what a pod taking " +
			"the defaults is billed for, with a warning when the defaults waste a Fargate size. Defaults to whether a " +
			"Fargate profile selector of the provider's `eks` cluster takes the whole namespace (a selector that also " +
			"needs pod labels does not: that is a warning, and `fargate` stays `false`); without an `eks` block, to `false`.",
	}
}

func fargatePodSizeAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Computed: true,
		MarkdownDescription: "With `fargate`: the Fargate configuration a pod is billed for when its one container declares no " +
			"requests and takes the defaults (`default_request`, else `default`), after Fargate adds 256 MB and rounds up " +
			"to its vCPU/memory combinations. Null without `fargate`.",
		Attributes: map[string]schema.Attribute{
			"vcpu":      schema.Float64Attribute{Computed: true, MarkdownDescription: "vCPU billed, e.g. `0.25`."},
			"memory_gb": schema.Float64Attribute{Computed: true, MarkdownDescription: "Memory billed in GB as Fargate counts them (GiB), e.g. `0.5`."},
			"summary":   schema.StringAttribute{Computed: true, MarkdownDescription: "Both, e.g. `0.25 vCPU / 0.5 GB`."},
		},
	}
}

// fargateSizeValue is the fargate_pod_size of a size (null without one).
func fargateSizeValue(size *eks.Size, diags *diag.Diagnostics) types.Object {
	if size == nil {
		return types.ObjectNull(fargateSizeType.AttrTypes)
	}
	obj, d := types.ObjectValue(fargateSizeType.AttrTypes, map[string]attr.Value{
		"vcpu":      types.Float64Value(float64(size.MilliCPU) / 1000),
		"memory_gb": types.Float64Value(float64(size.MemoryMiB) / 1024),
		"summary":   types.StringValue(size.String()),
	})
	diags.Append(d...)
	return obj
}
