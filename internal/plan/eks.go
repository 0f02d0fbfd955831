package plan

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
)

// eksCluster reads aws_eks_cluster (hashicorp/aws): name and Kubernetes version, and
// whether the plan marks them sensitive.
func eksCluster(rc *Change) (eks.Cluster, error) {
	c := eks.Cluster{Source: rc.Address}
	var err error
	if c.Name, c.NameSensitive, err = rc.stringAttr("name"); err != nil {
		return c, err
	}
	if c.Version, c.VersionSensitive, err = rc.stringAttr("version"); err != nil {
		return c, err
	}
	return c, nil
}

// stringAttr reads a string attribute of the planned value: "" when it is null or unknown,
// and whether it is sensitive.
func (rc *Change) stringAttr(name string) (string, bool, error) {
	t := rc.t
	a, u, s := rc.attr(name)
	if err := checkBoolMarks(t, u, s, name); err != nil {
		return "", false, err
	}
	sens := t.isTrue(s)
	if t.isTrue(u) || t.isNull(a) {
		return "", sens, nil
	}
	v, ok := t.str(a)
	if !ok {
		return "", sens, fmt.Errorf("%s is a string, not %s", name, t.describe(a))
	}
	return v, sens, nil
}

// checkBoolMarks accepts the marks of a scalar: nothing, null or a boolean.
func checkBoolMarks(t *tape, u, s int32, name string) error {
	for _, m := range []struct {
		n    int32
		what string
	}{{u, "after_unknown"}, {s, "after_sensitive"}} {
		switch t.kind(m.n) {
		case 0, 'n', 't', 'f':
		default:
			return fmt.Errorf("%s: %s is a boolean, not %s", name, m.what, t.describe(m.n))
		}
	}
	return nil
}

// fargateProfile reads aws_eks_fargate_profile: its name, cluster and selector blocks, and
// which of them are sensitive or unknown.
func fargateProfile(rc *Change) (eks.FargateProfile, error) {
	t := rc.t
	p := eks.FargateProfile{Source: rc.Address}
	var err error
	if p.Name, p.NameSensitive, err = rc.stringAttr("fargate_profile_name"); err != nil {
		return p, err
	}
	if p.ClusterName, p.ClusterNameSensitive, err = rc.stringAttr("cluster_name"); err != nil {
		return p, err
	}
	sels, su, ss := rc.attr("selector")
	for _, m := range []struct {
		n    int32
		what string
	}{{su, "after_unknown"}, {ss, "after_sensitive"}} {
		switch t.kind(m.n) {
		case 0, 'n', 't', 'f', '[':
		default:
			return p, fmt.Errorf("selector: %s is a list or a boolean, not %s", m.what, t.describe(m.n))
		}
	}
	if t.isTrue(su) {
		p.SelectorsUnknown = true
		return p, nil
	}
	switch t.kind(sels) {
	case 0, 'n':
		return p, nil
	case '[':
	default:
		return p, fmt.Errorf("selector is a list of blocks, not %s", t.describe(sels))
	}
	ul, sl := t.elems(su), t.elems(ss)
	i := 0
	for e := sels + 1; e < t.nodes[sels].next; e, i = t.nodes[e].next, i+1 {
		ue, se := ul.step(), sl.step()
		where := fmt.Sprintf("selector[%d]", i)
		for _, m := range []struct {
			n    int32
			what string
		}{{ue, "after_unknown"}, {se, "after_sensitive"}} {
			switch t.kind(m.n) {
			case 0, 'n', 't', 'f', '{':
			default:
				return p, fmt.Errorf("%s: %s is an object or a boolean, not %s", where, m.what, t.describe(m.n))
			}
		}
		if t.isTrue(ue) {
			p.SelectorsUnknown = true
			continue
		}
		if t.isNull(e) {
			continue
		}
		if t.kind(e) != '{' {
			return p, fmt.Errorf("%s is a block (an object), not %s", where, t.describe(e))
		}
		sel := eks.Selector{Labels: map[string]string{}, NamespaceSensitive: t.isTrue(se), LabelsSensitive: t.isTrue(se)}
		ns, uns, sns := t.member(e, "namespace"), t.sub(ue, "namespace"), t.sub(se, "namespace")
		if err := checkBoolMarks(t, uns, sns, where+".namespace"); err != nil {
			return p, err
		}
		sel.NamespaceSensitive = sel.NamespaceSensitive || t.isTrue(sns)
		switch {
		case t.isTrue(uns):
			p.SelectorsUnknown = true
		case t.isNull(ns):
		default:
			v, ok := t.str(ns)
			if !ok {
				return p, fmt.Errorf("%s.namespace is a string, not %s", where, t.describe(ns))
			}
			sel.Namespace = v
		}
		labels, ulab, slab := t.member(e, "labels"), t.sub(ue, "labels"), t.sub(se, "labels")
		for _, m := range []struct {
			n    int32
			what string
		}{{ulab, "after_unknown"}, {slab, "after_sensitive"}} {
			switch t.kind(m.n) {
			case 0, 'n', 't', 'f', '{':
			default:
				return p, fmt.Errorf("%s.labels: %s is an object or a boolean, not %s", where, m.what, t.describe(m.n))
			}
			var err error
			t.each(m.n, func(_ int, k, v int32) bool {
				switch t.kind(v) {
				case 't':
					if m.what == "after_unknown" {
						p.SelectorsUnknown = true
					} else {
						sel.LabelsSensitive = true
					}
				case 'f', 'n':
				default:
					err = fmt.Errorf("%s.labels: %s of a label is a boolean, not %s", where, m.what, t.describe(v))
					return false
				}
				return true
			})
			if err != nil {
				return p, err
			}
		}
		sel.LabelsSensitive = sel.LabelsSensitive || t.isTrue(slab)
		switch {
		case t.isTrue(ulab):
			p.SelectorsUnknown = true
		case t.isNull(labels):
		case t.kind(labels) != '{':
			return p, fmt.Errorf("%s.labels is a map, not %s", where, t.describe(labels))
		default:
			for k := labels + 1; k < t.nodes[labels].next; k = t.nodes[k+1].next {
				v, ok := t.str(k + 1)
				if t.isNull(k + 1) {
					continue
				}
				if !ok {
					return p, fmt.Errorf("%s.labels: a label value is a string, not %s", where, t.describe(k+1))
				}
				sel.Labels[t.key(k)] = v
			}
		}
		p.Selectors = append(p.Selectors, sel)
	}
	return p, nil
}
