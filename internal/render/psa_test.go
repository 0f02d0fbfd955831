package render

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

func TestPodSecurityVersionFor(t *testing.T) {
	for in, want := range map[string]string{"": "latest", "1.23": "v1.23", "1.31": "v1.31", "v1.30.2-eks-1": "v1.30"} {
		if got, err := PodSecurityVersionFor(in); err != nil || got != want {
			t.Errorf("PodSecurityVersionFor(%q) = %q, %v; want %s", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"1.22": "Pod Security Admission needs Kubernetes 1.23 or later (GA in 1.25); this cluster runs 1.22",
		"2.0":  "Kubernetes 2.0 does not exist", "0.99": "Kubernetes 0.99 does not exist", "1.0": "needs Kubernetes 1.23", "one": "not a Kubernetes version",
	} {
		if _, err := PodSecurityVersionFor(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("PodSecurityVersionFor(%q): %v, want %q", in, err, want)
		}
	}
}

// TestPodSecurityLevels: each mode's own level, else profile, else (audit and warn)
// enforce, else restricted; what was not given is a default.
func TestPodSecurityLevels(t *testing.T) {
	const (
		r, b, p = profile.Restricted, profile.Baseline, profile.Privileged
	)
	for _, tc := range []struct {
		spec                 PodSecuritySpec
		enforce, audit, warn profile.Level
		defaults             string
	}{
		{PodSecuritySpec{}, r, r, r, "[profile]=restricted [enforce]=restricted [audit]=restricted [warn]=restricted [version]=latest"},
		{PodSecuritySpec{Profile: b}, b, b, b, "[enforce]=baseline [audit]=baseline [warn]=baseline [version]=latest"},
		{PodSecuritySpec{Profile: b, Enforce: r}, r, b, b, "[audit]=baseline [warn]=baseline [version]=latest"},
		{PodSecuritySpec{Enforce: b, Version: "v1.29"}, b, b, b, "[audit]=baseline [warn]=baseline"},
		{PodSecuritySpec{Audit: p, KubernetesVersion: "1.30"}, r, p, r, "[enforce]=restricted [warn]=restricted [version]=v1.30"},
		{PodSecuritySpec{Enforce: b, Audit: r, Warn: r, Version: "latest"}, b, r, r, ""},
	} {
		res, err := PodSecurity(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		version := tc.spec.Version
		if version == "" {
			version, _ = PodSecurityVersionFor(tc.spec.KubernetesVersion)
		}
		want := map[string]string{}
		for mode, l := range map[string]profile.Level{"enforce": tc.enforce, "audit": tc.audit, "warn": tc.warn} {
			want[PodSecurityLabelPrefix+mode] = string(l)
			want[PodSecurityLabelPrefix+mode+"-version"] = version
		}
		if !maps.Equal(res.Labels, want) {
			t.Errorf("%+v: labels %v, want %v", tc.spec, res.Labels, want)
		}
		var got []string
		for _, d := range res.Defaults {
			got = append(got, fmt.Sprintf("%v=%v", d.Path, d.Value))
		}
		if strings.Join(got, " ") != tc.defaults {
			t.Errorf("%+v: defaults %v, want %s", tc.spec, got, tc.defaults)
		}
		if res.Namespace != nil || len(res.Objects()) != 0 || len(res.Warnings) != 0 {
			t.Errorf("%+v: %+v", tc.spec, res)
		}
	}
	if _, err := PodSecurity(PodSecuritySpec{KubernetesVersion: "1.22"}); err == nil || fmt.Sprint(err.(FieldErrors)[0].Path) != "[kubernetes_version]" {
		t.Errorf("a cluster without Pod Security Admission: %v", err)
	}
}

// TestPodSecurityNamespace: the Namespace carries the labels, which win over the user's,
// and the user's annotations; privileged outside kube-system is a warning on the field
// that set it.
func TestPodSecurityNamespace(t *testing.T) {
	res, err := PodSecurity(PodSecuritySpec{Profile: profile.Privileged, Namespace: "apps", Meta: Meta{
		Labels: map[string]string{"team": "a", PodSecurityLabelPrefix + "enforce": "restricted"}, Annotations: map[string]string{"owner": "sre"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ns := res.Namespace
	if ns == nil || ns.Name != "apps" || ns.Labels["team"] != "a" || ns.Labels[PodSecurityLabelPrefix+"enforce"] != "privileged" ||
		ns.Labels["app.kubernetes.io/managed-by"] != "ekspodsec" || ns.Annotations["owner"] != "sre" || len(res.Objects()) != 1 {
		t.Errorf("namespace %+v", ns)
	}
	if w := res.Warnings; len(w) != 1 || fmt.Sprint(w[0].Path) != "[profile]" || !strings.Contains(w[0].Msg, `namespace "apps"`) || !strings.Contains(w[0].Msg, "EPS107") {
		t.Errorf("warnings %+v", w)
	}
	res, _ = PodSecurity(PodSecuritySpec{Enforce: profile.Privileged})
	if w := res.Warnings; len(w) != 1 || fmt.Sprint(w[0].Path) != "[enforce]" || !strings.Contains(w[0].Msg, "into the namespace,") {
		t.Errorf("warnings %+v", w)
	}
	for _, spec := range []PodSecuritySpec{{Profile: profile.Privileged, Namespace: profile.SystemNamespace}, {Audit: profile.Privileged, Warn: profile.Privileged}} {
		if res, _ := PodSecurity(spec); len(res.Warnings) != 0 {
			t.Errorf("%+v: warnings %+v", spec, res.Warnings)
		}
	}
}
