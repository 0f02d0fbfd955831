package provider

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

var _ function.Function = (*violationsFunction)(nil)

// NewViolationsFunction is provider::ekspodsec::violations.
func NewViolationsFunction() function.Function { return &violationsFunction{} }

type violationsFunction struct{}

// violationType is the object type of one entry of the result.
var violationType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"rule_id":     types.StringType,
	"title":       types.StringType,
	"severity":    types.StringType,
	"status":      types.StringType,
	"failing":     types.BoolType,
	"index":       types.NumberType,
	"kind":        types.StringType,
	"namespace":   types.StringType,
	"name":        types.StringType,
	"container":   types.StringType,
	"path":        types.StringType,
	"message":     types.StringType,
	"remediation": types.StringType,
}}

func (f *violationsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "violations"
}

func (f *violationsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Judge Kubernetes objects with plan-check's rules",
		MarkdownDescription: "Judges a Kubernetes object, or a list of objects judged together, with the rule catalogue and " +
			"engine `plan-check` runs (EPS001...; see the [rule catalogue](../plan-check.md)), so that a module can refuse an " +
			"unsafe workload at plan time in a `precondition`, a `check` block or a variable `validation`.\n\n" +
			"`object` is written as for `kubernetes_manifest` (camelCase): a Pod, Deployment, DaemonSet, StatefulSet, " +
			"ReplicaSet, ReplicationController, Job, CronJob or PodTemplate, a custom kind with a pod template at " +
			"`spec.template`, a ClusterRole, Role, their bindings, a Namespace, LimitRange, ResourceQuota, ServiceAccount, " +
			"Secret, ConfigMap, PersistentVolumeClaim, StorageClass or PodSecurityPolicy, or a `List` of them. A typed `kubernetes_*` resource is judged through " +
			"`provider::ekspodsec::kubernetes_object`. Objects in one list are judged together, as plan-check judges the " +
			"objects of one plan: a LimitRange covers the missing requests of the workloads of its namespace, a binding is " +
			"judged with the role it grants, a ServiceAccount's `automountServiceAccountToken` counts for its pods.\n\n" +
			"The result is every finding, sorted as plan-check sorts them (object, rule, container, path, ...): `rule_id`, " +
			"`title`, `severity` (`critical`, `high`, `medium`, `low`, `info`), `status` (`fail`, `unknown`, or `waived` by " +
			"the object's `ekspodsec.io/waive` annotation), `failing`, `index` (the object's position in the list, `0` for " +
			"one object), `kind`, `namespace`, `name`, `container` (empty for pod-level findings), `path` (the Kubernetes " +
			"field), `message` and `remediation`. Findings below `fail_on` are returned too: `failing` says which fail, " +
			"as plan-check's exit code would (`fail` at or above `fail_on`). A value inside `object` that is unknown at " +
			"plan time gives an `unknown` finding for the rules it decides, never a pass; such a finding's `failing` is " +
			"itself unknown (so a condition on it is decided on apply, when the value is known), or `true` with " +
			"`fail_on_unknown`. An `object` unknown as a whole gives an unknown result.\n\n" +
			"A function does not see which values are sensitive: Terraform marks the whole result sensitive when any part " +
			"of an argument is, so a message that quotes a sensitive value is never shown.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name:               "object",
				AllowUnknownValues: true,
				MarkdownDescription: "A Kubernetes object as `kubernetes_manifest` takes it, or a list (or tuple) of them " +
					"judged together.",
			},
		},
		VariadicParameter: function.DynamicParameter{
			Name:               "options",
			AllowNullValue:     true,
			AllowUnknownValues: true,
			MarkdownDescription: "At most one object of options, each optional: `fail_on` (`critical`, `high`, `medium`, " +
				"`low` or `info`; default `high`), `fail_on_unknown` (bool, default `false`: `failing` of an `unknown` " +
				"finding at or above `fail_on` is `true` instead of unknown), `allowed_host_paths` (list of host path " +
				"prefixes EPS007 accepts, mounted read-only), `allowed_capabilities` (list of capabilities EPS012 accepts; " +
				"default `[\"NET_BIND_SERVICE\"]`, `[]` accepts none), `kubernetes_version` (the cluster's version, e.g. " +
				"`\"1.31\"`: PodSecurityPolicy rules judge a policy before 1.25, EPS110 reports one from 1.25 on) and `fargate`: `true` when every pod of the " +
				"objects runs on EKS Fargate, or a list of Fargate profiles that decide which do, each with a `selector` " +
				"list of `{ namespace, labels }` (wildcards `*` and `?`) and an optional `fargate_profile_name` — an " +
				"`aws_eks_fargate_profile` resource fits as it is (`fargate = [aws_eks_fargate_profile.apps]`). " +
				"`null` is no options.",
		},
		Return: function.ListReturn{ElementType: violationType},
	}
}

