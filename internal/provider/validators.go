package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/util/validation"
	psaapi "k8s.io/pod-security-admission/api"

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
			return fmt.Errorf("write %s as %q (upper case, without CAP_)", profile.Quote(s), n)
		}
		return nil
	}}
}

// additionalVolume checks a volume type name (case and spelling). Whether the profile
// may add it (hostPath and * are refused below privileged) is the profile's decision,
// taken where the profile is known (ValidateConfig, Read): profile.AdditionalVolume.
func additionalVolume() validator.String {
	return funcValidator{"volume type", func(s string) error {
		if _, err := profile.AdditionalVolume(profile.Privileged, s); err != nil && !strings.EqualFold(strings.TrimSpace(s), "hostPath") {
			return err
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
			return fmt.Errorf("%s: %s", profile.Quote(s), strings.Join(errs, "; "))
		}
		return nil
	}}
}

// dnsLabel validates namespace names (RFC 1123 label).
func dnsLabel() validator.String {
	return funcValidator{"namespace name", func(s string) error {
		if errs := validation.IsDNS1123Label(s); len(errs) > 0 {
			return fmt.Errorf("%s: %s", profile.Quote(s), strings.Join(errs, "; "))
		}
		return nil
	}}
}

// bindableGroup refuses the groups that stand for everyone (the guide's warning).
func bindableGroup() validator.String {
	return funcValidator{"group", func(s string) error {
		if msg := render.ForbiddenGroupMessage(s); msg != "" {
			return fmt.Errorf("%s", msg)
		}
		if msg := render.GroupNameProblem(s); msg != "" {
			return fmt.Errorf("%s", msg)
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
		if errs := render.RBACNameProblems(s); len(errs) > 0 {
			return fmt.Errorf("%s: %s", profile.Quote(s), strings.Join(errs, "; "))
		}
		return nil
	}}
}

// quantity validates a Kubernetes quantity (500m, 2, 256Mi, 1Gi) as the renderers read
// it: not negative, not beyond 2^63-1.
func quantity() validator.String {
	return funcValidator{"quantity", func(s string) error {
		_, err := render.ParseQuantity(s)
		return err
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
			return fmt.Errorf("%s: %s", profile.Quote(s), strings.Join(errs, "; "))
		}
		return nil
	}}
}

// labelValue validates a label value.
func labelValue() validator.String {
	return funcValidator{"label value", func(s string) error {
		if errs := validation.IsValidLabelValue(s); len(errs) > 0 {
			return fmt.Errorf("%s: %s", profile.Quote(s), strings.Join(errs, "; "))
		}
		return nil
	}}
}

// maxElementDiagnostics bounds the diagnostics one list or map validator reports for one
// attribute: past it, one more says how many were left out (20,000 duplicates are one
// mistake, not 20,000 screens of errors).
const maxElementDiagnostics = 10

// elementReporter reports per-element errors of one attribute, at most
// maxElementDiagnostics of them.
type elementReporter struct {
	diags   *diag.Diagnostics
	at      path.Path
	summary string
	n       int
}

// add reports the error detail() at at, or only counts it once enough are reported
// (detail is not even formatted then: a long list costs one pass).
func (r *elementReporter) add(at path.Path, detail func() string) {
	r.n++
	if r.n <= maxElementDiagnostics {
		r.diags.AddAttributeError(at, r.summary, detail())
	}
}

func (r *elementReporter) done() {
	if more := r.n - maxElementDiagnostics; more > 0 {
		r.diags.AddAttributeError(r.at, r.summary, fmt.Sprintf("%s: %d more elements like these are not listed.", r.at, more))
	}
}

// uniqueStrings refuses duplicate elements of a list of strings, in one pass (the
// framework's listvalidator.UniqueValues compares every pair and reports each: with
// 20,000 equal elements it never finishes). Each duplicate is an error on its index,
// naming the first occurrence. Unknown and null elements are left to other checks.
func uniqueStrings() validator.List { return uniqueStringsValidator{} }

