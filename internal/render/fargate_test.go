package render

import (
	"fmt"
	"strings"
	"testing"
)

// TestLimitRangeFargate: with Fargate, the LimitRange says what a pod taking its defaults
// is billed for, warns where the defaults waste a Fargate size or leave a request out, and
// refuses defaults Fargate cannot run.
func TestLimitRangeFargate(t *testing.T) {
	req := func(cpu, mem string) *ContainerLimits {
		r := map[string]string{}
		if cpu != "" {
			r["cpu"] = cpu
		}
		if mem != "" {
			r["memory"] = mem
		}
		return &ContainerLimits{DefaultRequest: r}
	}
	for name, tc := range map[string]struct {
		container    *ContainerLimits
		size         string
		path, detail string // the warning, or none
	}{
		"small defaults sit at the floor": {req("100m", "128Mi"), "0.25 vCPU / 0.5 GB", "", ""},
		"rounding below twice":            {req("600m", "1Gi"), "1 vCPU / 2 GB", "", ""},
		"memory the tier forces": {req("1", "512Mi"), "1 vCPU / 2 GB", "[container default_request]",
			"is billed as 1 vCPU / 2 GB: it needs 768 MiB (512 MiB requested + 256 MiB Fargate adds) of the 2048 MiB billed. Requests up to 1 vCPU and 1792Mi cost the same."},
		"overhead pushes the tier": {req("250m", "2Gi"), "0.5 vCPU / 3 GB", "[container default_request]",
			"the pod requests 0.25 vCPU of the 0.5 billed; Fargate's 256 MiB pushes it from 0.25 vCPU to 0.5 vCPU. Requests up to 0.5 vCPU and 2816Mi cost the same. A default memory request of at most 1792Mi keeps it at 0.25 vCPU."},
		"defaults as requests": {&ContainerLimits{Default: map[string]string{"cpu": "2", "memory": "256Mi"}}, "2 vCPU / 4 GB", "[container default]",
			"it needs 512 MiB"},
		"no memory default":   {req("250m", ""), "0.25 vCPU / 0.5 GB", "[fargate]", "no default memory request"},
		"no container limits": {nil, "0.25 vCPU / 0.5 GB", "[fargate]", "no default cpu or memory request"},
	} {
		t.Run(name, func(t *testing.T) {
			spec := LimitRangeSpec{Name: "defaults", Namespace: "web", Fargate: true, Container: tc.container}
			if tc.container == nil {
				spec.Pod = &MinMax{Max: map[string]string{"cpu": "1"}}
			}
			res, err := LimitRange(spec, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if res.FargatePodSize == nil || res.FargatePodSize.String() != tc.size {
				t.Errorf("size %v, want %s", res.FargatePodSize, tc.size)
			}
			w := res.Warnings
			if tc.detail == "" {
				if len(w) != 0 {
					t.Errorf("unexpected warnings %v", w)
				}
				return
			}
			if len(w) != 1 || fmt.Sprint(w[0].Path) != tc.path || !strings.Contains(w[0].Msg, tc.detail) || w[0].Summary == "" {
				t.Errorf("warnings %+v\nwant at %s: %s", w, tc.path, tc.detail)
			}
		})
	}
	// without Fargate: no size, no warning
	res, err := LimitRange(LimitRangeSpec{Name: "d", Namespace: "w", Container: req("250m", "")}, Meta{})
	if err != nil || res.FargatePodSize != nil || len(res.Warnings) != 0 {
		t.Errorf("without Fargate: %+v %v", res, err)
	}
}

// TestLimitRangeTooBigForFargate: defaults beyond Fargate's largest size are an error on
// the defaults that size the pod; the warnings found before it stand.
func TestLimitRangeTooBigForFargate(t *testing.T) {
	for _, tc := range []struct {
		container *ContainerLimits
		path      string
		warnings  int
	}{
		{&ContainerLimits{DefaultRequest: map[string]string{"cpu": "17", "memory": "1Gi"}}, "[container default_request]", 0},
		{&ContainerLimits{Default: map[string]string{"cpu": "1", "memory": "200Gi"}}, "[container default]", 0},
		{&ContainerLimits{DefaultRequest: map[string]string{"cpu": "17"}}, "[container default_request]", 1},
	} {
		res, err := LimitRange(LimitRangeSpec{Name: "d", Namespace: "w", Fargate: true, Container: tc.container}, Meta{})
		fes, ok := err.(FieldErrors)
		if !ok || len(fes) != 1 || fmt.Sprint(fes[0].Path) != tc.path || fes[0].Summary != "Too big for Fargate" ||
			!strings.Contains(fes[0].Msg, "more than Fargate's largest configuration, 16 vCPU / 120 GB") {
			t.Errorf("%+v: %v", tc.container, err)
		}
		if res.LimitRange != nil || res.FargatePodSize != nil || len(res.Warnings) != tc.warnings {
			t.Errorf("%+v: result %+v", tc.container, res)
		}
	}
}
