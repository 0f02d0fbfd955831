package render

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// mustProfile is profile.New for options the test knows to be valid.
func mustProfile(tb testing.TB, level profile.Level, opts profile.Options) profile.Profile {
	tb.Helper()
	p, err := profile.New(level, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func mustRestricted(tb testing.TB) profile.Profile {
	return mustProfile(tb, profile.Restricted, profile.Options{})
}

// splitList splits a fuzzed list on commas; "" is no element at all.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// FuzzProfilePSP builds a profile from arbitrary options (as the render CLI and the
// pod_security_policy data source pass them) and renders it. It never panics, renders
// deterministically into the PodSecurityPolicy type exactly, and below the privileged
// level never allows privileged containers, host namespaces, every capability, every
// volume, hostPath without prefixes, the whole host or a runtime socket.
func FuzzProfilePSP(f *testing.F) {
	f.Add("restricted", false, "NET_BIND_SERVICE", "csi", "/var/log,/data:rw", "", "")
	f.Add("restricted", false, "ALL", "*", "/", "", "")
	f.Add("baseline", true, "", "hostpath,ephemeral", "//var/run", "team", "a=b")
	f.Add("privileged", false, "*", "*", "/", "", "")
	f.Add("Restricted", false, "cap_all, net_admin", "CSI", "/var/log/../..,/run/containerd", "Bad_Name", "bad key=v")
	f.Fuzz(func(t *testing.T, level string, fargate bool, caps, volumes, hostPaths, name, labels string) {
		l, err := profile.ParseLevel(level)
		if err != nil {
			return
		}
		opts := profile.Options{Fargate: fargate, AllowedCapabilities: splitList(caps), AdditionalVolumes: splitList(volumes)}
		for _, hp := range splitList(hostPaths) {
			prefix, rw := strings.CutSuffix(hp, ":rw")
			opts.AllowedHostPaths = append(opts.AllowedHostPaths, profile.HostPath{PathPrefix: prefix, ReadOnly: !rw})
		}
		meta := Meta{}
		for _, kv := range splitList(labels) {
			k, v, _ := strings.Cut(kv, "=")
			if meta.Labels == nil {
				meta.Labels = map[string]string{}
			}
			meta.Labels[k] = v
		}
		p, err := profile.New(l, opts)
		if err != nil {
			return
		}
		res, err := PodSecurityPolicy(p, name, meta)
		if err != nil {
			var fe FieldErrors
			if !asFieldErrors(err, &fe) {
				t.Fatalf("PodSecurityPolicy: %v is not a FieldErrors", err)
			}
			return
		}
		m, err := Generic(res.Policy)
		if err != nil {
			t.Fatal(err)
		}
		y, err := YAML(m)
		if err != nil {
			t.Fatal(err)
		}
		j, err := JSON(m)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := PodSecurityPolicy(p, name, meta)
		m2, _ := Generic(again.Policy)
		if y2, _ := YAML(m2); y2 != y {
			t.Fatal("rendering is not deterministic")
		}
		var decoded psp.PodSecurityPolicy
		dec := json.NewDecoder(bytes.NewReader([]byte(j)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&decoded); err != nil {
			t.Fatalf("rendered JSON is not a PodSecurityPolicy: %v\n%s", err, j)
		}
		if l == profile.Privileged {
			return
		}
		s := decoded.Spec
		if s.Privileged || s.HostNetwork || s.HostPID || s.HostIPC || len(s.HostPorts) > 0 {
			t.Fatalf("%s policy allows privileged or host namespaces:\n%s", l, y)
		}
		for _, c := range s.AllowedCapabilities {
			if c == "ALL" || c == "*" || strings.Contains(c, "CAP_") {
				t.Fatalf("%s policy allows capability %q:\n%s", l, c, y)
			}
		}
		if slices.Contains(s.Volumes, "*") {
			t.Fatalf("%s policy allows every volume:\n%s", l, y)
		}
		if slices.Contains(s.Volumes, "hostPath") != (len(s.AllowedHostPaths) > 0) {
			t.Fatalf("%s policy allows hostPath without prefixes (or prefixes without hostPath):\n%s", l, y)
		}
		for _, hp := range s.AllowedHostPaths {
			if hp.PathPrefix == "/" || !strings.HasPrefix(hp.PathPrefix, "/") || profile.HasDotDot(hp.PathPrefix) {
				t.Fatalf("%s policy allows host path %q:\n%s", l, hp.PathPrefix, y)
			}
			if sock, ok := profile.RuntimeSocketUnder(hp.PathPrefix); ok {
				t.Fatalf("%s policy allows %s through %q:\n%s", l, sock, hp.PathPrefix, y)
			}
		}
		if l == profile.Restricted {
			if !slices.Equal(s.RequiredDropCapabilities, []string{"ALL"}) || s.RunAsUser.Rule != profile.RuleMustRunAsNonRoot ||
				s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation {
				t.Fatalf("restricted policy weakened:\n%s", y)
			}
			for _, k := range []string{psp.SeccompAllowedProfilesAnnotation, psp.AppArmorAllowedProfilesAnnotation} {
				if v := decoded.Annotations[k]; v == "" || strings.Contains(v, "*") || strings.Contains(strings.ToLower(v), "unconfined") {
					t.Fatalf("restricted policy %s = %q:\n%s", k, v, y)
				}
			}
		}
	})
}

func asFieldErrors(err error, fe *FieldErrors) bool {
	v, ok := err.(FieldErrors)
	*fe = v
	return ok
}
