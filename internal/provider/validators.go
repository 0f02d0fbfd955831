package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.desc, err.Error())
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

func volumeType() validator.String {
	return stringvalidator.OneOf(profile.VolumeTypes()...)
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
		if err := render.ForbiddenGroupError(s); err != nil {
			return err
		}
		if !groupRE.MatchString(s) {
			return fmt.Errorf("%q is not a group name", s)
		}
		return nil
	}}
}
