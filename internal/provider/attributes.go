package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// Schema attributes more than one data source has. The fargate and fargate_pod_size
// attributes belong to the data sources that render a LimitRange (render sizes the pod:
// render/fargate.go).

func idAttribute() schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-256 of `yaml`: changes exactly when the rendered manifests change."}
}

func yamlAttribute(several bool) schema.StringAttribute {
	d := "The rendered object as YAML, for `kubectl_manifest.yaml_body` or a file."
	if several {
		d = "The rendered objects as multi-document YAML (`---` between documents), for `kubectl apply -f` or a file; split it with `kubectl_file_documents` for `kubectl_manifest`."
	}
	return schema.StringAttribute{Computed: true, MarkdownDescription: d}
}

func jsonAttribute(several bool) schema.StringAttribute {
	d := "The rendered object as indented JSON."
	if several {
		d = "The rendered objects as an indented JSON array."
	}
	return schema.StringAttribute{Computed: true, MarkdownDescription: d}
}

func manifestAttribute(what string) schema.DynamicAttribute {
	return schema.DynamicAttribute{Computed: true,
		MarkdownDescription: "The " + what + " as an object, ready for `kubernetes_manifest`'s `manifest` argument."}
}

// pathPrefixAttribute is an allowed_host_paths element's path_prefix (Optional for the
// framework, required by the element's requiredAttributes validator).
func pathPrefixAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, MarkdownDescription: "An absolute path prefix, e.g. `/var/log`. Required in each element.",
		Validators: []validator.String{hostPathPrefix()},
	}
}

func labelsAttribute() schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType,
		MarkdownDescription: "Labels added to every rendered object.",
		Validators:          labelValidators()}
}

func annotationsAttribute() schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType,
		MarkdownDescription: "Annotations added to every rendered object. Annotations the policy itself sets (seccomp and AppArmor profiles) cannot be changed.",
		Validators:          annotationValidators()}
}

// labelValidators check a map of labels as the API server does; annotationValidators
// the keys of a map of annotations.
func labelValidators() []validator.Map {
	return []validator.Map{noNullValues(), mapvalidator.KeysAre(labelKey()), mapvalidator.ValueStringsAre(labelValue())}
}

func annotationValidators() []validator.Map {
	return []validator.Map{noNullValues(), mapvalidator.KeysAre(labelKey())}
}

// levelAttribute is a Pod Security Standards level attribute.
func levelAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, Computed: true, MarkdownDescription: description,
		Validators: []validator.String{stringvalidator.OneOf(profile.Levels()...)},
	}
}

// psaKubernetesVersionAttribute is kubernetes_version for data sources that render PSA labels.
func psaKubernetesVersionAttribute(extra string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The cluster's Kubernetes version (e.g. `1.31`). Pod Security Admission needs " + profile.PSAMinimum().String() + " or later " +
			"(GA in " + profile.PSAStable().String() + "): an older version is an error. Defaults to the cluster's version when the provider has an `eks` " +
			"block; otherwise unset." + extra,
		Validators: []validator.String{kubernetesVersion()},
	}
}

// quantityMap is a map attribute of resource name → quantity.
func quantityMap(description, namePattern, nameWhat string) schema.MapAttribute {
	return schema.MapAttribute{
		Optional: true, ElementType: types.StringType, MarkdownDescription: description,
		Validators: []validator.Map{
			noNullValues(),
			mapvalidator.KeysAre(resourceName(namePattern, nameWhat)),
			mapvalidator.ValueStringsAre(quantity()),
		},
	}
}

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
