package advise

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/safetext"
)

// WriteReport writes the table a reviewer reads: per namespace its level and what holds
// it back, then per service account each exception and relaxation with the workload and
// field that needs it, and the policy that grants it.
func WriteReport(w io.Writer, a *Advice) error {
	r := &reportWriter{w: w}
	r.advice(a)
	return r.err
}

type reportWriter struct {
	w   io.Writer
	err error
}

func (r *reportWriter) printf(format string, args ...any) {
	if r.err != nil {
		return
	}
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = safetext.Escape(s)
		}
	}
	_, r.err = fmt.Fprintf(r.w, format, args...)
}

// table writes rows of cells, aligned, each cell escaped.
func (r *reportWriter) table(indent string, rows [][]string) {
	if r.err != nil || len(rows) == 0 {
		return
	}
	tw := tabwriter.NewWriter(r.w, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = strings.ReplaceAll(safetext.Escape(c), "\t", " ")
		}
		if _, err := fmt.Fprintln(tw, indent+strings.Join(cells, "\t")); err != nil {
			r.err = err
			return
		}
	}
	r.err = tw.Flush()
}

func (r *reportWriter) advice(a *Advice) {
	src := a.Source
	if src == "" {
		src = "the input"
	}
	version := "Kubernetes version not known"
	if a.KubernetesVersion != "" {
		version = "Kubernetes " + a.KubernetesVersion + " (" + a.VersionSource + ")"
	}
	r.printf("advise: %s — %s, Pod Security Standards %s, written as %s\n\n", src, version, a.PodSecurityVersion, a.Mechanism)
	if len(a.Namespaces) > 0 {
		rows := [][]string{{"NAMESPACE", "LEVEL", "ENFORCE/AUDIT/WARN", "WORKLOADS", "HELD BACK", "SERVICE ACCOUNTS WITH EXCEPTIONS"}}
		for _, n := range a.Namespaces {
			labels := "-"
			if n.Labels != nil {
				labels = n.Labels.Enforce + "/" + n.Labels.Audit + "/" + n.Labels.Warn + " " + n.Labels.Version
			}
			held := 0
			for _, w := range n.Workloads {
				if w.Level != Restricted {
					held++
				}
			}
			var sas []string
			for _, g := range n.ServiceAccounts {
				sas = append(sas, g.ServiceAccount)
			}
			rows = append(rows, []string{n.Name, n.Level, labels, fmt.Sprint(len(n.Workloads)), fmt.Sprint(held), orDash(strings.Join(sas, ", "))})
		}
		r.table("", rows)
	}
	for _, n := range a.Namespaces {
		r.namespace(a, n)
	}
	for _, m := range a.Migrations {
		r.migration(m)
	}
	if len(a.Notes) > 0 {
		r.printf("\nnotes:\n")
		for _, n := range a.Notes {
			r.printf("  - %s\n", n)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (r *reportWriter) namespace(a *Advice, n *Namespace) {
	r.printf("\nnamespace %s: %s\n", n.Name, n.Level)
	if n.Migrated != "" {
		r.printf("  from PodSecurityPolicy %s (no workload of the input runs here)\n", n.Migrated)
	}
	if len(n.Current) > 0 {
		var cur []string
		for k, v := range n.Current {
			cur = append(cur, strings.TrimPrefix(k, "pod-security.kubernetes.io/")+"="+v)
		}
		sort.Strings(cur)
		if n.CreatedBy != "" {
			r.printf("  today: %s (%s)\n", strings.Join(cur, ", "), n.CreatedBy)
		} else {
			r.printf("  today: %s\n", strings.Join(cur, ", "))
		}
	}
	for _, why := range n.NotDecidable {
		r.printf("  not decidable yet: %s\n", why)
	}
	for _, why := range n.NotWritable {
		r.printf("  not written: %s\n", why)
	}
	if n.Level != LevelUnknown && n.Level != Restricted {
		next := stricter(n.Level)
		rows := [][]string{{"HELD BACK FROM " + strings.ToUpper(next), "LEVEL", "FORBIDDEN (pod-security-admission)"}}
		for _, w := range n.Workloads {
			for i, f := range w.Forbidden[next] {
				id := ""
				lvl := ""
				if i == 0 {
					id, lvl = w.ID()+" ("+w.Origin+")", w.Level
				}
				reason := f.Reason
				if f.Detail != "" {
					reason += ": " + f.Detail
				}
				rows = append(rows, []string{id, lvl, reason})
			}
		}
		if len(rows) > 1 {
			r.table("  ", rows)
		}
	}
	for _, g := range n.ServiceAccounts {
		r.group(n, g)
	}
	if n.Rest != nil {
		r.group(n, n.Rest)
	}
}

func (r *reportWriter) group(n *Namespace, g *Group) {
	switch {
	case g.ServiceAccount == "":
		who := "every other pod"
		if len(g.Except) == 0 {
			who = "every pod"
		}
		r.printf("\n  %s of %s: %s\n", who, n.Name, orDash(strings.Join(g.Workloads, ", ")))
	case g.Create:
		r.printf("\n  service account %s (to create, for %s, which runs as default today)\n", g.ServiceAccount, strings.Join(g.Workloads, ", "))
	default:
		r.printf("\n  service account %s: %s\n", g.ServiceAccount, strings.Join(g.Workloads, ", "))
	}
	rows := [][]string{{"EXCEPTION", "NEEDED BY", "FIELD"}}
	add := func(what string, by []NeededBy) {
		for i, b := range by {
			w := what
			if i > 0 {
				w = ""
			}
			field := b.Field
			if b.Value != "" {
				field += " = " + b.Value
			}
			rows = append(rows, []string{w, b.Workload, field})
		}
	}
	e := g.Exceptions
	for _, hp := range e.HostPaths {
		mode := "read-only"
		if !hp.ReadOnly {
			mode = "read-write"
		}
		add("host path "+hp.PathPrefix+" ("+mode+")", hp.NeededBy)
	}
	for _, c := range e.Capabilities {
		add("capability "+c.Value, c.NeededBy)
	}
	for _, p := range e.HostPorts {
		add(fmt.Sprintf("host port %d/%s", p.Port, p.Protocol), p.NeededBy)
	}
	for _, p := range e.HostPortRanges {
		add(fmt.Sprintf("host ports %d-%d", p.Min, p.Max), p.NeededBy)
	}
	for _, h := range e.HostNamespaces {
		add(h.Value, h.NeededBy)
	}
	if len(e.Privileged) > 0 {
		add("privileged", e.Privileged)
	}
	for _, rl := range g.Relaxed {
		for i, b := range rl.NeededBy {
			w := "relaxed " + rl.Rule
			if def, ok := rules.Lookup(rl.Rule); ok {
				w += " (" + def.Title + ")"
			}
			if i > 0 {
				w = ""
			}
			field := orDash(b.Field)
			if b.Value != "" {
				field += " (" + b.Value + ")"
			}
			rows = append(rows, []string{w, b.Workload, field})
		}
	}
	if len(rows) > 1 {
		r.table("    ", rows)
	}
	switch {
	case g.Policy != nil:
		r.printf("    policy %s enforces %s\n", g.Policy.Name, strings.Join(g.Policy.Rules, ", "))
	case g.Legacy != nil:
		r.printf("    PodSecurityPolicy %s (%s), bound to %s\n", g.Legacy.Name, g.Legacy.Profile, g.Legacy.boundTo())
	}
	if g.Note != "" {
		r.printf("    %s\n", g.Note)
	}
}

func (r *reportWriter) migration(m *Migration) {
	r.printf("\nPodSecurityPolicy %s", m.Name)
	if m.Origin != "" {
		r.printf(" (%s)", m.Origin)
	}
	r.printf(": Pod Security Standards %s; namespaces it reaches need enforce=%s\n", m.Level, m.Enforce)
	if len(m.Beyond) > 0 {
		r.printf("  allows beyond restricted: %s\n", strings.Join(m.Beyond, "; "))
	}
	for _, rl := range m.Relaxed {
		r.printf("  not enforced after migration: %s\n", rl.Message)
	}
	for _, l := range m.Lost {
		r.printf("  lost: %s\n", l)
	}
	rows := [][]string{{"REACHES", "VIA"}}
	for _, re := range m.Reach {
		who := ""
		switch {
		case re.Everywhere:
			who = "every service account of every namespace (" + re.Creator + ")"
		case re.Namespace != "" && re.ServiceAccount != "":
			who = "service account " + re.Namespace + "/" + re.ServiceAccount
		case re.Namespace != "":
			who = "every service account of " + re.Namespace
			if re.Creator != "" {
				who += " (" + re.Creator + ")"
			}
		default:
			who = re.Creator
		}
		rows = append(rows, []string{who, re.Via})
	}
	if len(rows) > 1 {
		r.table("  ", rows)
	}
	for _, n := range m.Notes {
		r.printf("  note: %s\n", n)
	}
}
