package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

// Checks more than one data source makes, in ValidateConfig (as soon as values are known)
// and in Read (on values defaulted from the cluster).

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
		if strings.HasPrefix(k, render.PodSecurityLabelPrefix) {
			diags.AddAttributeError(path.Root(attrName).AtMapKey(k), "Pod Security Admission label set by hand",
				fmt.Sprintf("%s[%q]: %s labels come from the levels (profile, enforce, audit, warn) and their version: set those instead", attrName, k, render.PodSecurityLabelPrefix+"*"))
		}
	}
}

// levelOf is a level attribute's level ("" when null or unknown).
func levelOf(v types.String) profile.Level {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return profile.Level(v.ValueString())
}

// psaNeedsSummary titles the refusal of a cluster without Pod Security Admission.
func psaNeedsSummary() string {
	return "Pod Security Admission needs Kubernetes " + profile.PSAMinimum().String()
}

// noPSA is why Pod Security Admission cannot run on a kubernetes_version, or nil (also for
// a null, unknown or unparsable version: the validator reports the last).
func noPSA(v types.String) error {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	if _, err := k8sversion.Parse(v.ValueString()); err != nil {
		return nil
	}
	_, err := render.PodSecurityVersionFor(v.ValueString())
	return err
}

// levelRefusals reports, on each element, what the profile level refuses of the options:
// every capability, hostPath or every volume, the whole host or a runtime socket (the
// profile's own decisions, shared with the render CLI). Names that are wrong whatever the
// level are the attribute validators' to report. Unknown elements wait for Read.
func levelRefusals(level profile.Level, caps, volumes, hostPaths types.List, diags *diag.Diagnostics) {
	for i, c := range caps.Elements() {
		if s, ok := c.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			if _, err := profile.AllowedCapability(level, s.ValueString()); errors.Is(err, profile.ErrEveryCapability) {
				at := path.Root("allowed_capabilities").AtListIndex(i)
				diags.AddAttributeError(at, "Every capability allowed", fmt.Sprintf("%s: %s (profile %s).", at, err, level))
			}
		}
	}
	for i, v := range volumes.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			_, err := profile.AdditionalVolume(level, s.ValueString())
			at := path.Root("additional_volumes").AtListIndex(i)
			switch {
			case errors.Is(err, profile.ErrHostPathVolume):
				diags.AddAttributeError(at, "hostPath allowed wholesale", fmt.Sprintf("%s: %s: list the host paths pods may mount in allowed_host_paths.", at, err))
			case errors.Is(err, profile.ErrEveryVolume):
				diags.AddAttributeError(at, "Every volume type allowed", fmt.Sprintf("%s: %s (profile %s).", at, err, level))
			}
		}
	}
	for i, hp := range hostPaths.Elements() {
		o, ok := hp.(types.Object)
		if !ok || o.IsNull() || o.IsUnknown() {
			continue
		}
		if s, ok := o.Attributes()["path_prefix"].(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			if _, err := profile.AllowedHostPath(level, s.ValueString()); errors.Is(err, profile.ErrWholeHost) || errors.Is(err, profile.ErrRuntimeSocket) {
				at := path.Root("allowed_host_paths").AtListIndex(i).AtName("path_prefix")
				diags.AddAttributeError(at, "Host path prefix refused", fmt.Sprintf("%s: %s (profile %s).", at, err, level))
			}
		}
	}
}
