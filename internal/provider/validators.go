package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/api/resource"
	apipath "k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

// funcValidator is a string validator from a check function; the error becomes an
// attribute-pathed diagnostic.
type funcValidator struct {
	desc  string
	check func(string) error
}

func (v funcValidator) Description(context.Context) string         { return v.desc }
func (v funcValidator) MarkdownDescription(context.Context) string { return v.desc }
func (v funcValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.desc, req.Path.String()+": "+err.Error())
	}
}

func hostPathPrefix() validator.String {
	return funcValidator{"host path prefix", func(s string) error {
		_, err := profile.CleanHostPath(s)
		return err
	}}
}

func capabilityName() validator.String {
	return funcValidator{"capability", func(s string) error {
		n, err := profile.NormalizeCapability(s)
		if err != nil {
			return err
		}
		if n != strings.TrimSpace(s) {
			return fmt.Errorf("write %q as %q (upper case, without CAP_)", s, n)
		}
		return nil
	}}
}

// additionalVolume takes a volume type name, except hostPath: host paths are allowed by
// prefix (allowed_host_paths), never wholesale.
func additionalVolume() validator.String {
	return funcValidator{"volume type", func(s string) error {
		if s == "hostPath" {
			return fmt.Errorf("hostPath is not allowed wholesale: list the host paths pods may mount in allowed_host_paths (read-only by default), as the guide asks")
		}
		if !slices.Contains(profile.VolumeTypes(), s) {
			return fmt.Errorf("%q is not a volume type: want one of %s", s, strings.Join(profile.VolumeTypes(), ", "))
		}
		return nil
	}}
}

func kubernetesVersion() validator.String {
	return funcValidator{"Kubernetes version", func(s string) error {
		_, err := k8sversion.Parse(s)
		return err
	}}
}

// dnsSubdomain validates object names (RFC 1123 subdomain, as Kubernetes does).
func dnsSubdomain() validator.String {
	return funcValidator{"Kubernetes name", func(s string) error {
		if errs := validation.IsDNS1123Subdomain(s); len(errs) > 0 {
			return fmt.Errorf("%q: %s", s, strings.Join(errs, "; "))
		}
		return nil
	}}
}

// dnsLabel validates namespace names (RFC 1123 label).
func dnsLabel() validator.String {
	return funcValidator{"namespace name", func(s string) error {
		if errs := validation.IsDNS1123Label(s); len(errs) > 0 {
			return fmt.Errorf("%q: %s", s, strings.Join(errs, "; "))
		}
		return nil
	}}
}

var groupRE = regexp.MustCompile(`^[^\s]+$`)

// bindableGroup refuses the groups that stand for everyone (the guide's warning).
func bindableGroup() validator.String {
	return funcValidator{"group", func(s string) error {
		if msg := render.ForbiddenGroupMessage(s); msg != "" {
			return fmt.Errorf("%s", msg)
		}
		if !groupRE.MatchString(s) {
			return fmt.Errorf("%q is not a group name", s)
		}
		return nil
	}}
}

// rbacName validates ClusterRole and RoleBinding names: any path segment name, so
// "psp:restricted" is fine.
func rbacName() validator.String {
	return funcValidator{"RBAC name", func(s string) error {
		if s == "" {
			return fmt.Errorf("the name must not be empty")
		}
		if errs := apipath.IsValidPathSegmentName(s); len(errs) > 0 {
			return fmt.Errorf("%q: %s", s, strings.Join(errs, "; "))
		}
		return nil
	}}
}

// quantity validates a Kubernetes quantity (500m, 2, 256Mi, 1Gi), not negative.
func quantity() validator.String {
	return funcValidator{"quantity", func(s string) error {
		q, err := resource.ParseQuantity(s)
		if err != nil {
			return fmt.Errorf("%q is not a Kubernetes quantity (like 500m, 2, 256Mi, 1Gi): %w", s, err)
		}
		if q.Sign() < 0 {
			return fmt.Errorf("%q is negative", s)
		}
		return nil
	}}
}

// resourceName validates a map key against one of the renderers' resource name patterns.
func resourceName(pattern, what string) validator.String {
	return stringvalidator.RegexMatches(regexp.MustCompile(pattern), "must be a "+what)
}

// labelKey validates a label or annotation key (an optionally prefixed qualified name).
func labelKey() validator.String {
	return funcValidator{"label key", func(s string) error {
		if errs := validation.IsQualifiedName(s); len(errs) > 0 {
			return fmt.Errorf("%q: %s", s, strings.Join(errs, "; "))
		}
		return nil
	}}
}

// labelValue validates a label value.
func labelValue() validator.String {
	return funcValidator{"label value", func(s string) error {
		if errs := validation.IsValidLabelValue(s); len(errs) > 0 {
			return fmt.Errorf("%q: %s", s, strings.Join(errs, "; "))
		}
		return nil
	}}
}
