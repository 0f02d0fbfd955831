package render

import (
	"fmt"
	"strings"

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

// fargateSizing sizes a pod taking the LimitRange's container defaults, with warnings
// for missing defaults (on fargate) and for waste (on the defaults), and an error on the
// defaults when the pod cannot run on Fargate at all. Paths are LimitRangeSpec's.
func fargateSizing(lr *corev1.LimitRange) (*eks.Size, []Warning, FieldErrors) {
	var item *corev1.LimitRangeItem
	for i := range lr.Spec.Limits {
		if lr.Spec.Limits[i].Type == corev1.LimitTypeContainer {
			item = &lr.Spec.Limits[i]
		}
	}
	var warnings []Warning
	var cpu, mem int64
	var missing []string
	reqAt := []any{"container", "default_request"}
	if item != nil && len(item.DefaultRequest) == 0 && len(item.Default) > 0 {
		reqAt = []any{"container", "default"} // the defaults are the requests too
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
		warnings = append(warnings, Warning{Path: []any{"fargate"}, Summary: "Fargate pods without a default request",
			Msg: fmt.Sprintf("The LimitRange gives no default %s request (neither default_request nor default): a Fargate pod whose containers "+
				"declare none is sized without it, at least 0.25 vCPU / 0.5 GB, and plan-check reports such pods (EPS022). "+
				"Set default_request for cpu and memory.", strings.Join(missing, " or "))})
	}
	size, ok := eks.FargateSize(cpu, mem)
	if !ok {
		return nil, warnings, FieldErrors{{Path: reqAt, Summary: "Too big for Fargate",
			Msg: fmt.Sprintf("A pod taking the defaults requests %s vCPU and %d MiB (plus Fargate's %d MiB): more than Fargate's largest "+
				"configuration, 16 vCPU / 120 GB. Fargate would never schedule it: lower the defaults.", vcpu(cpu), eks.MiB(mem), eks.FargateOverheadMiB)}}
	}
	if msg := fargateWaste(cpu, mem, size); msg != "" {
		warnings = append(warnings, Warning{Path: reqAt, Summary: "The defaults waste a Fargate size", Msg: msg})
	}
	return &size, warnings, nil
}

// fargateWaste explains how a request wastes its Fargate size, or returns "".
func fargateWaste(cpu, mem int64, size eks.Size) string {
	smallest, _ := eks.FargateSize(0, 0)
	if size == smallest {
		return ""
	}
	needMiB := eks.MiB(mem) + eks.FargateOverheadMiB
	var why []string
	if cpu > 0 && size.MilliCPU >= 2*cpu {
		why = append(why, fmt.Sprintf("the pod requests %s vCPU of the %s billed", vcpu(cpu), vcpu(size.MilliCPU)))
	}
	if mem > 0 && size.MemoryMiB >= 2*needMiB {
		why = append(why, fmt.Sprintf("it needs %d MiB (%d MiB requested + %d MiB Fargate adds) of the %d MiB billed",
			needMiB, eks.MiB(mem), eks.FargateOverheadMiB, size.MemoryMiB))
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
		vcpu(cpu), eks.MiB(mem), size, strings.Join(why, "; "), vcpu(size.MilliCPU), size.MemoryMiB-eks.FargateOverheadMiB, lower)
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

func vcpu(milli int64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", float64(milli)/1000), "0"), ".")
}
