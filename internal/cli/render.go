package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
)

const renderUsage = `usage: terraform-provider-ekspodsec render KIND [flags]

Prints the manifests the Terraform data sources render, without Terraform: the same
profile, the same checks, byte-identical output.

kinds:
  psp         a PodSecurityPolicy           (data source ekspodsec_pod_security_policy)
  rbac        ClusterRole + RoleBindings    (data source ekspodsec_pod_security_policy_rbac)
  limitrange  a LimitRange                  (data source ekspodsec_limit_range)
  quota       a ResourceQuota               (data source ekspodsec_resource_quota)

examples:
  render psp --profile restricted --fargate --kubernetes-version 1.24
  render psp --profile baseline --allow-host-path /var/log --allow-host-path /data:rw
  render rbac --policy restricted --namespace web --service-account payments/api
  render limitrange --name defaults --namespace web --default cpu=500m,memory=512Mi --default-request cpu=100m,memory=128Mi
  render quota --name compute --namespace web --hard requests.cpu=4,requests.memory=8Gi,limits.cpu=8,limits.memory=16Gi

Exit status: 0 rendered, 2 unusable flags or values (one line on stderr). Warnings go to stderr.
Run 'render KIND -h' for the flags of a kind.
`

// renderKind defines a kind's flags and returns what builds its objects once they are
// parsed.
type renderKind func(fs *flag.FlagSet) builder

// builder renders a kind's objects, with warnings for stderr.
type builder func(meta render.Meta) (objs []any, warnings []string, err error)

func renderKinds() map[string]renderKind {
	return map[string]renderKind{
		"psp":        renderPSP,
		"rbac":       renderRBAC,
		"limitrange": renderLimitRange,
		"quota":      renderQuota,
	}
}

// runRender prints the manifests of a profile as YAML (or JSON).
func runRender(ctx context.Context, args []string, stdio Stdio) int {
	if len(args) == 0 {
		return renderError(stdio, "", "want a kind: psp, rbac, limitrange or quota; run 'render -h' for help")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdio.Out, renderUsage)
		return ExitOK
	}
	kind, ok := renderKinds()[args[0]]
	if !ok {
		return renderError(stdio, "", fmt.Sprintf("unknown kind %q: want psp, rbac, limitrange or quota", args[0]))
	}
	fs := flag.NewFlagSet("render "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "yaml", "output format: yaml (documents separated by ---) or json (an object, or an array for several)")
	var labels, annotations listFlag
	fs.Var(&labels, "label", "KEY=VALUE label on every object (repeatable)")
	fs.Var(&annotations, "annotation", "KEY=VALUE annotation on every object (repeatable)")
	build := kind(fs)
	err := parseNoArgs(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdio.Out, "usage: terraform-provider-ekspodsec render %s [flags]\n\nflags:\n", args[0])
		fs.SetOutput(stdio.Out)
		fs.PrintDefaults()
		return ExitOK
	}
	if err != nil {
		return renderError(stdio, args[0], err.Error())
	}
	if *format != "yaml" && *format != "json" {
		return renderError(stdio, args[0], fmt.Sprintf("--format %q: want yaml or json", *format))
	}
	meta := render.Meta{}
	if meta.Labels, err = keyValues("--label", labels); err == nil {
		meta.Annotations, err = keyValues("--annotation", annotations)
	}
	if err != nil {
		return renderError(stdio, args[0], err.Error())
	}
	built, warnings, err := build(meta)
	if err != nil {
		return renderError(stdio, args[0], flagWords(err))
	}
	maps, err := render.All(built...)
	if err != nil {
		return renderError(stdio, args[0], err.Error())
	}
	var out string
	if *format == "json" {
		out, err = render.JSON(maps...)
	} else {
		out, err = render.YAML(maps...)
	}
	if err != nil {
		return renderError(stdio, args[0], err.Error())
	}
	if code, ok := interrupted(ctx); ok {
		return code
	}
	for _, w := range warnings {
		fmt.Fprintf(stdio.Err, "render %s: warning: %s\n", args[0], safetext.Escape(w))
	}
	fmt.Fprint(stdio.Out, out)
	return ExitOK
}

