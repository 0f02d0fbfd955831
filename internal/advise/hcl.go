package advise

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
)

// WriteHCL writes the advice as a Terraform configuration that uses this provider's data
// sources (and the kubernetes provider's kubernetes_labels and kubernetes_manifest to apply
// what they render), formatted as terraform fmt formats it.
func WriteHCL(w io.Writer, a *Advice) error {
	hw := &hclWriter{f: hclwrite.NewEmptyFile(), names: map[string]bool{}}
	hw.write(a)
	if hw.err != nil {
		return hw.err
	}
	_, err := w.Write(hclwrite.Format(hw.f.Bytes()))
	return err
}

type hclWriter struct {
	f     *hclwrite.File
	names map[string]bool
	// err is the first expression advise wrote that HCL cannot parse (a bug).
	err error
}

func (hw *hclWriter) body() *hclwrite.Body { return hw.f.Body() }

// comment writes comment lines, wrapped at 100 columns (escaped: input text never breaks
// out of a comment).
func (hw *hclWriter) comment(lines ...string) {
	for _, l := range lines {
		indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
		for _, w := range wrap(safetext.Escape(strings.TrimLeft(l, " ")), 98-len(indent)) {
			hw.body().AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte(strings.TrimRight("# "+indent+w, " ") + "\n")}})
		}
	}
}

// wrap splits text into lines of at most width bytes, at spaces (a longer word stays
// whole); continuation lines are indented by two spaces.
func wrap(text string, width int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) <= width:
			line += " " + word
		default:
			out = append(out, line)
			line = "  " + word
		}
	}
	return append(out, line)
}

// name is a unique Terraform name made of parts ("kube-system", "node-agent" →
// kube_system_node_agent).
func (hw *hclWriter) name(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		for _, r := range strings.ToLower(p) {
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
	}
	base := strings.Trim(b.String(), "_")
	if base == "" || (base[0] >= '0' && base[0] <= '9') {
		base = "ns_" + base
	}
	n := base
	for i := 2; hw.names[n]; i++ {
		n = fmt.Sprintf("%s_%d", base, i)
	}
	hw.names[n] = true
	return n
}

// expr parses an expression written as text into tokens (string literals in it are
// written with lit).
func (hw *hclWriter) expr(src string) hclwrite.Tokens {
	f, diags := hclwrite.ParseConfig([]byte("x = "+src+"\n"), "expr.tf", hcl.InitialPos)
	if diags.HasErrors() {
		if hw.err == nil {
			hw.err = fmt.Errorf("writing HCL: an expression does not parse: %s", diags.Error())
		}
		return hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte("null")}}
	}
	return f.Body().GetAttribute("x").Expr().BuildTokens(nil)
}

// lit is a string literal.
func lit(s string) string { return string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes()) }

func strList(list []string) cty.Value {
	if len(list) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(list))
	for i, s := range list {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}

func strMap(m map[string]string) cty.Value {
	vals := map[string]cty.Value{}
	for k, v := range m {
		vals[k] = cty.StringVal(v)
	}
	return cty.MapVal(vals)
}

func (hw *hclWriter) write(a *Advice) {
	b := hw.body()
	header := "Written by terraform-provider-ekspodsec advise"
	if a.Source != "" {
		header += " from " + a.Source
	}
	hw.comment(header + ".")
	if a.KubernetesVersion != "" {
		hw.comment(fmt.Sprintf("Kubernetes %s (%s); Pod Security Standards %s.", a.KubernetesVersion, a.VersionSource, a.PodSecurityVersion))
	} else {
		hw.comment("Kubernetes version not known: Pod Security Standards latest, policies for Kubernetes 1.30 or later.")
	}
	hw.comment("Review before applying: --report lists why each level, exception and relaxation is here.")
	b.AppendNewline()
	tf := b.AppendNewBlock("terraform", nil).Body()
	rp := tf.AppendNewBlock("required_providers", nil).Body()
	rp.SetAttributeValue("ekspodsec", cty.ObjectVal(map[string]cty.Value{"source": cty.StringVal("ekspodsec/ekspodsec")}))
	rp.SetAttributeValue("kubernetes", cty.ObjectVal(map[string]cty.Value{"source": cty.StringVal("hashicorp/kubernetes")}))

	for _, n := range a.Namespaces {
		if n.Level == LevelUnknown || len(n.NotWritable) > 0 {
			b.AppendNewline()
			why := n.NotDecidable
			if len(why) == 0 {
				why = n.NotWritable
			}
			hw.comment(fmt.Sprintf("Namespace %s: nothing is written: its level is not decidable yet.", n.Name))
			for _, w := range why {
				hw.comment("  " + w)
			}
		}
	}
	for _, x := range a.artifacts() {
		b.AppendNewline()
		switch {
		case x.namespace != nil:
			hw.namespace(a, x.namespace)
		case x.serviceAccount != nil:
			hw.serviceAccount(x.serviceAccount)
		case x.policy != nil:
			hw.policy(x.in, x.group, x.policy)
		case x.legacy != nil:
			hw.legacy(x.in, x.group, x.legacy)
		}
	}
}

