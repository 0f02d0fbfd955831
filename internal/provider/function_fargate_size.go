package provider

import (
	"context"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
)

var _ function.Function = (*fargateSizeFunction)(nil)

// NewFargateSizeFunction is provider::ekspodsec::fargate_size.
func NewFargateSizeFunction() function.Function { return &fargateSizeFunction{} }

type fargateSizeFunction struct{}

// fargateBillType is the result's type.
var fargateBillType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"vcpu":               types.Float64Type,
	"memory_gb":          types.Float64Type,
	"summary":            types.StringType,
	"request_millicpu":   types.NumberType,
	"request_memory_mib": types.NumberType,
	"note":               types.StringType,
}}

func (f *fargateSizeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "fargate_size"
}

func (f *fargateSizeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "What EKS Fargate bills a workload's pods",
		MarkdownDescription: "Returns the vCPU and memory EKS Fargate bills each pod of a workload, as plan-check's " +
			"Fargate report computes it ([Fargate pod configuration](https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html)): " +
			"the larger of the largest init container request and the sum of the long-running containers' (sidecars " +
			"included; a limit stands in for a missing request), plus the 256 MB Fargate adds, rounded up to the next " +
			"vCPU/memory configuration; a pod that requests nothing gets the smallest, 0.25 vCPU / 0.5 GB. `object` is " +
			"one Pod or one object with a pod template, written as for `kubernetes_manifest` (a typed resource through " +
			"`provider::ekspodsec::kubernetes_object`); the function assumes a Fargate profile selects it.\n\n" +
			"The result is an object: `vcpu` and `memory_gb` (GB as Fargate counts them, GiB), `summary` " +
			"(`\"0.5 vCPU / 1 GB\"`), `request_millicpu` and `request_memory_mib` (the pod's request, before the 256 MB), " +
			"and `note`, null unless the pod has no size: a DaemonSet (which never runs on Fargate: everything else " +
			"null), or a pod requesting more than Fargate's largest configuration, 16 vCPU / 120 GB (`vcpu`, " +
			"`memory_gb` and `summary` null). When the requests are not known until apply the sizes and requests are " +
			"unknown and `note` says so; an unknown `object` gives an unknown result.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name:                "object",
				AllowUnknownValues:  true,
				MarkdownDescription: "One workload as `kubernetes_manifest` takes it.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: fargateBillType.AttrTypes},
	}
}

func (f *fargateSizeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	guarded("fargate_size", resp, func() { f.run(ctx, req, resp) })
}

func (f *fargateSizeFunction) run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var arg types.Dynamic
	if resp.Error = req.Arguments.Get(ctx, &arg); resp.Error != nil {
		return
	}
	s, unknown, ferr := workloadArgument(ctx, "fargate_size", arg)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	if unknown {
		resp.Error = resp.Result.Set(ctx, types.ObjectUnknown(fargateBillType.AttrTypes))
		return
	}
	b := plancheck.FargateBillOf(s)
	v := map[string]attr.Value{
		"vcpu": types.Float64Null(), "memory_gb": types.Float64Null(), "summary": types.StringNull(),
		"request_millicpu": types.NumberNull(), "request_memory_mib": types.NumberNull(), "note": types.StringNull(),
	}
	if b.Note != "" {
		v["note"] = types.StringValue(b.Note)
	}
	switch {
	case b.RequestsUnknown:
		for _, k := range []string{"vcpu", "memory_gb"} {
			v[k] = types.Float64Unknown()
		}
		v["summary"] = types.StringUnknown()
		v["request_millicpu"], v["request_memory_mib"] = types.NumberUnknown(), types.NumberUnknown()
	case s.Kind == "DaemonSet":
	default:
		v["request_millicpu"] = types.NumberValue(new(big.Float).SetInt64(b.RequestMilliCPU))
		v["request_memory_mib"] = types.NumberValue(new(big.Float).SetInt64(b.RequestMemoryMiB))
		if b.Sized {
			v["vcpu"] = types.Float64Value(float64(b.Size.MilliCPU) / 1000)
			v["memory_gb"] = types.Float64Value(float64(b.Size.MemoryMiB) / 1024)
			v["summary"] = types.StringValue(b.Size.String())
		}
	}
	obj, diags := types.ObjectValue(fargateBillType.AttrTypes, v)
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, obj)
}