type uniqueStringsValidator struct{}

func (uniqueStringsValidator) Description(context.Context) string { return "elements must be unique" }
func (v uniqueStringsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (uniqueStringsValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	first := make(map[string]int, len(elems))
	r := elementReporter{diags: &resp.Diagnostics, at: req.Path, summary: "Duplicate list element"}
	for i, e := range elems {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if j, dup := first[s.ValueString()]; dup {
			r.add(req.Path.AtListIndex(i), func() string {
				return fmt.Sprintf("%s: %s is already %s: give each value once.", req.Path.AtListIndex(i), profile.Quote(s.ValueString()), req.Path.AtListIndex(j))
			})
			continue
		}
		first[s.ValueString()] = i
	}
	r.done()
}

// noNullElements refuses null elements of a list (of strings or objects): each is an
// error on its index. Without it a null reaches the data source as a value it cannot
// convert ("Value Conversion Error").
func noNullElements() validator.List { return noNullElementsValidator{} }

type noNullElementsValidator struct{}

func (noNullElementsValidator) Description(context.Context) string {
	return "elements must not be null"
}
func (v noNullElementsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (noNullElementsValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	r := elementReporter{diags: &resp.Diagnostics, at: req.Path, summary: "Null list element"}
	for i, e := range req.ConfigValue.Elements() {
		if e.IsNull() {
			r.add(req.Path.AtListIndex(i), func() string {
				return fmt.Sprintf("%s is null: give it a value, or remove it from the list.", req.Path.AtListIndex(i))
			})
		}
	}
	r.done()
}

// noNullValues refuses null values in a map: each is an error on its key.
func noNullValues() validator.Map { return noNullValuesValidator{} }

type noNullValuesValidator struct{}

func (noNullValuesValidator) Description(context.Context) string { return "values must not be null" }
func (v noNullValuesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (noNullValuesValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	keys := make([]string, 0, len(elems))
	for k, v := range elems {
		if v.IsNull() {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	r := elementReporter{diags: &resp.Diagnostics, at: req.Path, summary: "Null map value"}
	for _, k := range keys {
		r.add(req.Path.AtMapKey(k), func() string {
			return fmt.Sprintf("%s is null: give it a value, or remove the key.", req.Path.AtMapKey(k))
		})
	}
	r.done()
}

// requiredAttributes makes attributes of a nested object required when the object is
// known: the attributes are Optional in the schema because the framework reports a
// required attribute of an element known only after apply as missing.
func requiredAttributes(names ...string) validator.Object { return requiredAttributesValidator{names} }

type requiredAttributesValidator struct{ names []string }

func (v requiredAttributesValidator) Description(context.Context) string {
	return "requires " + strings.Join(v.names, ", ")
}
func (v requiredAttributesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v requiredAttributesValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	for _, name := range v.names {
		if a, ok := attrs[name]; !ok || a.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path.AtName(name), "Missing required attribute",
				fmt.Sprintf("%s is required in each element of %s.", req.Path.AtName(name), req.Path.ParentPath()))
		}
	}
}

// psaVersion validates a Pod Security Admission version label value as Pod Security
// Admission reads it: latest or v1.<minor>, without a leading zero or an overflowing minor.
func psaVersion() validator.String {
	return funcValidator{"Pod Security Standards version", func(s string) error {
		if _, err := psaapi.ParseVersion(s); err != nil {
			return fmt.Errorf("%s: %w (like v1.31), as Pod Security Admission reads it", profile.Quote(s), err)
		}
		return nil
	}}
}

// stringListValidators are the checks of every list of strings: no null element, then
// the element checks, then (unique) no duplicate.
func stringListValidators(unique bool, element ...validator.String) []validator.List {
	vs := []validator.List{noNullElements()}
	if len(element) > 0 {
		vs = append(vs, listvalidator.ValueStringsAre(element...))
	}
	if unique {
		vs = append(vs, uniqueStrings())
	}
	return vs
}