func renderPSP(fs *flag.FlagSet) builder {
	level := fs.String("profile", "restricted", "hardening level: "+strings.Join(profile.Levels(), ", "))
	name := fs.String("name", "", "metadata.name (default: the profile's name)")
	fargate := fs.Bool("fargate", false, "for pods on EKS Fargate: no privileged, hostNetwork, hostPort or added capabilities")
	version := fs.String("kubernetes-version", "", "the cluster's Kubernetes version (e.g. 1.24); 1.25 or later is refused")
	readOnlyRoot := fs.Bool("read-only-root-filesystem", false, "require a read-only root filesystem")
	var hostPaths, caps, volumes listFlag
	fs.Var(&hostPaths, "allow-host-path", "hostPath prefix pods may mount, read-only; PREFIX:rw for read-write (repeatable)")
	fs.Var(&caps, "allow-capability", "capability containers may add, e.g. NET_BIND_SERVICE (repeatable)")
	fs.Var(&volumes, "volume", "volume type allowed on top of the profile's, e.g. csi (repeatable)")
	return func(meta render.Meta) ([]any, []string, error) {
		l, err := profile.ParseLevel(*level)
		if err != nil {
			return nil, nil, fmt.Errorf("--profile: %w", err)
		}
		var warnings []string
		if *version == "" {
			warnings = append(warnings, "PodSecurityPolicy needs a cluster older than Kubernetes 1.25 (it was removed in 1.25); set --kubernetes-version for a legacy cluster")
		} else {
			v, err := k8sversion.Parse(*version)
			if err != nil {
				return nil, nil, fmt.Errorf("--kubernetes-version: %w", err)
			}
			if v.AtLeast(profile.PSPRemovedIn()) {
				return nil, nil, fmt.Errorf("--kubernetes-version: %s", render.PSPRemovedMessage(v.String()))
			}
		}
		opts := profile.Options{Fargate: *fargate, AllowedCapabilities: caps, AdditionalVolumes: volumes}
		for _, hp := range hostPaths {
			prefix, ro, err := hostPathFlag(hp)
			if err != nil {
				return nil, nil, err
			}
			opts.AllowedHostPaths = append(opts.AllowedHostPaths, profile.HostPath{PathPrefix: prefix, ReadOnly: ro})
		}
		if isSet(fs, "read-only-root-filesystem") {
			opts.ReadOnlyRootFilesystem = readOnlyRoot
		}
		p, err := profile.New(l, opts)
		if err != nil {
			return nil, nil, profileFlagError(err, l, opts, hostPaths)
		}
		res, err := render.PodSecurityPolicy(p, *name, meta)
		if err != nil {
			return nil, nil, err
		}
		return res.Objects(), warnings, nil
	}
}

func renderRBAC(fs *flag.FlagSet) builder {
	policy := fs.String("policy", "", "the PodSecurityPolicy's name (required)")
	role := fs.String("role", "", "the ClusterRole's name (default psp:POLICY)")
	var namespaces, sas, groups listFlag
	fs.Var(&namespaces, "namespace", "grant the namespace's own service accounts (repeatable)")
	fs.Var(&sas, "service-account", "NAMESPACE/NAME: grant one service account (repeatable)")
	fs.Var(&groups, "group", "NAMESPACE/GROUP: grant a group in a namespace (repeatable)")
	return func(meta render.Meta) ([]any, []string, error) {
		if *policy == "" {
			return nil, nil, errors.New("--policy is required")
		}
		byNS := map[string]*render.Binding{}
		get := func(ns string) *render.Binding {
			if byNS[ns] == nil {
				byNS[ns] = &render.Binding{Namespace: ns}
			}
			return byNS[ns]
		}
		for _, ns := range namespaces {
			get(ns)
		}
		for _, v := range sas {
			ns, name, ok := strings.Cut(v, "/")
			if !ok {
				return nil, nil, fmt.Errorf("--service-account %q: want NAMESPACE/NAME", v)
			}
			b := get(ns)
			b.ServiceAccounts = append(b.ServiceAccounts, name)
		}
		for _, v := range groups {
			ns, g, ok := strings.Cut(v, "/")
			if !ok {
				return nil, nil, fmt.Errorf("--group %q: want NAMESPACE/GROUP", v)
			}
			b := get(ns)
			b.Groups = append(b.Groups, g)
		}
		if len(byNS) == 0 {
			return nil, nil, errors.New("give at least one --namespace, --service-account or --group")
		}
		keys := make([]string, 0, len(byNS))
		for ns := range byNS {
			keys = append(keys, ns)
		}
		sort.Strings(keys)
		bindings := make([]render.Binding, 0, len(keys))
		for _, ns := range keys {
			bindings = append(bindings, *byNS[ns])
		}
		res, err := render.PolicyRBAC(*policy, *role, bindings, meta)
		if err != nil {
			return nil, nil, err
		}
		return res.Objects(), nil, nil
	}
}