func (f *violationsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	guarded("violations", resp, func() { f.run(ctx, req, resp) })
}

func (f *violationsFunction) run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var arg types.Dynamic
	var options types.Tuple
	resp.Error = req.Arguments.Get(ctx, &arg, &options)
	if resp.Error != nil {
		return
	}
	unknown := types.ListUnknown(violationType)
	if arg.IsUnknown() || arg.IsUnderlyingValueUnknown() {
		resp.Error = resp.Result.Set(ctx, unknown)
		return
	}
	if arg.IsNull() || arg.IsUnderlyingValueNull() {
		resp.Error = function.NewArgumentFuncError(0, notAnObject+", not null")
		return
	}
	opts, known, ferr := violationsOptionsOf(ctx, options)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	if !known {
		resp.Error = resp.Result.Set(ctx, unknown)
		return
	}
	v, err := argumentValue(ctx, arg)
	if err != nil {
		resp.Error = funcError(0, err)
		return
	}
	objs, err := kubernetesObjects(v, true)
	if err != nil {
		resp.Error = funcError(0, err)
		return
	}
	entries, err := violations(objs, opts)
	if err != nil {
		resp.Error = funcError(0, err)
		return
	}
	list, diags := types.ListValue(violationType, entries)
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, list)
}

// violationsOptions are violations' options.
type violationsOptions struct {
	gate  report.Gate
	rules rules.Options
	facts rules.Facts
}