func (hw *hclWriter) namespace(a *Advice, n *Namespace) {
	name := hw.name(n.Name)
	held := 0
	for _, w := range n.Workloads {
		if w.Level != Restricted {
			held++
		}
	}
	switch {
	case n.Migrated != "":
		hw.comment(fmt.Sprintf("Namespace %s: %s, the boundary PodSecurityPolicy %s gave it.", n.Name, n.Level, n.Migrated))
	case n.Level == Restricted:
		hw.comment(fmt.Sprintf("Namespace %s: restricted: all %d workloads pass it.", n.Name, len(n.Workloads)))
	default:
		hw.comment(fmt.Sprintf("Namespace %s: %s: %d of %d workloads need more than restricted; the policies below "+
			"keep every service account to what its workloads use.", n.Name, n.Level, held, len(n.Workloads)))
	}
	if n.CreatedBy != "" {
		hw.comment(fmt.Sprintf("The input creates this namespace (%s): take the pod-security.kubernetes.io/* labels out of it "+
			"(or merge data.ekspodsec_pod_security_admission.%s.labels into its labels instead of this kubernetes_labels): "+
			"two resources must not own the same labels.", n.CreatedBy, name))
	}
	d := hw.body().AppendNewBlock("data", []string{"ekspodsec_pod_security_admission", name}).Body()
	d.SetAttributeValue("namespace", cty.StringVal(n.Name))
	d.SetAttributeValue("enforce", cty.StringVal(n.Labels.Enforce))
	if a.WarnLevel {
		d.SetAttributeValue("audit", cty.StringVal(n.Labels.Audit))
		d.SetAttributeValue("warn", cty.StringVal(n.Labels.Warn))
	}
	if a.KubernetesVersion != "" {
		d.SetAttributeValue("kubernetes_version", cty.StringVal(a.KubernetesVersion))
	}
	hw.body().AppendNewline()
	r := hw.body().AppendNewBlock("resource", []string{"kubernetes_labels", name}).Body()
	r.SetAttributeValue("api_version", cty.StringVal("v1"))
	r.SetAttributeValue("kind", cty.StringVal("Namespace"))
	r.AppendNewBlock("metadata", nil).Body().SetAttributeValue("name", cty.StringVal(n.Name))
	r.SetAttributeRaw("labels", hw.expr("data.ekspodsec_pod_security_admission."+name+".manifest.metadata.labels"))
	r.SetAttributeValue("force", cty.True)
}

func (hw *hclWriter) serviceAccount(sa *ServiceAccountToCreate) {
	name := hw.name(sa.Namespace, sa.Name, "service_account")
	hw.comment(fmt.Sprintf("%s runs as the default service account of %s, which is never granted anything: "+
		"give it this one (serviceAccountName: %s); the policy below is written for it, and until it runs as %s the policy of the other pods refuses it.",
		sa.For, sa.Namespace, sa.Name, sa.Name))
	r := hw.body().AppendNewBlock("resource", []string{"kubernetes_manifest", name}).Body()
	r.SetAttributeValue("manifest", cty.ObjectVal(map[string]cty.Value{
		"apiVersion": cty.StringVal("v1"),
		"kind":       cty.StringVal("ServiceAccount"),
		"metadata":   cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(sa.Name), "namespace": cty.StringVal(sa.Namespace)}),
	}))
}