func renderLimitRange(fs *flag.FlagSet) builder {
	name := fs.String("name", "", "metadata.name (required)")
	namespace := fs.String("namespace", "", "the namespace (required)")
	names := []string{"default", "default-request", "min", "max", "max-limit-request-ratio", "pod-min", "pod-max", "pvc-min", "pvc-max"}
	flags := map[string]*string{}
	for _, f := range names {
		flags[f] = fs.String(f, "", "RESOURCE=QUANTITY,... e.g. cpu=500m,memory=512Mi")
	}
	return func(meta render.Meta) ([]any, []string, error) {
		lists := map[string]map[string]string{}
		for _, f := range names {
			if *flags[f] == "" {
				continue
			}
			m, err := keyValues("--"+f, strings.Split(*flags[f], ","))
			if err != nil {
				return nil, nil, err
			}
			lists[f] = m
		}
		spec := render.LimitRangeSpec{Name: *name, Namespace: *namespace}
		if lists["default"] != nil || lists["default-request"] != nil || lists["min"] != nil || lists["max"] != nil || lists["max-limit-request-ratio"] != nil {
			spec.Container = &render.ContainerLimits{Default: lists["default"], DefaultRequest: lists["default-request"],
				Min: lists["min"], Max: lists["max"], MaxLimitRequestRatio: lists["max-limit-request-ratio"]}
		}
		if lists["pod-min"] != nil || lists["pod-max"] != nil {
			spec.Pod = &render.MinMax{Min: lists["pod-min"], Max: lists["pod-max"]}
		}
		if lists["pvc-min"] != nil || lists["pvc-max"] != nil {
			spec.PVC = &render.MinMax{Min: lists["pvc-min"], Max: lists["pvc-max"]}
		}
		res, err := render.LimitRange(spec, meta)
		if err != nil {
			return nil, nil, err
		}
		return res.Objects(), nil, nil
	}
}

func renderQuota(fs *flag.FlagSet) builder {
	name := fs.String("name", "", "metadata.name (required)")
	namespace := fs.String("namespace", "", "the namespace (required)")
	var hard, scopes listFlag
	fs.Var(&hard, "hard", "RESOURCE=QUANTITY[,...], e.g. requests.cpu=4,limits.memory=16Gi (repeatable)")
	fs.Var(&scopes, "scope", "quota scope: "+strings.Join(render.QuotaScopes(), ", ")+" (repeatable)")
	return func(meta render.Meta) ([]any, []string, error) {
		var items []string
		for _, h := range hard {
			items = append(items, strings.Split(h, ",")...)
		}
		h, err := keyValues("--hard", items)
		if err != nil {
			return nil, nil, err
		}
		res, err := render.ResourceQuota(render.QuotaSpec{Name: *name, Namespace: *namespace, Hard: h, Scopes: scopes}, meta)
		if err != nil {
			return nil, nil, err
		}
		var warnings []string
		for _, w := range res.Warnings {
			warnings = append(warnings, w.Msg)
		}
		return res.Objects(), warnings, nil
	}
}

// hostPathFlag reads --allow-host-path PREFIX[:rw|:ro] (read-only by default). A suffix
// that reads like a mode in another case (":RW") is refused rather than taken as part of
// the path.
func hostPathFlag(v string) (prefix string, readOnly bool, err error) {
	if p, ok := strings.CutSuffix(v, ":rw"); ok {
		return p, false, nil
	}
	if p, ok := strings.CutSuffix(v, ":ro"); ok {
		return p, true, nil
	}
	if i := strings.LastIndexByte(v, ':'); i >= 0 && (strings.EqualFold(v[i:], ":rw") || strings.EqualFold(v[i:], ":ro")) {
		return "", false, fmt.Errorf("--allow-host-path %q: write the mode in lower case, %s", v, strings.ToLower(v[i:]))
	}
	return v, true, nil
}

// profileOptionFlags are the flags of the profile's options.
var profileOptionFlags = map[string]string{
	profile.OptionFargate:             "--fargate",
	profile.OptionAllowedCapabilities: "--allow-capability",
	profile.OptionAdditionalVolumes:   "--volume",
	profile.OptionAllowedHostPaths:    "--allow-host-path",
}

