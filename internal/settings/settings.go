// Package settings reads plan-check's settings file, .ekspodsec.hcl (HCL, parsed with
// hashicorp/hcl/v2), and applies its waivers to findings.
//
//	fail_on            = "high"
//	kubernetes_version = "1.31"
//	diff               = true                # --diff: judge what the change makes worse
//	allowed_host_paths = ["/var/log"]
//	rule "EPS020" { severity = "info" }      # or enabled = false
//	rule "EPS033" { enabled = true }         # a rule that is off by default
//	rule "CKV_K8S_22" { severity = "medium" } # another tool's ID: applied to the EPS rules that cover it
//	waiver {
//	  rule    = "EPS005"
//	  address = "module.logging.kubernetes_daemon_set_v1.*"
//	  reason  = "fluent-bit reads node logs read-only"
//	  expires = "2027-06-30"
//	}
//	helm {                                   # helm_release charts
//	  cache   = "ci/helm-cache"              # --helm-cache (relative to this file)
//	  offline = true                         # --helm-offline
//	  timeout = "30s"                        # --helm-timeout (per request)
//	}
package settings

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/glob"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/hcldepth"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// FileName is the settings file plan-check looks for in the Terraform root module.
const FileName = ".ekspodsec.hcl"

// Settings is a parsed settings file.
type Settings struct {
	// Path is the file that was read ("" when there was none).
	Path                string
	FailOn              *finding.Severity
	AllowedHostPaths    []profile.HostPath
	AllowedCapabilities []string
	Overrides           map[string]rules.RuleOverride
	Waivers             []Waiver
	// KubernetesVersion is the version the plan deploys to ("1.31"), when the plan does
	// not say; "" when not set.
	KubernetesVersion string
	// Helm says where helm_release charts come from (the helm block); the flags
	// --helm-cache, --helm-offline and --helm-timeout override it.
	Helm Helm
	// Diff is `diff = true`: compare the plan with the objects as they exist now
	// (--diff); nil when not set. --diff=false overrides it.
	Diff *bool
	// Notes say how the file was read where it could surprise: a rule block or waiver
	// written with another tool's ID, and the EPS rules it was applied to. Apply returns
	// them with its own, so they reach the report.
	Notes []string
}

// Helm is the helm block: the chart cache (an absolute path, resolved against the
// settings file's directory), whether the network may be used, and the timeout of each
// request. Unset fields are nil or zero.
type Helm struct {
	CacheDir string
	Offline  *bool
	Timeout  time.Duration
}

// Waiver accepts the risk of one rule on the addresses matching a glob, until a date.
type Waiver struct {
	// Rule is the EPS rule the waiver accepts; Rules all of them, when it was written
	// with another tool's ID that several EPS rules cover (Peer).
	Rule  string
	Rules []string
	// Peer is the other tool's ID the waiver was written with ("" for an EPS ID).
	Peer    string
	Address string // glob: * any run of characters, ? one character
	Reason  string
	// Expires is the last day the waiver applies.
	Expires time.Time
	// Source is "file:line" of the waiver block.
	Source string
}

type fileBody struct {
	FailOn              *string  `hcl:"fail_on,optional"`
	AllowedHostPaths    []string `hcl:"allowed_host_paths,optional"`
	AllowedCapabilities []string `hcl:"allowed_capabilities,optional"`
	KubernetesVersion   *string  `hcl:"kubernetes_version,optional"`
	Diff                *bool    `hcl:"diff,optional"`
	Remain              hcl.Body `hcl:",remain"`
}

type helmBody struct {
	Cache   *string `hcl:"cache,optional"`
	Offline *bool   `hcl:"offline,optional"`
	Timeout *string `hcl:"timeout,optional"`
}

type ruleBody struct {
	Severity *string `hcl:"severity,optional"`
	Enabled  *bool   `hcl:"enabled,optional"`
}

type waiverBody struct {
	Rule    *hcl.Attribute `hcl:"rule,attr"`
	Address *hcl.Attribute `hcl:"address,attr"`
	Reason  *hcl.Attribute `hcl:"reason,attr"`
	Expires *hcl.Attribute `hcl:"expires,attr"`
}

var blocksSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "rule", LabelNames: []string{"id"}},
	{Type: "waiver"},
	{Type: "helm"},
}}

// Load reads a settings file: a regular file of at most maxSize bytes (a named pipe or
// a device is refused before it is opened). Errors name the file and line (from HCL's
// diagnostics).
func Load(path string, maxSize int64) (*Settings, error) {
	src, err := inputfile.Read(path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("reading settings: %w", err)
	}
	return Parse(src, path)
}

// Find returns the settings file of a Terraform root module directory, or "".
func Find(dir string) string {
	p := filepath.Join(dir, FileName)
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p
	}
	return ""
}

// Parse parses settings from src; filename is used in messages. Nesting deeper than
// hcldepth.MaxNesting is refused before parsing.
func Parse(src []byte, filename string) (*Settings, error) {
	file, diags, err := hcldepth.ParseConfig(src, filename, hcl.InitialPos)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	var top fileBody
	if diags := gohcl.DecodeBody(file.Body, nil, &top); diags.HasErrors() {
		return nil, diagError(diags)
	}
	content, diags := top.Remain.Content(blocksSchema)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	s := &Settings{Path: filename, Overrides: map[string]rules.RuleOverride{}, Diff: top.Diff}
	known := map[string]bool{}
	for _, r := range rules.Catalogue() {
		known[r.ID] = true
	}
	rangeErr := func(rng hcl.Range, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", rng.Filename, rng.Start.Line, fmt.Sprintf(format, args...))
	}

	if top.FailOn != nil {
		sev, err := finding.ParseSeverity(*top.FailOn)
		if err != nil {
			return nil, fmt.Errorf("%s: fail_on: %w", filename, err)
		}
		s.FailOn = &sev
	}
	if top.KubernetesVersion != nil {
		v, err := k8sversion.Parse(*top.KubernetesVersion)
		if err != nil {
			return nil, fmt.Errorf("%s: kubernetes_version: %w", filename, err)
		}
		s.KubernetesVersion = v.String()
	}
	for _, p := range top.AllowedHostPaths {
		clean, err := profile.CleanHostPath(p)
		if err != nil {
			return nil, fmt.Errorf("%s: allowed_host_paths: %w", filename, err)
		}
		s.AllowedHostPaths = append(s.AllowedHostPaths, profile.HostPath{PathPrefix: clean, ReadOnly: true})
	}
	for _, c := range top.AllowedCapabilities {
		n, err := profile.NormalizeCapability(c)
		if err != nil {
			return nil, fmt.Errorf("%s: allowed_capabilities: %w", filename, err)
		}
		s.AllowedCapabilities = append(s.AllowedCapabilities, n)
	}

	seenHelm := false
	for _, b := range content.Blocks {
		switch b.Type {
		case "rule":
			id := b.Labels[0]
			ids := []string{id}
			if !known[id] {
				mapped, note, err := peerRules(id)
				if err != nil {
					return nil, rangeErr(b.LabelRanges[0], "rule %s", err)
				}
				ids = mapped
				s.Notes = append(s.Notes, fmt.Sprintf("%s:%d: rule %q: %s", b.DefRange.Filename, b.DefRange.Start.Line, id, note))
			}
			var rb ruleBody
			if diags := gohcl.DecodeBody(b.Body, nil, &rb); diags.HasErrors() {
				return nil, diagError(diags)
			}
			var sev *finding.Severity
			if rb.Severity != nil {
				v, err := finding.ParseSeverity(*rb.Severity)
				if err != nil {
					return nil, rangeErr(b.DefRange, "rule %s: %v", id, err)
				}
				sev = &v
			}
			for _, rid := range ids {
				o := s.Overrides[rid]
				if sev != nil {
					o.Severity = sev
				}
				if rb.Enabled != nil {
					o.Disabled, o.Enabled = !*rb.Enabled, *rb.Enabled
				}
				s.Overrides[rid] = o
			}
		case "waiver":
			w, note, err := parseWaiver(b, known)
			if err != nil {
				return nil, err
			}
			if note != "" {
				s.Notes = append(s.Notes, note)
			}
			s.Waivers = append(s.Waivers, w)
		case "helm":
			if seenHelm {
				return nil, rangeErr(b.DefRange, "a second helm block: write the helm settings once")
			}
			seenHelm = true
			if err := parseHelm(b, filename, &s.Helm); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// parseHelm reads the helm block.
func parseHelm(b *hcl.Block, filename string, h *Helm) error {
	var hb helmBody
	if diags := gohcl.DecodeBody(b.Body, nil, &hb); diags.HasErrors() {
		return diagError(diags)
	}
	where := fmt.Sprintf("%s:%d", b.DefRange.Filename, b.DefRange.Start.Line)
	if hb.Cache != nil {
		dir := strings.TrimSpace(*hb.Cache)
		if dir == "" {
			return fmt.Errorf("%s: helm cache is empty: give the directory of the chart archives (NAME-VERSION.tgz)", where)
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(filepath.Dir(filename), dir)
		}
		h.CacheDir = dir
	}
	h.Offline = hb.Offline
	if hb.Timeout != nil {
		d, err := time.ParseDuration(strings.TrimSpace(*hb.Timeout))
		if err != nil || d <= 0 {
			return fmt.Errorf("%s: helm timeout %q is not a positive duration: write it like \"30s\" or \"2m\"", where, *hb.Timeout)
		}
		h.Timeout = d
	}
	return nil
}

// peerRules maps another tool's check ID to the EPS rules that cover it, with a note
// that says so; a check no rule covers, or an ID of no known check, is an error.
func peerRules(id string) ([]string, string, error) {
	p, covering, ok := rules.LookupPeer(id)
	if !ok {
		return nil, "", fmt.Errorf("%q is not in the catalogue (docs/plan-check.md), nor a Checkov, KICS, Trivy or Pod Security Standards check of the migration map (docs/peers.md)", id)
	}
	if len(covering) == 0 {
		return nil, "", fmt.Errorf("%q is %s's %q, which no EPS rule covers: %s (docs/peers.md)", id, p.Tool, p.Title, p.NotCovered)
	}
	return covering, fmt.Sprintf("%s's %s (%s) is applied to %s, which cover%s it (docs/peers.md)",
		p.Tool, p.ID, p.Title, strings.Join(covering, ", "), verbS(len(covering))), nil
}

func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

func parseWaiver(b *hcl.Block, known map[string]bool) (Waiver, string, error) {
	w, err := parseWaiverBody(b, known)
	if err != nil {
		return w, "", err
	}
	if w.Peer == "" {
		w.Rules = []string{w.Rule}
		return w, "", nil
	}
	mapped, note, err := peerRules(w.Peer)
	if err != nil {
		return w, "", fmt.Errorf("%s: waiver rule %w", w.Source, err)
	}
	w.Rule, w.Rules = mapped[0], mapped
	return w, fmt.Sprintf("waiver %s: %s", w.Source, note), nil
}

func parseWaiverBody(b *hcl.Block, known map[string]bool) (Waiver, error) {
	var wb waiverBody
	if diags := gohcl.DecodeBody(b.Body, nil, &wb); diags.HasErrors() {
		return Waiver{}, diagError(diags)
	}
	w := Waiver{Source: fmt.Sprintf("%s:%d", b.DefRange.Filename, b.DefRange.Start.Line)}
	str := func(a *hcl.Attribute, name string, required bool) (string, error) {
		if a == nil {
			if required {
				return "", fmt.Errorf("%s: waiver needs %s", w.Source, explain(name))
			}
			return "", nil
		}
		var v string
		if diags := gohcl.DecodeExpression(a.Expr, nil, &v); diags.HasErrors() {
			return "", diagError(diags)
		}
		if strings.TrimSpace(v) == "" && required {
			return "", fmt.Errorf("%s:%d: waiver %s is empty: %s", a.Range.Filename, a.Range.Start.Line, name, explain(name))
		}
		return strings.TrimSpace(v), nil
	}
	var err error
	if w.Rule, err = str(wb.Rule, "rule", true); err != nil {
		return w, err
	}
	if !known[w.Rule] {
		if _, _, ok := rules.LookupPeer(w.Rule); !ok {
			return w, fmt.Errorf("%s:%d: waiver rule %q is not in the catalogue, nor another tool's check of the migration map (docs/peers.md)", wb.Rule.Range.Filename, wb.Rule.Range.Start.Line, w.Rule)
		}
		w.Peer = w.Rule
	}
	if w.Address, err = str(wb.Address, "address", true); err != nil {
		return w, err
	}
	if w.Reason, err = str(wb.Reason, "reason", true); err != nil {
		return w, err
	}
	expires, err := str(wb.Expires, "expires", true)
	if err != nil {
		return w, err
	}
	t, perr := time.Parse("2006-01-02", expires)
	if perr != nil {
		return w, fmt.Errorf("%s:%d: waiver expires %q is not a date: write YYYY-MM-DD, e.g. \"2027-06-30\"",
			wb.Expires.Range.Filename, wb.Expires.Range.Start.Line, expires)
	}
	w.Expires = t
	return w, nil
}

func explain(name string) string {
	switch name {
	case "rule":
		return `rule = "EPSnnn": the rule it accepts`
	case "address":
		return `address = "...": the Terraform address it applies to (a glob: * and ?)`
	case "reason":
		return `reason = "...": why the risk is accepted, for the reviewer`
	case "expires":
		return `expires = "YYYY-MM-DD": waivers must expire, so the risk is reviewed again`
	}
	return name
}

// diagError turns HCL diagnostics into one error with file:line.
func diagError(diags hcl.Diagnostics) error {
	var parts []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		loc := ""
		if d.Subject != nil {
			loc = fmt.Sprintf("%s:%d: ", d.Subject.Filename, d.Subject.Start.Line)
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		parts = append(parts, loc+msg)
	}
	return fmt.Errorf("%s", strings.Join(parts, "; "))
}

// Active reports whether the waiver still applies on day now (its expiry day included).
func (w Waiver) Active(now time.Time) bool {
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return !today.After(w.Expires)
}

// Apply marks findings that an active waiver accepts as waived, and returns notes about
// expired waivers and waivers that matched nothing.
func (s *Settings) Apply(fs []finding.Finding, now time.Time) []string {
	return s.ApplyEach(len(fs), func(i int) finding.Finding { return fs[i] }, func(i int, f finding.Finding) { fs[i] = f }, now)
}

// ApplyEach is Apply over n findings read with get and, when a waiver applies, written back
// with put: for findings held in another form than a slice (report.Table). Each finding is
// read once; the waivers are tried in order, as Apply does.
func (s *Settings) ApplyEach(n int, get func(int) finding.Finding, put func(int, finding.Finding), now time.Time) []string {
	notes := append([]string(nil), s.Notes...)
	type waiverRules struct {
		ids    []string
		active bool
	}
	ws := make([]waiverRules, len(s.Waivers))
	for k, w := range s.Waivers {
		ws[k] = waiverRules{ids: w.Rules, active: w.Active(now)}
		if len(ws[k].ids) == 0 {
			ws[k].ids = []string{w.Rule}
		}
	}
	matched := make([]int, len(s.Waivers))
	if len(s.Waivers) > 0 {
		for i := 0; i < n; i++ {
			f := get(i)
			changed := false
			for k, w := range s.Waivers {
				if !slices.Contains(ws[k].ids, f.RuleID) || f.Status == finding.Waived || !glob.Match(w.Address, f.Address) {
					continue
				}
				matched[k]++
				if ws[k].active {
					f.Status = finding.Waived
					f.Waiver = &finding.Waiver{Reason: w.Reason, Source: w.Source, Expires: w.Expires.Format("2006-01-02")}
					changed = true
				}
			}
			if changed {
				put(i, f)
			}
		}
	}
	for k, w := range s.Waivers {
		what := strings.Join(ws[k].ids, ", ")
		if w.Peer != "" {
			what = w.Peer + " = " + what
		}
		switch {
		case !ws[k].active:
			notes = append(notes, fmt.Sprintf("waiver %s (%s on %s) expired on %s: its %d finding(s) count again",
				w.Source, what, w.Address, w.Expires.Format("2006-01-02"), matched[k]))
		case matched[k] == 0:
			notes = append(notes, fmt.Sprintf("waiver %s (%s on %s) matches no finding: remove it if the risk is gone",
				w.Source, what, w.Address))
		}
	}
	return notes
}
