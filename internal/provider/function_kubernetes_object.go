package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
)

var _ function.Function = (*kubernetesObjectFunction)(nil)

// NewKubernetesObjectFunction is provider::ekspodsec::kubernetes_object.
func NewKubernetesObjectFunction() function.Function { return &kubernetesObjectFunction{} }

type kubernetesObjectFunction struct{}

func (f *kubernetesObjectFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "kubernetes_object"
}

func (f *kubernetesObjectFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The Kubernetes object a typed kubernetes_* resource sends",
		MarkdownDescription: "Turns the attributes of a typed resource of the hashicorp/kubernetes provider " +
			"(`kubernetes_deployment_v1.app`, as Terraform holds it: snake_case names, nested blocks as lists) into the " +
			"Kubernetes object it sends (camelCase, as `kubernetes_manifest` takes it), through the table plan-check reads " +
			"plans with, so that `provider::ekspodsec::violations`, `pss_level` and `fargate_size` judge a typed resource " +
			"as plan-check does: `violations(provider::ekspodsec::kubernetes_object(\"kubernetes_deployment_v1\", kubernetes_deployment_v1.app))`.\n\n" +
			"The object has the fields the rules read (metadata, the pod spec's security-relevant fields, containers, " +
			"volumes, RBAC rules and subjects, LimitRange and ResourceQuota specs, ...), not every field of the resource. " +
			"Values unknown at plan time stay unknown in it, where they are, so they are judged `unknown`. Without the " +
			"configuration, which plan-check also reads, two things are decided from the values alone, as plan-check " +
			"does for a block it cannot match to the configuration: a block the provider computes that is wholly " +
			"unknown (the `resources` of a container that does not write it) was not written; and " +
			"`allow_privilege_escalation = true` and `automount_service_account_token = true`, which the provider also " +
			"sends when they are not written, count as written.\n\n" +
			"Resource types: the v1 and legacy names of pods, deployments, daemon sets, stateful sets, replication " +
			"controllers, jobs, cron jobs, cluster roles, roles and their bindings, namespaces, limit ranges, resource " +
			"quotas and service accounts.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "resource_type",
				MarkdownDescription: "The resource type, e.g. `\"kubernetes_deployment_v1\"`.",
			},
			function.DynamicParameter{
				Name:                "attributes",
				AllowUnknownValues:  true,
				MarkdownDescription: "The resource's attributes: a reference to the resource, or an object of the same shape.",
			},
		},
		Return: function.DynamicReturn{},
	}
}

func (f *kubernetesObjectFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	guarded("kubernetes_object", resp, func() { f.run(ctx, req, resp) })
}

func (f *kubernetesObjectFunction) run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var resourceType string
	var attrs types.Dynamic
	if resp.Error = req.Arguments.Get(ctx, &resourceType, &attrs); resp.Error != nil {
		return
	}
	r := plan.NewReader()
	supported := r.TypedResourceTypes()
	known := false
	for _, t := range supported {
		known = known || t == resourceType
	}
	if !known {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("%s is not a typed resource type of the kubernetes provider that kubernetes_object converts: it converts %s", quoteName(resourceType), strings.Join(supported, ", ")))
		return
	}
	if attrs.IsUnknown() || attrs.IsUnderlyingValueUnknown() {
		resp.Error = resp.Result.Set(ctx, types.DynamicUnknown())
		return
	}
	if attrs.IsNull() || attrs.IsUnderlyingValueNull() {
		resp.Error = function.NewArgumentFuncError(1, "attributes must be the attributes of a "+resourceType+", not null")
		return
	}
	v, err := argumentValue(ctx, attrs)
	if err != nil {
		resp.Error = funcError(1, err)
		return
	}
	if _, err := attributesOf(v, "attributes", "the attributes of a "+resourceType+" (an object)"); err != nil {
		resp.Error = funcError(1, err)
		return
	}
	value, unknown, err := tfJSON(v)
	if err != nil {
		resp.Error = funcError(1, err)
		return
	}
	obj, _, err := r.ConvertTyped(resourceType, value, unknown)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("as a %s: %s", resourceType, err))
		return
	}
	out := map[string]any{"apiVersion": obj.APIVersion, "kind": obj.Kind}
	for k, v := range obj.Value {
		out[k] = v
	}
	tv, err := terraformValue(out)
	if err != nil {
		resp.Error = function.NewFuncError(fmt.Sprintf("the %s cannot be written as a Terraform value: %s", obj.Kind, err))
		return
	}
	resp.Error = resp.Result.Set(ctx, types.DynamicValue(tv))
}
