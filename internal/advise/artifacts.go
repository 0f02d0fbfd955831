package advise

import (
	"fmt"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

// artifact is one thing the advice writes: a namespace's labels, a service account to
// create, a policy and its binding, or a PodSecurityPolicy and its RBAC. The HCL and YAML
// writers both walk the same list, so their manifests are the same, in the same order.
type artifact struct {
	namespace      *Namespace
	serviceAccount *ServiceAccountToCreate
	policy         *Policy
	group          *Group
	legacy         *LegacyPolicy
	// in is the namespace the artifact belongs to.
	in string
}

// artifacts lists what the advice writes, namespace by namespace.
func (a *Advice) artifacts() []artifact {
	var out []artifact
	for _, n := range a.Namespaces {
		if n.Labels != nil {
			out = append(out, artifact{namespace: n, in: n.Name})
		}
		for _, sa := range a.ServiceAccounts {
			if sa.Namespace != n.Name {
				continue
			}
			if g := n.group(sa.Name); g != nil && (g.Policy != nil || g.Legacy != nil) {
				out = append(out, artifact{serviceAccount: &sa, group: g, in: n.Name})
			}
		}
		for _, g := range append(append([]*Group(nil), n.ServiceAccounts...), n.Rest) {
			switch {
			case g == nil:
			case g.Policy != nil:
				out = append(out, artifact{policy: g.Policy, group: g, in: n.Name})
			case g.Legacy != nil:
				out = append(out, artifact{legacy: g.Legacy, group: g, in: n.Name})
			}
		}
	}
	return out
}

// group is the namespace's group of a service account.
func (n *Namespace) group(sa string) *Group {
	for _, g := range n.ServiceAccounts {
		if g.ServiceAccount == sa {
			return g
		}
	}
	return nil
}

// serviceAccountObject is the ServiceAccount advise writes.
func serviceAccountObject(sa *ServiceAccountToCreate) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": sa.Name, "namespace": sa.Namespace}}
}

// maps renders an artifact's objects as the data sources render them.
func (x artifact) maps() ([]map[string]any, error) {
	switch {
	case x.namespace != nil:
		return render.All(x.namespace.Labels.render(x.namespace.Name).Namespace)
	case x.serviceAccount != nil:
		return []map[string]any{serviceAccountObject(x.serviceAccount)}, nil
	case x.policy != nil:
		return x.policy.Maps()
	case x.legacy != nil:
		return x.legacy.Maps()
	}
	return nil, nil
}

// Manifests are every object the advice writes, in order.
func (a *Advice) Manifests() ([]map[string]any, error) {
	var out []map[string]any
	for _, x := range a.artifacts() {
		m, err := x.maps()
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	return out, nil
}

// summary is one line about a group for comments and the report.
func (g *Group) summary() string {
	var parts []string
	e := g.Exceptions
	for _, hp := range e.HostPaths {
		mode := "read-only"
		if !hp.ReadOnly {
			mode = "read-write"
		}
		parts = append(parts, "host path "+hp.PathPrefix+" ("+mode+")")
	}
	for _, c := range e.Capabilities {
		parts = append(parts, "capability "+c.Value)
	}
	for _, p := range portList(e.HostPorts) {
		parts = append(parts, "host port "+p)
	}
	for _, r := range e.HostPortRanges {
		parts = append(parts, fmt.Sprintf("host ports %d-%d", r.Min, r.Max))
	}
	for _, n := range e.HostNamespaces {
		parts = append(parts, n.Value)
	}
	if len(e.Privileged) > 0 {
		parts = append(parts, "privileged containers")
	}
	if len(parts) == 0 {
		parts = append(parts, "no exceptions")
	}
	s := strings.Join(parts, ", ")
	if len(g.Relaxed) > 0 {
		var ids []string
		for _, r := range g.Relaxed {
			ids = append(ids, r.Rule)
		}
		s += fmt.Sprintf("; relaxed: %s", strings.Join(ids, ", "))
	}
	return s
}
