package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
)

// Fargate sizing of a pod that takes a LimitRange's defaults.
//
// The pod sized is the one a LimitRange exists for: one container that declares no
// requests or limits, so the LimitRange gives it default_request (or, where that lacks a
// resource, default, as Kubernetes does). eks.FargateSize rounds its request plus
// Fargate's 256 MB up to a Fargate configuration.
//
// Waste threshold (a warning): above Fargate's smallest configuration (0.25 vCPU / 0.5 GB,
// which nothing can go below), the billed vCPU is at least twice the CPU requested, or the
// billed memory is at least twice the memory requested plus the 256 MB; or the 256 MB
// alone pushes the pod into a higher vCPU tier than its request needs. Twice is where at
// least half of what is paid for cannot be used by the pod; below that, rounding to
// Fargate's coarse steps is expected.

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

// defaultsPaths name the attributes of a container's defaults, for diagnostics.
type defaultsPaths struct {
	DefaultRequest, Default, Fargate path.Path
}

// fargatePodSize sizes a pod taking the LimitRange's container defaults. It reports an
// error when the pod cannot run on Fargate at all, and warnings for missing defaults and
// for waste; it returns the fargate_pod_size value (null after an error).
func fargatePodSize(lr *corev1.LimitRange, at defaultsPaths, diags *diag.Diagnostics) types.Object {
	var item *corev1.LimitRangeItem
	for i := range lr.Spec.Limits {
		if lr.Spec.Limits[i].Type == corev1.LimitTypeContainer {
			item = &lr.Spec.Limits[i]
		}
	}
	var cpu, mem int64
	var missing []string
	reqAt := at.DefaultRequest
	if item != nil && len(item.DefaultRequest) == 0 && len(item.Default) > 0 {
		reqAt = at.Default // the defaults are the requests too
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		var q resource.Quantity
		ok := false
		if item != nil {
			if q, ok = item.DefaultRequest[r]; !ok {
				q, ok = item.Default[r]
			}
		}
		switch {
		case !ok:
			missing = append(missing, string(r))
		case r == corev1.ResourceCPU:
			cpu = eks.MilliValue(q)
		default:
			mem = eks.Value(q)
		}
	}
	if len(missing) > 0 {
		diags.AddAttributeWarning(at.Fargate, "Fargate pods without a default request",
			fmt.Sprintf("The LimitRange gives no default %s request (neither default_request nor default): a Fargate pod whose containers "+
				"declare none is sized without it, at least 0.25 vCPU / 0.5 GB, and plan-check reports such pods (EPS022). "+
				"Set default_request for cpu and memory.", strings.Join(missing, " or ")))
	}
	size, ok := eks.FargateSize(cpu, mem)
	if !ok {
		diags.AddAttributeError(reqAt, "Too big for Fargate",
			fmt.Sprintf("A pod taking the defaults requests %s vCPU and %d MiB (plus Fargate's %d MiB): more than Fargate's largest "+
				"configuration, 16 vCPU / 120 GB. Fargate would never schedule it: lower the defaults.", vcpu(cpu), mib(mem), eks.FargateOverheadMiB))
		return types.ObjectNull(fargateSizeType.AttrTypes)
	}
	if msg := fargateWaste(cpu, mem, size); msg != "" {
		diags.AddAttributeWarning(reqAt, "The defaults waste a Fargate size", msg)
	}
	obj, d := types.ObjectValue(fargateSizeType.AttrTypes, map[string]attr.Value{
		"vcpu":      types.Float64Value(float64(size.MilliCPU) / 1000),
		"memory_gb": types.Float64Value(float64(size.MemoryMiB) / 1024),
		"summary":   types.StringValue(size.String()),
	})
	diags.Append(d...)
	return obj
}

// fargateWaste explains how a request wastes its Fargate size, or returns "".
func fargateWaste(cpu, mem int64, size eks.Size) string {
	smallest, _ := eks.FargateSize(0, 0)
	if size == smallest {
		return ""
	}
	needMiB := mib(mem) + eks.FargateOverheadMiB
	var why []string
	if cpu > 0 && size.MilliCPU >= 2*cpu {
		why = append(why, fmt.Sprintf("the pod requests %s vCPU of the %s billed", vcpu(cpu), vcpu(size.MilliCPU)))
	}
	if mem > 0 && size.MemoryMiB >= 2*needMiB {
		why = append(why, fmt.Sprintf("it needs %d MiB (%d MiB requested + %d MiB Fargate adds) of the %d MiB billed",
			needMiB, mib(mem), eks.FargateOverheadMiB, size.MemoryMiB))
	}
	var lower string
	without, _ := eks.FargateSize(cpu, max(mem-eks.FargateOverheadMiB<<20, 0))
	if without.MilliCPU < size.MilliCPU {
		limit := largestMemoryAt(cpu, without.MilliCPU)
		why = append(why, fmt.Sprintf("Fargate's %d MiB pushes it from %s vCPU to %s vCPU", eks.FargateOverheadMiB, vcpu(without.MilliCPU), vcpu(size.MilliCPU)))
		lower = fmt.Sprintf(" A default memory request of at most %dMi keeps it at %s vCPU.", limit, vcpu(without.MilliCPU))
	}
	if len(why) == 0 {
		return ""
	}
	return fmt.Sprintf("A pod taking the defaults (%s vCPU, %d MiB) is billed as %s: %s. Requests up to %s vCPU and %dMi cost the same.%s",
		vcpu(cpu), mib(mem), size, strings.Join(why, "; "), vcpu(size.MilliCPU), size.MemoryMiB-eks.FargateOverheadMiB, lower)
}

// largestMemoryAt is the largest memory request (MiB) that, with cpu, still fits a
// configuration of tier milli vCPU.
func largestMemoryAt(cpu, milli int64) int64 {
	lo, hi := int64(0), int64(128<<10) // MiB
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s, ok := eks.FargateSize(cpu, mid<<20); ok && s.MilliCPU <= milli {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

func mib(bytes int64) int64 { return eks.MiB(bytes) }

func vcpu(milli int64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", float64(milli)/1000), "0"), ".")
}