func (hw *hclWriter) policy(namespace string, g *Group, p *Policy) {
	var name string
	if g.ServiceAccount != "" {
		name = hw.name(namespace, g.ServiceAccount)
		hw.comment(fmt.Sprintf("Service account %s/%s (%s): %s.", namespace, g.ServiceAccount, strings.Join(g.Workloads, ", "), g.summary()))
	} else {
		name = hw.name(namespace, "other_pods")
		who := "every pod of " + namespace
		if len(g.Except) > 0 {
			who += " but those of " + strings.Join(g.Except, ", ")
		}
		hw.comment(fmt.Sprintf("%s: the restricted rules%s.", who, relaxedText(g)))
	}
	ds := "data.ekspodsec_validating_admission_policy." + name
	d := hw.body().AppendNewBlock("data", []string{"ekspodsec_validating_admission_policy", name}).Body()
	s := p.DataSource
	d.SetAttributeValue("name", cty.StringVal(s.Name))
	if s.KubernetesVersion != "" {
		d.SetAttributeValue("kubernetes_version", cty.StringVal(s.KubernetesVersion))
	}
	d.SetAttributeValue("pod_security_standards", cty.BoolVal(s.PodSecurityStandards))
	if s.AllowedCapabilities != nil {
		d.SetAttributeValue("allowed_capabilities", strList(s.AllowedCapabilities))
	}
	if len(s.AllowedHostPaths) > 0 {
		var hps []string
		for _, hp := range s.AllowedHostPaths {
			hps = append(hps, "{ path_prefix = "+lit(hp)+" },")
		}
		d.SetAttributeRaw("allowed_host_paths", hw.expr("[\n"+strings.Join(hps, "\n")+"\n]"))
	}
	d.SetAttributeValue("namespace_selector", strMap(s.NamespaceSelector))
	if s.ExemptNamespaces != nil {
		d.SetAttributeValue("exempt_namespaces", strList(s.ExemptNamespaces))
	}
	d.SetAttributeValue("fargate_selectors", cty.EmptyTupleVal)

	hw.body().AppendNewline()
	r := hw.body().AppendNewBlock("resource", []string{"kubernetes_manifest", name + "_policy"}).Body()
	if len(p.Dropped) == 0 && len(p.Added) == 0 && len(p.MatchConditions) == 0 {
		r.SetAttributeRaw("manifest", hw.expr(ds+".policy"))
	} else {
		var spec []string
		if len(p.MatchConditions) > 0 {
			var mcs []string
			for _, m := range p.MatchConditions {
				mcs = append(mcs, fmt.Sprintf("{\nname = %s\nexpression = %s\n}", lit(m.Name), lit(m.Expression)))
			}
			spec = append(spec, "matchConditions = [\n"+strings.Join(mcs, ",\n")+",\n]")
		}
		if len(p.Dropped) > 0 || len(p.Added) > 0 {
			kept := ds + ".policy.spec.validations"
			if len(p.Dropped) > 0 {
				var ids []string
				for _, id := range p.Dropped {
					ids = append(ids, lit(id))
				}
				kept = fmt.Sprintf("[for v in %s.policy.spec.validations : v if !contains([%s], split(\":\", v.message)[0])]", ds, strings.Join(ids, ", "))
			}
			if len(p.Added) == 0 {
				spec = append(spec, "validations = "+kept)
			} else {
				var added []string
				for _, v := range p.Added {
					added = append(added, fmt.Sprintf("{\nexpression = %s\nmessage = %s\nreason = \"Invalid\"\n}", lit(v.Expression), lit(v.Message)))
				}
				spec = append(spec, "validations = concat(\n"+kept+",\n[\n"+strings.Join(added, ",\n")+",\n],\n)")
			}
		}
		r.SetAttributeRaw("manifest", hw.expr(fmt.Sprintf("merge(%s.policy, {\nspec = merge(%s.policy.spec, {\n%s\n})\n})", ds, ds, strings.Join(spec, "\n"))))
	}
	hw.body().AppendNewline()
	bd := hw.body().AppendNewBlock("resource", []string{"kubernetes_manifest", name + "_binding"}).Body()
	bd.SetAttributeRaw("manifest", hw.expr(ds+".binding"))
	bd.SetAttributeRaw("depends_on", hw.expr("[kubernetes_manifest."+name+"_policy]"))
}

func relaxedText(g *Group) string {
	if len(g.Relaxed) == 0 {
		return ""
	}
	var ids []string
	for _, r := range g.Relaxed {
		ids = append(ids, r.Rule)
	}
	sort.Strings(ids)
	return " but " + strings.Join(ids, ", ") + " (relaxed for " + strings.Join(g.Workloads, ", ") + ")"
}
