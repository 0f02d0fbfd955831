package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

var _ function.Function = (*pssLevelFunction)(nil)

// NewPSSLevelFunction is provider::ekspodsec::pss_level.
func NewPSSLevelFunction() function.Function { return &pssLevelFunction{} }

type pssLevelFunction struct{}

func (f *pssLevelFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "pss_level"
}

func (f *pssLevelFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The strictest Pod Security Standards level a workload meets",
		MarkdownDescription: "Returns the most restrictive [Pod Security Standards](https://kubernetes.io/docs/concepts/security/pod-security-standards/) " +
			"level the pods of a workload meet: `\"restricted\"`, `\"baseline\"` or `\"privileged\"`, from the checks of " +
			"`k8s.io/pod-security-admission`, the library the API server's Pod Security Admission runs (and the level " +
			"plan-check reports as `pss_level`). `object` is one Pod, or one object with a pod template (Deployment, " +
			"DaemonSet, StatefulSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate, or a custom kind with " +
			"one at `spec.template`), written as for `kubernetes_manifest`; a typed `kubernetes_*` resource goes through " +
			"`provider::ekspodsec::kubernetes_object`.\n\n" +
			"The result is unknown when `object` is unknown, and when a field the checks read is unknown at plan time " +
			"while the known fields meet `baseline` or better (a workload that is already `privileged` stays so).",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name:                "object",
				AllowUnknownValues:  true,
				MarkdownDescription: "One workload as `kubernetes_manifest` takes it.",
			},
		},
		VariadicParameter: function.StringParameter{
			Name: "version",
			MarkdownDescription: "At most one: the version of the standards to judge by, `\"latest\"` (the default) or a " +
				"Kubernetes minor version (`\"v1.31\"` or `\"1.31\"`), as the `pod-security.kubernetes.io/enforce-version` " +
				"label takes it.",
		},
		Return: function.StringReturn{},
	}
}

func (f *pssLevelFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	guarded("pss_level", resp, func() { f.run(ctx, req, resp) })
}

func (f *pssLevelFunction) run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var arg types.Dynamic
	var versions []string
	if resp.Error = req.Arguments.Get(ctx, &arg, &versions); resp.Error != nil {
		return
	}
	version := psaapi.LatestVersion()
	switch {
	case len(versions) > 1:
		resp.Error = function.NewArgumentFuncError(2, fmt.Sprintf("pss_level takes at most one version, not %d", len(versions)))
		return
	case len(versions) == 1:
		v, err := pssVersion(versions[0])
		if err != nil {
			resp.Error = function.NewArgumentFuncError(1, err.Error())
			return
		}
		version = v
	}
	s, unknown, ferr := workloadArgument(ctx, "pss_level", arg)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	if unknown {
		resp.Error = resp.Result.Set(ctx, types.StringUnknown())
		return
	}
	eng, err := rules.New(rules.Options{})
	if err != nil {
		resp.Error = function.NewFuncError(err.Error())
		return
	}
	level := eng.PSSLevel(s, version)
	if level == "unknown" {
		resp.Error = resp.Result.Set(ctx, types.StringUnknown())
		return
	}
	resp.Error = resp.Result.Set(ctx, types.StringValue(level))
}

// pssVersion reads a Pod Security Standards version: "latest", "v1.31" or "1.31".
func pssVersion(s string) (psaapi.Version, error) {
	if s == "latest" {
		return psaapi.LatestVersion(), nil
	}
	v, err := k8sversion.Parse(s)
	if err != nil || v.Major != 1 {
		return psaapi.Version{}, fmt.Errorf(`version must be "latest" or a Kubernetes 1.x version such as "v1.31"`)
	}
	return psaapi.ParseVersion(fmt.Sprintf("v1.%d", v.Minor))
}
