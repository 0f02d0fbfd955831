package plancheck

import (
	"context"
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

// This file is plan-check --diff and --baseline: what a change does to each finding.
//
// --diff judges the objects as they exist now (the plan's prior values: change.before of
// every resource it updates, keeps, replaces or deletes) with the same rules as the plan's,
// against a context built from the prior values too (roles, namespaces, LimitRanges,
// service accounts and EKS facts as they are now), and matches the two sets of findings by
// finding.Fingerprint. A finding of the plan that matches nothing is new; one that matches
// is existing, or worse when the change makes it worse:
//
//   - its severity rises (EPS108 on a binding whose role becomes cluster-admin), or it was
//     waived and no longer is;
//   - on a RoleBinding or ClusterRoleBinding: the binding gains a subject, or the role it
//     grants (resolved in each side's context, so a no-op binding whose Role gains verbs
//     counts) gains a permission: a verb, resource, API group, resource name or URL its
//     rules did not cover;
//   - on a Role or ClusterRole: its rules gain a permission, or the bindings of the plan
//     that grant it bind it to a subject (in a namespace) they did not (a binding of it
//     gains a subject, or a new binding grants it);
//   - on a workload whose Pod Security Standards level drops (restricted → baseline →
//     privileged) when the change adds no finding to it that says so.
//
// A new finding on a workload whose level drops says so ("PSS level restricted →
// privileged"). A finding of the plan that a finding of another rule said before on the
// same container (rules.SaidBy: EPS001's privileged container said EPS002's escalation,
// EPS004's user 0 said EPS032's runAsNonRoot control) is existing: a fix of the one
// uncovers the other, it does not add it; and a finding of now that a finding of the
// plan says (EPS002's escalation once the container is privileged) is not fixed: it is
// left out, the plan's finding reports it. A finding of the objects as they are now that
// matches nothing of the plan is fixed ("the plan deletes it" for a deleted resource) — unless the plan's value of
// that resource is not known until apply: then it may well remain, and it is existing.
// Creates have no prior value (all their findings are new); deletes have no planned one
// (all theirs are fixed).
//
// --baseline matches the plan's findings with an earlier JSON report's the same way:
// severity and waivers decide worse; the RBAC and PSS comparisons need both sides'
// objects and apply to --diff only.

// Matching pairs the findings of two sides that share a fingerprint: first those with the
// same message, then those at the same path, then the rest in order. Two hostPath volumes
// of one pod share a fingerprint (finding.Fingerprint drops list indexes) and are told
// apart by their messages, which name the volume.

// objectKey identifies the object of a finding or of a judged object: its address and,
// for the objects of one address (a chart's, a kubectl_manifest's documents), template,
// kind, namespace and name.
func objectKey(address, template, kind, namespace, name string) string {
	return address + "\x00" + template + "\x00" + kind + "\x00" + namespace + "\x00" + name
}

func findingObject(f *finding.Finding) string {
	return objectKey(f.Address, f.Template, f.Kind, f.Namespace, f.Name)
}

func judgedObject(o *plan.Object, s *object.Object) string {
	id := rules.Identify(s)
	return objectKey(o.Address, "", id.Kind, id.Namespace, id.Name)
}

// grant is what an RBAC object gives: a binding's subjects and the rules of the role it
// grants (rulesKnown false when that role is neither in the plan nor known to be built
// in), or a role's own rules.
type grant struct {
	subjects   []string
	rules      []rbacv1.PolicyRule
	rulesKnown bool
	binding    bool
}

// side is one side of a diff: the objects as they exist now, or as the plan leaves them.
type side struct {
	roles  map[string][]rbacv1.PolicyRule // "ClusterRole\x00name", "Role\x00ns\x00name"
	grants map[string]grant               // by objectKey
	levels map[string]string              // PSS level by objectKey (workloads)
	// roleOf is the role key (as in roles) of each Role and ClusterRole by objectKey;
	// bound lists, by role key, whom the bindings of this side bind it to
	// ("namespace\x00subject", namespace "" for a ClusterRoleBinding) and the address of
	// each binding.
	roleOf map[string]string
	bound  map[string][]boundSubject
	// opaque holds the addresses of objects that cannot be judged.
	opaque map[string]bool
	// addresses judged
	seen map[string]bool
}

func newSide(ctxObjs []*object.Object) *side {
	s := &side{roles: map[string][]rbacv1.PolicyRule{}, grants: map[string]grant{}, levels: map[string]string{}, opaque: map[string]bool{}, seen: map[string]bool{},
		roleOf: map[string]string{}, bound: map[string][]boundSubject{}}
	for _, o := range ctxObjs {
		switch t := o.Typed.(type) {
		case *rbacv1.ClusterRole:
			s.roles["ClusterRole\x00"+o.Name] = t.Rules
		case *rbacv1.Role:
			s.roles["Role\x00"+o.Namespace+"\x00"+o.Name] = t.Rules
		}
	}
	return s
}

// note records what the diff needs of one judged object.
func (sd *side) note(address, key string, s *object.Object, level string) {
	sd.seen[address] = true
	if s.Opaque != "" {
		sd.opaque[address] = true
	}
	if level != "" {
		sd.levels[key] = level
	}
	switch t := s.Typed.(type) {
	case *rbacv1.ClusterRole:
		sd.grants[key] = grant{rules: t.Rules, rulesKnown: true}
		sd.roleOf[key] = "ClusterRole\x00" + s.Name
	case *rbacv1.Role:
		sd.grants[key] = grant{rules: t.Rules, rulesKnown: true}
		sd.roleOf[key] = "Role\x00" + s.Namespace + "\x00" + s.Name
	case *rbacv1.ClusterRoleBinding:
		sd.grants[key] = sd.bindingGrant(t.Subjects, t.RoleRef, "")
		sd.bind(address, t.Subjects, t.RoleRef, "")
	case *rbacv1.RoleBinding:
		sd.grants[key] = sd.bindingGrant(t.Subjects, t.RoleRef, s.Namespace)
		sd.bind(address, t.Subjects, t.RoleRef, s.Namespace)
	}
}

// boundSubject is one subject a binding binds a role to, in a namespace ("" for a
// ClusterRoleBinding), and the binding's address.
type boundSubject struct {
	subject, address string
}

// bind records whom a binding binds its role to.
func (sd *side) bind(address string, subjects []rbacv1.Subject, ref rbacv1.RoleRef, namespace string) {
	role := roleKey(ref, namespace)
	for _, sub := range subjects {
		sd.bound[role] = append(sd.bound[role], boundSubject{subject: namespace + "\x00" + subjectKey(sub), address: address})
	}
}

// subjectKey identifies a binding's subject.
func subjectKey(sub rbacv1.Subject) string {
	if sub.Kind == rbacv1.ServiceAccountKind {
		// The namespace is part of who a service account is; for users and groups the
		// provider writes "default", which means nothing.
		return sub.Kind + "\x00" + sub.Namespace + "\x00" + sub.Name
	}
	return sub.Kind + "\x00" + sub.APIGroup + "\x00" + sub.Name
}

// roleKey is the key in side.roles of the role a binding in namespace refers to.
func roleKey(ref rbacv1.RoleRef, namespace string) string {
	if ref.Kind == "Role" {
		return "Role\x00" + namespace + "\x00" + ref.Name
	}
	return "ClusterRole\x00" + ref.Name
}

func (sd *side) bindingGrant(subjects []rbacv1.Subject, ref rbacv1.RoleRef, namespace string) grant {
	g := grant{binding: true}
	for _, sub := range subjects {
		g.subjects = append(g.subjects, subjectKey(sub))
	}
	g.rules, g.rulesKnown = sd.roles[roleKey(ref, namespace)]
	return g
}

// newlyBound says whether the role of a finding is bound, on side is, to subjects it is
// not bound to on side was ("" when not, or when the role is not an object of both
// sides). A binding of was whose address cannot be judged (a chart that cannot be
// rendered as installed now) may have bound anyone: its subjects are not counted as
// gained. The reason names no subject: they may be sensitive.
func newlyBound(was, is *side, before, after string) string {
	rb, okb := was.roleOf[before]
	ra, oka := is.roleOf[after]
	if !okb || !oka {
		return ""
	}
	had := map[string]bool{}
	for _, b := range was.bound[rb] {
		had[b.subject] = true
	}
	gained := map[string]bool{}
	for _, b := range is.bound[ra] {
		if !had[b.subject] && !was.opaque[b.address] {
			gained[b.subject] = true
		}
	}
	switch len(gained) {
	case 0:
		return ""
	case 1:
		return "the plan's bindings bind it to one more subject"
	}
	return fmt.Sprintf("the plan's bindings bind it to %d more subjects", len(gained))
}

// worseGrant says how an RBAC object's grant grew from before to after ("" when it did
// not, or cannot be told). The reasons name no value: subjects, verbs and resources may
// be sensitive.
func worseGrant(before, after grant, ok bool) string {
	if !ok {
		return ""
	}
	var why []string
	if after.binding {
		added := 0
		for _, s := range after.subjects {
			if !slices.Contains(before.subjects, s) {
				added++
			}
		}
		switch {
		case added == 1:
			why = append(why, "the binding gained a subject")
		case added > 1:
			why = append(why, "the binding gained subjects")
		}
	}
	if before.rulesKnown && after.rulesKnown && gainsPermission(before.rules, after.rules) {
		if after.binding {
			why = append(why, "the role it grants gained permissions")
		} else {
			why = append(why, "its rules gained permissions")
		}
	}
	return strings.Join(why, "; ")
}

// gainsPermission reports whether the rules of after allow something those of before do
// not: a verb, API group, resource, resource name or non-resource URL that no rule of
// before covers. "*" is covered by "*" only.
func gainsPermission(before, after []rbacv1.PolicyRule) bool {
	for _, r := range after {
		names := r.ResourceNames
		if len(names) == 0 {
			names = []string{""} // any name
		}
		groups := r.APIGroups
		if len(groups) == 0 && len(r.Resources) > 0 {
			groups = []string{""}
		}
		for _, v := range r.Verbs {
			for _, g := range groups {
				for _, res := range r.Resources {
					for _, n := range names {
						if !coversResource(before, v, g, res, n) {
							return true
						}
					}
				}
			}
			for _, u := range r.NonResourceURLs {
				if !coversURL(before, v, u) {
					return true
				}
			}
		}
	}
	return false
}

func coversResource(rs []rbacv1.PolicyRule, verb, group, resource, name string) bool {
	for _, r := range rs {
		if matches(r.Verbs, verb) && matches(r.APIGroups, group) && matches(r.Resources, resource) &&
			(len(r.ResourceNames) == 0 || (name != "" && slices.Contains(r.ResourceNames, name))) {
			return true
		}
	}
	return false
}

func coversURL(rs []rbacv1.PolicyRule, verb, url string) bool {
	for _, r := range rs {
		if !matches(r.Verbs, verb) {
			continue
		}
		for _, u := range r.NonResourceURLs {
			if u == url || u == "*" || (strings.HasSuffix(u, "*") && strings.HasPrefix(url, strings.TrimSuffix(u, "*")) && !strings.HasSuffix(url, "*")) {
				return true
			}
		}
	}
	return false
}

// matches reports whether a rule's list allows v: it holds v, or "*".
func matches(list []string, v string) bool {
	return slices.Contains(list, v) || slices.Contains(list, "*")
}

// pssRank orders the Pod Security Standards levels, most restrictive first; -1 for
// unknown or none.
func pssRank(level string) int {
	switch level {
	case "restricted":
		return 0
	case "baseline":
		return 1
	case "privileged":
		return 2
	}
	return -1
}

// pssDrop says how a workload's level dropped ("PSS level restricted → privileged"), ""
// when it did not (or a side is unknown).
func pssDrop(before, after string) string {
	b, a := pssRank(before), pssRank(after)
	if b < 0 || a < 0 || a <= b {
		return ""
	}
	return "PSS level " + before + " → " + after
}

// worseFinding says how the finding got worse from b to a, "" when it did not.
func worseFinding(b, a *finding.Finding) string {
	switch {
	case a.Severity > b.Severity:
		return "severity " + b.Severity.String() + " → " + a.Severity.String()
	case b.Status == finding.Waived && a.Status != finding.Waived:
		return "no longer waived"
	}
	return ""
}

// match pairs the findings of before and after by fingerprint (see above) and calls pair
// for each pair; it returns the indexes of the findings of each side left unpaired.
func match(before, after []finding.Finding, pair func(b, a int)) (leftBefore []int, leftAfter []int) {
	groups := map[string][]int{}
	var order []string
	for i := range before {
		k := finding.Fingerprint(before[i])
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	pairedBefore := make([]bool, len(before))
	byPrint := map[string][]int{}
	var afterOrder []string
	for i := range after {
		k := finding.Fingerprint(after[i])
		if _, ok := byPrint[k]; !ok {
			afterOrder = append(afterOrder, k)
		}
		byPrint[k] = append(byPrint[k], i)
	}
	pairedAfter := make([]bool, len(after))
	for _, k := range afterOrder {
		as, bs := byPrint[k], groups[k]
		for _, same := range []func(b, a *finding.Finding) bool{
			func(b, a *finding.Finding) bool { return b.Message == a.Message },
			func(b, a *finding.Finding) bool { return b.K8sPath == a.K8sPath },
			func(b, a *finding.Finding) bool { return true },
		} {
			for _, ai := range as {
				if pairedAfter[ai] {
					continue
				}
				for _, bi := range bs {
					if pairedBefore[bi] || !same(&before[bi], &after[ai]) {
						continue
					}
					pairedBefore[bi], pairedAfter[ai] = true, true
					pair(bi, ai)
					break
				}
			}
		}
	}
	for _, k := range order {
		for _, bi := range groups[k] {
			if !pairedBefore[bi] {
				leftBefore = append(leftBefore, bi)
			}
		}
	}
	for i := range after {
		if !pairedAfter[i] {
			leftAfter = append(leftAfter, i)
		}
	}
	return leftBefore, leftAfter
}

// diffFindings sets the Change of each finding of after against before (the objects as
// they exist now, with the sides' facts) and returns after with the fixed findings
// appended. saidBy lists the rules whose finding on the same object and container says
// what a finding says (rules.SaidBy): a finding the plan has that such a finding said
// before (an EPS002 once a container is no longer privileged, which EPS001 said; an
// EPS032 runAsNonRoot once it no longer runs as user 0, which EPS004 said) is existing,
// and a finding of before that such a finding of the plan says now (an EPS002 once the
// container is privileged) is not fixed: the plan's finding reports the problem.
func diffFindings(before, after []finding.Finding, was, is *side, saidBy func(*finding.Finding) []string) []finding.Finding {
	left, newOnes := match(before, after, func(bi, ai int) {
		b, a := &before[bi], &after[ai]
		a.Change, a.ChangeReason = finding.Existing, ""
		why := worseFinding(b, a)
		key := findingObject(a)
		gb, okb := was.grants[findingObject(b)]
		ga, oka := is.grants[key]
		if g := worseGrant(gb, ga, okb && oka); g != "" {
			why = joinReasons(why, g)
		}
		if g := newlyBound(was, is, findingObject(b), key); g != "" {
			why = joinReasons(why, g)
		}
		if why != "" {
			a.Change, a.ChangeReason = finding.Worse, why
		} else if b.Severity > a.Severity {
			a.ChangeReason = "severity " + b.Severity.String() + " → " + a.Severity.String()
		}
	})
	for _, ai := range newOnes {
		a := &after[ai]
		if by := sayer(a, before, saidBy); by != "" {
			a.Change, a.ChangeReason = finding.Existing, "said before by "+by
			continue
		}
		a.Change, a.ChangeReason = finding.New, pssDrop(was.levels[findingObject(a)], a.PSSLevel)
		if was.opaque[a.Address] {
			a.ChangeReason = joinReasons(a.ChangeReason, "what this resource holds now cannot be judged to compare with")
		}
	}
	// A workload whose level drops with no new or worse finding to say so: its findings
	// that stay are worse.
	said := map[string]bool{}
	for i := range after {
		if a := &after[i]; a.Change == finding.New || a.Change == finding.Worse {
			said[findingObject(a)] = true
		}
	}
	for i := range after {
		a := &after[i]
		key := findingObject(a)
		if a.Change != finding.Existing || said[key] {
			continue
		}
		if drop := pssDrop(was.levels[key], a.PSSLevel); drop != "" {
			a.Change, a.ChangeReason = finding.Worse, joinReasons(a.ChangeReason, drop)
		}
	}
	return appendFixed(after, before, left, is, saidBy)
}

// sayer returns the rule of a finding of others that says what f says (saidBy: on f's
// object, and on its container or the pod), "" when none does.
func sayer(f *finding.Finding, others []finding.Finding, saidBy func(*finding.Finding) []string) string {
	by := saidBy(f)
	if len(by) == 0 {
		return ""
	}
	key := findingObject(f)
	for i := range others {
		o := &others[i]
		if (o.Container == f.Container || o.Container == "" || f.Container == "") && slices.Contains(by, o.RuleID) && findingObject(o) == key {
			return o.RuleID
		}
	}
	return ""
}

// appendFixed appends the before findings at indexes left as fixed (or, when the plan's
// value of their resource is not known until apply, as existing), but those a finding of
// after says now (saidBy, see diffFindings): their problem remains, reported by that one.
func appendFixed(after, before []finding.Finding, left []int, is *side, saidBy func(*finding.Finding) []string) []finding.Finding {
	planned := after
	for _, bi := range left {
		f := before[bi]
		if sayer(&f, planned, saidBy) != "" {
			continue
		}
		f.Change, f.ChangeReason = finding.Fixed, ""
		switch {
		case is != nil && is.opaque[f.Address]:
			f.Change, f.ChangeReason = finding.Existing, "the plan's value of this resource is not known until apply: it may remain"
		case is != nil && !is.seen[f.Address]:
			f.ChangeReason = "the plan deletes it"
		}
		after = append(after, f)
	}
	return after
}

// baselineFindings sets the Change of each finding of after against a baseline report's
// findings and returns after with the fixed ones appended.
func baselineFindings(before, after []finding.Finding) []finding.Finding {
	left, newOnes := match(before, after, func(bi, ai int) {
		b, a := &before[bi], &after[ai]
		a.Change, a.ChangeReason = finding.Existing, ""
		if why := worseFinding(b, a); why != "" {
			a.Change, a.ChangeReason = finding.Worse, why
		} else if b.Severity > a.Severity {
			a.ChangeReason = "severity " + b.Severity.String() + " → " + a.Severity.String()
		}
	})
	for _, ai := range newOnes {
		after[ai].Change, after[ai].ChangeReason = finding.New, ""
		if by := sayer(&after[ai], before, rules.SaidBy); by != "" {
			after[ai].Change, after[ai].ChangeReason = finding.Existing, "said before by "+by
		}
	}
	return appendFixed(after, before, left, nil, rules.SaidBy)
}

func joinReasons(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// differ judges the objects as they exist now beside the plan's (plan-check --diff).
type differ struct {
	eng *rules.Engine
	// ctx is the rules' context built from the prior values.
	ctx      *rules.Context
	subjects map[*plan.Object]*object.Object
	was, is  *side
	// prior are the findings on the objects as they exist now.
	prior []finding.Finding
	// releases are the helm_release charts as installed now.
	releases *releases
}

// newDiffer builds the context of the prior values (before: the reader's
// Inventory.Before, and the helm_release charts as installed now, rendered with their
// prior values; the live EKS facts of --eks-cluster are facts of now, so they count on
// both sides) and the plan's side from its context objects.
func newDiffer(ctx context.Context, p *plan.Plan, eng *rules.Engine, before *plan.Inventory, afterCtx []*object.Object, rels *releases, opts Options) (*differ, error) {
	d := &differ{eng: eng, subjects: make(map[*plan.Object]*object.Object, len(before.Objects))}
	objs := make([]*object.Object, len(before.Objects))
	for i, o := range before.Objects {
		objs[i] = subject(o)
		d.subjects[o] = objs[i]
	}
	clusters := append([]eks.Cluster(nil), before.Clusters...)
	profiles := append([]eks.FargateProfile(nil), before.FargateProfiles...)
	if opts.Live != nil {
		clusters = append(clusters, opts.Live.Cluster)
		profiles = append(profiles, opts.Live.Profiles...)
	}
	var err error
	if d.releases, err = renderPriorReleases(ctx, p, clusters, opts, rels.memo); err != nil {
		return nil, err
	}
	d.releases.addCreatedNamespaces(before)
	objs = append(objs, d.releases.contextObjects()...)
	d.ctx = eng.Context(objs, rules.Facts{Clusters: clusters, FargateProfiles: profiles, KubernetesVersion: opts.KubernetesVersion})
	d.was, d.is = newSide(objs), newSide(afterCtx)
	return d, nil
}

// judge judges one object as it exists now.
func (d *differ) judge(o *plan.Object) {
	s := d.subjects[o]
	if s == nil {
		s = subject(o)
	}
	verdicts := d.eng.Judge(d.ctx, s)
	d.prior, _ = finish(o, s, verdicts, d.prior)
	level := ""
	switch {
	case len(verdicts) > 0:
		level = verdicts[0].PSSLevel
	case s.Pod != nil:
		level = d.level(s)
	}
	d.was.note(o.Address, judgedObject(o, s), s, level)
}

// judgeRelease judges what a helm_release installs now. A release that cannot be
// rendered as installed now (a chart version no longer fetchable, say) gives no finding:
// what it installs now is not known, and the plan's findings on it are new (saying why).
func (d *differ) judgeRelease(res *releaseResult) {
	addr := res.in.Address
	d.was.seen[addr] = true
	if res.opaque != "" {
		d.was.opaque[addr] = true
	}
	opaque := res.opaque
	res.opaque = ""
	d.prior, _ = judgeRelease(d.eng, d.ctx, res, d.prior)
	res.opaque = opaque
	for _, doc := range res.docs {
		id := rules.Identify(doc.Obj)
		d.was.note(addr, objectKey(addr, doc.Template, id.Kind, id.Namespace, id.Name), doc.Obj, d.level(doc.Obj))
	}
}

// level is the Pod Security Standards level of a workload as Judge gives it in its
// verdicts (at the latest version of the standards), for a workload without verdicts too;
// "" for an object that is not a workload or cannot be judged.
func (d *differ) level(o *object.Object) string {
	if o == nil || o.Pod == nil || o.Opaque != "" {
		return ""
	}
	return d.eng.PSSLevel(o, api.LatestVersion())
}

// noteAfter records what the diff needs of an object of the plan.
func (d *differ) noteAfter(o *plan.Object, s *object.Object) {
	d.is.note(o.Address, judgedObject(o, s), s, "")
}

// noteRelease records what the diff needs of the objects a helm_release of the plan
// installs.
func (d *differ) noteRelease(res *releaseResult) {
	addr := res.in.Address
	d.is.seen[addr] = true
	if res.opaque != "" {
		d.is.opaque[addr] = true
	}
	for _, doc := range res.docs {
		id := rules.Identify(doc.Obj)
		d.is.note(addr, objectKey(addr, doc.Template, id.Kind, id.Namespace, id.Name), doc.Obj, "")
	}
}

// finish applies the settings' waivers to both sides (the notes are the plan's side's)
// and sets the plan's findings' Change.
func (d *differ) finish(findings []finding.Finding, notes []string, opts Options) ([]finding.Finding, []string) {
	if opts.Settings != nil {
		notes = append(notes, opts.Settings.Apply(findings, now(opts))...)
		opts.Settings.Apply(d.prior, now(opts))
	}
	return diffFindings(d.prior, findings, d.was, d.is, rules.SaidBy), notes
}

// compareBaseline applies the settings' waivers and sets the findings' Change against
// the baseline report.
func compareBaseline(findings []finding.Finding, notes []string, opts Options) ([]finding.Finding, []string) {
	if opts.Settings != nil {
		notes = append(notes, opts.Settings.Apply(findings, now(opts))...)
	}
	before := append([]finding.Finding(nil), opts.Baseline.Findings...)
	return baselineFindings(before, findings), notes
}