// profileFlagError names the flag (and value) a profile refused: the profile's decision,
// the same as the data sources', in the CLI's terms.
func profileFlagError(err error, level profile.Level, opts profile.Options, hostPaths []string) error {
	var oe *profile.OptionError
	flagName, ok := "", false
	if errors.As(err, &oe) {
		flagName, ok = profileOptionFlags[oe.Option]
	}
	if !ok {
		return err
	}
	var value string
	switch {
	case oe.Index < 0:
	case oe.Option == profile.OptionAllowedCapabilities && oe.Index < len(opts.AllowedCapabilities):
		value = opts.AllowedCapabilities[oe.Index]
	case oe.Option == profile.OptionAdditionalVolumes && oe.Index < len(opts.AdditionalVolumes):
		value = opts.AdditionalVolumes[oe.Index]
	case oe.Option == profile.OptionAllowedHostPaths && oe.Index < len(hostPaths):
		value = hostPaths[oe.Index]
	}
	msg := err.Error()
	if errors.Is(err, profile.ErrHostPathVolume) {
		msg += ": use --allow-host-path PREFIX[:rw]"
	}
	if value != "" {
		return fmt.Errorf("%s %q: %s (profile %s)", flagName, value, msg, level)
	}
	return fmt.Errorf("%s: %s (profile %s)", flagName, msg, level)
}

// fieldFlags are the flags that set a renderer's fields, by the field path's first
// segments (a block, then an attribute).
var fieldFlags = map[string]string{
	"name": "--name", "namespace": "--namespace", "hard": "--hard", "scopes": "--scope",
	"labels": "--label", "annotations": "--annotation", "policy_name": "--policy", "role_name": "--role",
	"container.default": "--default", "container.default_request": "--default-request", "container.min": "--min",
	"container.max": "--max", "container.max_limit_request_ratio": "--max-limit-request-ratio",
	"pod.min": "--pod-min", "pod.max": "--pod-max", "persistent_volume_claim.min": "--pvc-min", "persistent_volume_claim.max": "--pvc-max",
	"binding.namespace": "--namespace", "binding.service_accounts": "--service-account", "binding.groups": "--group",
}

// fieldFlag names the flag (and key) of a renderer's field path, or "" when no flag sets
// it alone.
func fieldFlag(p []any) string {
	var names []string
	var key string
	for _, seg := range p {
		switch v := seg.(type) {
		case string:
			names = append(names, v)
		case render.MapKey:
			key = string(v)
		}
	}
	for n := len(names); n > 0; n-- {
		if f, ok := fieldFlags[strings.Join(names[:n], ".")]; ok {
			if key != "" {
				return fmt.Sprintf("%s %q", f, key)
			}
			return f
		}
	}
	return ""
}

// parseNoArgs parses flags and refuses positional arguments.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) > 0 {
		return fmt.Errorf("unexpected argument %q: every value is given by a flag", positional[0])
	}
	return nil
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// keyValues reads KEY=VALUE items; a repeated key is an error.
func keyValues(flagName string, items []string) (map[string]string, error) {
	if len(items) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(items))
	for _, it := range items {
		k, v, ok := strings.Cut(strings.TrimSpace(it), "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s %q: want KEY=VALUE", flagName, it)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("%s: %s is given twice", flagName, k)
		}
		out[k] = v
	}
	return out, nil
}

// flagWords makes a renderer's error read in the CLI's terms: one line, each field error
// led by the flag that sets the field, the Terraform attribute names as the flags.
func flagWords(err error) string {
	var parts []string
	if fes, ok := err.(render.FieldErrors); ok {
		for _, fe := range fes {
			if f := fieldFlag(fe.Path); f != "" {
				parts = append(parts, f+": "+attributeWords(fe.Msg))
			} else {
				parts = append(parts, attributeWords(fe.Error()))
			}
		}
	} else {
		parts = append(parts, attributeWords(err.Error()))
	}
	return strings.Join(parts, "; ")
}

// attributeWords replaces Terraform attribute names in a message with the flags, and
// line breaks with spaces (the CLI's errors are one line).
func attributeWords(msg string) string {
	for _, r := range [][2]string{
		{"remove allowed_capabilities or set fargate = false", "drop --allow-capability or --fargate"},
		{"default_request", "default-request"}, {"max_limit_request_ratio", "max-limit-request-ratio"},
		{"persistent_volume_claim", "pvc"}, {"service_accounts", "service-account"}, {"policy_name", "policy"}, {"role_name", "role"},
		{"\r", " "}, {"\n", " "},
	} {
		msg = strings.ReplaceAll(msg, r[0], r[1])
	}
	return msg
}

func renderError(stdio Stdio, kind, msg string) int {
	prefix := "render"
	if kind != "" {
		prefix += " " + kind
	}
	fmt.Fprintf(stdio.Err, "%s: %s\n", prefix, safetext.Escape(msg))
	return ExitUsage
}