// violations judges the objects together and returns the result's entries.
func violations(objs []kubernetesObject, opts violationsOptions) ([]attr.Value, error) {
	eng, err := rules.New(opts.rules)
	if err != nil {
		return nil, err
	}
	r := plan.NewReader()
	type read struct {
		plans    []*plan.Object
		subjects []*object.Object
	}
	reads := make([]read, len(objs))
	var all []*object.Object
	for i, o := range objs {
		ps, ss, err := judgedObjects(r, o)
		if err != nil {
			return nil, err
		}
		reads[i] = read{ps, ss}
		all = append(all, ss...)
	}
	rctx := eng.Context(all, opts.facts)
	var out []attr.Value
	for i, rd := range reads {
		var fs []finding.Finding
		for j, po := range rd.plans {
			got, _ := plancheck.Findings(po, rd.subjects[j], eng.Judge(rctx, rd.subjects[j]))
			fs = append(fs, got...)
		}
		finding.Sort(fs)
		for _, fd := range fs {
			e, err := violationEntry(fd, i, opts)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// violationEntry is one finding as an entry of the result.
func violationEntry(fd finding.Finding, index int, opts violationsOptions) (attr.Value, error) {
	failing := types.BoolValue(opts.gate.Fails(fd))
	if fd.Status == finding.Unknown && fd.Severity >= opts.gate.FailOn && !opts.gate.FailOnUnknown {
		failing = types.BoolUnknown()
	}
	obj, diags := types.ObjectValue(violationType.AttrTypes, map[string]attr.Value{
		"rule_id":     types.StringValue(fd.RuleID),
		"title":       types.StringValue(fd.Title),
		"severity":    types.StringValue(fd.Severity.String()),
		"status":      types.StringValue(string(fd.Status)),
		"failing":     failing,
		"index":       types.NumberValue(big.NewFloat(float64(index))),
		"kind":        types.StringValue(fd.Kind),
		"namespace":   types.StringValue(fd.Namespace),
		"name":        types.StringValue(fd.Name),
		"container":   types.StringValue(fd.Container),
		"path":        types.StringValue(fd.K8sPath),
		"message":     types.StringValue(fd.Message),
		"remediation": types.StringValue(fd.Remediation),
	})
	return obj, diagsError(diags)
}

// violationsOptionsOf reads the options argument (at most one). known is false when an
// option that decides the result is unknown.
func violationsOptionsOf(ctx context.Context, options types.Tuple) (violationsOptions, bool, *function.FuncError) {
	opts := violationsOptions{gate: report.Gate{FailOn: finding.High}}
	elems := options.Elements()
	if len(elems) > 1 {
		return opts, false, function.NewArgumentFuncError(2, fmt.Sprintf("violations takes at most one options object, not %d", len(elems)))
	}
	if len(elems) == 0 {
		return opts, true, nil
	}
	tv, err := elems[0].ToTerraformValue(ctx)
	if err != nil {
		return opts, false, funcError(1, err)
	}
	if !tv.IsKnown() {
		return opts, false, nil
	}
	if tv.IsNull() {
		return opts, true, nil
	}
	m, err := optionsObject(tv)
	if err != nil {
		return opts, false, funcError(1, err)
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	known := true
	for _, name := range names {
		v := m[name]
		if name == "fargate" {
			profiles, err := fargateOption(v)
			if err != nil {
				return opts, false, funcError(1, err)
			}
			opts.facts.FargateProfiles = profiles
			continue
		}
		if !v.IsFullyKnown() {
			if _, ok := violationsOptionNames[name]; ok {
				known = false
				continue
			}
		}
		if v.IsNull() {
			continue
		}
		var err error
		switch name {
		case "fail_on":
			var s string
			if s, err = stringOption(name, v); err == nil {
				if opts.gate.FailOn, err = finding.ParseSeverity(s); err != nil {
					err = fmt.Errorf("fail_on must be one of %s", strings.Join(finding.SeverityNames(), ", "))
				}
			}
		case "fail_on_unknown":
			opts.gate.FailOnUnknown, err = boolOption(name, v)
		case "allowed_host_paths":
			var paths []string
			if paths, err = stringsOption(name, v); err == nil {
				for i, p := range paths {
					clean, perr := profile.CleanHostPath(p)
					if perr != nil {
						err = fmt.Errorf("allowed_host_paths[%d]: %s", i, unquoted(perr, p))
						break
					}
					opts.rules.AllowedHostPaths = append(opts.rules.AllowedHostPaths, profile.HostPath{PathPrefix: clean, ReadOnly: true})
				}
			}
		case "allowed_capabilities":
			var caps []string
			if caps, err = stringsOption(name, v); err == nil {
				opts.rules.AllowedCapabilities = []string{}
				for i, c := range caps {
					n, cerr := profile.NormalizeCapability(c)
					if cerr != nil {
						err = fmt.Errorf("allowed_capabilities[%d]: %s", i, unquoted(cerr, c))
						break
					}
					opts.rules.AllowedCapabilities = append(opts.rules.AllowedCapabilities, n)
				}
			}
		case "kubernetes_version":
			var ver string
			if ver, err = versionOption(name, v); err == nil {
				opts.facts.Clusters = []eks.Cluster{{Version: ver, Source: "option kubernetes_version"}}
			}
		default:
			err = fmt.Errorf("there is no option %s: the options are %s", quoteName(name), strings.Join(sortedNames(violationsOptionNames), ", "))
		}
		if err != nil {
			return opts, false, funcError(1, err)
		}
	}
	return opts, known, nil
}

var violationsOptionNames = map[string]struct{}{
	"fail_on": {}, "fail_on_unknown": {}, "allowed_host_paths": {}, "allowed_capabilities": {}, "kubernetes_version": {}, "fargate": {},
}

func sortedNames(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// quoteName quotes an option name the user wrote (a name, not a value), shortened.
func quoteName(s string) string { return profile.Quote(s) }

// unquoted is err's message without the quoted value v (an option's value is never
// quoted back: it may be sensitive, which a function cannot tell).
func unquoted(err error, v string) string {
	return strings.ReplaceAll(err.Error(), " "+profile.Quote(v), "")
}

// optionsObject is the attributes of an options object (or map).
func optionsObject(v tftypes.Value) (map[string]tftypes.Value, error) {
	switch v.Type().(type) {
	case tftypes.Object, tftypes.Map:
	default:
		return nil, fmt.Errorf("options must be an object such as { fail_on = \"medium\" }, not a %s", typeName(v.Type()))
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		return nil, err
	}
	return m, nil
}

func stringOption(name string, v tftypes.Value) (string, error) {
	if !v.Type().Is(tftypes.String) {
		return "", fmt.Errorf("%s must be a string, not a %s", name, typeName(v.Type()))
	}
	var s string
	err := v.As(&s)
	return s, err
}

func boolOption(name string, v tftypes.Value) (bool, error) {
	if !v.Type().Is(tftypes.Bool) {
		return false, fmt.Errorf("%s must be a bool, not a %s", name, typeName(v.Type()))
	}
	var b bool
	err := v.As(&b)
	return b, err
}

func stringsOption(name string, v tftypes.Value) ([]string, error) {
	switch v.Type().(type) {
	case tftypes.List, tftypes.Set, tftypes.Tuple:
	default:
		return nil, fmt.Errorf("%s must be a list of strings, not a %s", name, typeName(v.Type()))
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(elems))
	for i, e := range elems {
		if e.IsNull() || !e.Type().Is(tftypes.String) {
			what := "null"
			if !e.IsNull() {
				what = "a " + typeName(e.Type())
			}
			return nil, fmt.Errorf("%s[%d] must be a string, not %s", name, i, what)
		}
		var s string
		if err := e.As(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// versionOption reads a Kubernetes version option ("1.31"); a number is refused, since
// 1.30 as a number is 1.3.
func versionOption(name string, v tftypes.Value) (string, error) {
	if v.Type().Is(tftypes.Number) {
		return "", fmt.Errorf("%s must be a string such as \"1.31\", not a number (the number 1.30 is 1.3)", name)
	}
	s, err := stringOption(name, v)
	if err != nil {
		return "", err
	}
	ver, err := k8sversion.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%s is not a Kubernetes version: write it like \"1.31\"", name)
	}
	return ver.String(), nil
}

// fargateOption reads the fargate option: true (every pod runs on Fargate), false or null
// (none does), unknown (not known which do), or a list of Fargate profiles.
func fargateOption(v tftypes.Value) ([]eks.FargateProfile, error) {
	if !v.IsKnown() {
		return []eks.FargateProfile{{Name: "fargate", Source: "option fargate", SelectorsUnknown: true}}, nil
	}
	if v.IsNull() {
		return nil, nil
	}
	if v.Type().Is(tftypes.Bool) {
		var b bool
		if err := v.As(&b); err != nil || !b {
			return nil, err
		}
		return []eks.FargateProfile{{Name: "every pod", Source: "option fargate = true", Selectors: []eks.Selector{{Namespace: "*"}}}}, nil
	}
	switch v.Type().(type) {
	case tftypes.List, tftypes.Set, tftypes.Tuple:
	default:
		return nil, fmt.Errorf("fargate must be a bool or a list of Fargate profiles ({ selector = [{ namespace = ..., labels = {...} }] }), not a %s", typeName(v.Type()))
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil, err
	}
	out := make([]eks.FargateProfile, 0, len(elems))
	for i, e := range elems {
		where := fmt.Sprintf("fargate[%d]", i)
		p := eks.FargateProfile{Source: "option " + where}
		if !e.IsKnown() {
			p.SelectorsUnknown = true
			out = append(out, p)
			continue
		}
		m, err := attributesOf(e, where, "a Fargate profile, an object with a selector list")
		if err != nil {
			return nil, err
		}
		if n, ok := m["fargate_profile_name"]; ok && n.IsKnown() && !n.IsNull() {
			if p.Name, err = stringOption(where+".fargate_profile_name", n); err != nil {
				return nil, err
			}
		}
		sel, ok := m["selector"]
		switch {
		case !ok:
			return nil, fmt.Errorf("%s has no selector: a Fargate profile selects pods by selector = [{ namespace = ..., labels = {...} }]", where)
		case !sel.IsKnown():
			p.SelectorsUnknown = true
		case sel.IsNull():
		default:
			if err := fargateSelectors(sel, where+".selector", &p); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// fargateSelectors reads a profile's selector list, as plan-check reads an
// aws_eks_fargate_profile's selector blocks.
func fargateSelectors(v tftypes.Value, where string, p *eks.FargateProfile) error {
	switch v.Type().(type) {
	case tftypes.List, tftypes.Set, tftypes.Tuple:
	default:
		return fmt.Errorf("%s must be a list of { namespace, labels } objects, not a %s", where, typeName(v.Type()))
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return err
	}
	for j, e := range elems {
		at := fmt.Sprintf("%s[%d]", where, j)
		if !e.IsKnown() {
			p.SelectorsUnknown = true
			continue
		}
		if e.IsNull() {
			continue
		}
		m, err := attributesOf(e, at, "a selector, an object with a namespace and labels")
		if err != nil {
			return err
		}
		sel := eks.Selector{Labels: map[string]string{}}
		if ns, ok := m["namespace"]; ok {
			switch {
			case !ns.IsKnown():
				p.SelectorsUnknown = true
			case ns.IsNull():
			default:
				if sel.Namespace, err = stringOption(at+".namespace", ns); err != nil {
					return err
				}
			}
		}
		if labels, ok := m["labels"]; ok {
			switch {
			case !labels.IsKnown():
				p.SelectorsUnknown = true
			case labels.IsNull():
			default:
				lm, err := attributesOf(labels, at+".labels", "a map of label values")
				if err != nil {
					return err
				}
				for k, lv := range lm {
					switch {
					case !lv.IsKnown():
						p.SelectorsUnknown = true
					case lv.IsNull():
					default:
						s, err := stringOption(at+".labels["+quoteName(k)+"]", lv)
						if err != nil {
							return err
						}
						sel.Labels[k] = s
					}
				}
			}
		}
		for k := range m {
			if k != "namespace" && k != "labels" {
				return fmt.Errorf("%s has %s: a selector has namespace and labels", at, quoteName(k))
			}
		}
		p.Selectors = append(p.Selectors, sel)
	}
	return nil
}

// attributesOf is the attributes of an object or map value.
func attributesOf(v tftypes.Value, where, what string) (map[string]tftypes.Value, error) {
	if v.IsNull() {
		return nil, fmt.Errorf("%s must be %s, not null", where, what)
	}
	switch v.Type().(type) {
	case tftypes.Object, tftypes.Map:
	default:
		return nil, fmt.Errorf("%s must be %s, not a %s", where, what, typeName(v.Type()))
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		return nil, err
	}
	return m, nil
}
