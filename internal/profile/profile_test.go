package profile

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestRestrictedIsTheGuides pins the restricted level to the guide's restricted policy.
func TestRestrictedIsTheGuides(t *testing.T) {
	p, err := New(Restricted, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "restricted" || p.Privileged || p.AllowPrivilegeEscalation || p.HostNetwork || p.HostIPC || p.HostPID ||
		len(p.HostPorts) != 0 || len(p.AllowedCapabilities) != 0 || p.ReadOnlyRootFilesystem {
		t.Errorf("restricted allows too much: %+v", p)
	}
	if !slices.Equal(p.RequiredDropCapabilities, []string{"ALL"}) {
		t.Errorf("requiredDropCapabilities %v", p.RequiredDropCapabilities)
	}
	if !slices.Equal(p.Volumes, []string{"configMap", "emptyDir", "projected", "secret", "downwardAPI", "persistentVolumeClaim"}) {
		t.Errorf("volumes %v", p.Volumes)
	}
	if p.RunAsUser.Rule != RuleMustRunAsNonRoot || p.SELinuxRule != RuleRunAsAny {
		t.Errorf("runAsUser %v seLinux %v", p.RunAsUser, p.SELinuxRule)
	}
	for _, r := range []IDRule{p.SupplementalGroups, p.FSGroup} {
		if r.Rule != RuleMustRunAs || !slices.Equal(r.Ranges, []IDRange{{Min: 1, Max: 65535}}) {
			t.Errorf("group rule %+v", r)
		}
	}
	if !slices.Equal(p.Seccomp.Allowed, []string{"docker/default", "runtime/default"}) || p.Seccomp.Default != "runtime/default" ||
		!slices.Equal(p.AppArmor.Allowed, []string{"runtime/default"}) || p.AppArmor.Default != "runtime/default" {
		t.Errorf("seccomp %+v apparmor %+v", p.Seccomp, p.AppArmor)
	}
}

func TestBaselineAndPrivileged(t *testing.T) {
	b := mustNew(t, Baseline, Options{})
	if b.Privileged || b.HostNetwork || b.HostPID || b.HostIPC || volumeAllowed(b, "hostPath") || !volumeAllowed(b, "nfs") {
		t.Errorf("baseline: %+v", b)
	}
	if !b.CapabilityAllowed("NET_BIND_SERVICE") || !b.CapabilityAllowed("cap_chown") || b.CapabilityAllowed("SYS_ADMIN") || b.CapabilityAllowed("NET_RAW") {
		t.Errorf("baseline capabilities %v", b.AllowedCapabilities)
	}
	p := mustNew(t, Privileged, Options{})
	if !p.Privileged || !p.HostNetwork || !p.HostPID || !p.HostIPC || !volumeAllowed(p, "hostPath") || !p.CapabilityAllowed("SYS_ADMIN") ||
		len(p.HostPorts) != 1 || p.HostPorts[0] != (PortRange{Min: 0, Max: 65535}) || p.RunAsUser.Rule != RuleRunAsAny {
		t.Errorf("privileged (eks.privileged): %+v", p)
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]Level{"restricted": Restricted, " Baseline ": Baseline, "PRIVILEGED": Privileged} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseLevel("strict"); err == nil || !strings.Contains(err.Error(), "restricted, baseline, privileged") {
		t.Errorf("ParseLevel(strict): %v", err)
	}
	if _, err := New("strict", Options{}); err == nil {
		t.Error("New accepted an unknown level")
	}
}

func TestFargate(t *testing.T) {
	if _, err := New(Privileged, Options{Fargate: true}); !errors.Is(err, ErrFargatePrivileged) {
		t.Errorf("privileged on Fargate: %v", err)
	}
	if _, err := New(Baseline, Options{Fargate: true, AllowedCapabilities: []string{"NET_ADMIN"}}); !errors.Is(err, ErrFargateCapabilities) {
		t.Errorf("capabilities on Fargate: %v", err)
	}
	b := mustNew(t, Baseline, Options{Fargate: true})
	if !b.Fargate || b.Privileged || b.HostNetwork || len(b.HostPorts) != 0 || len(b.AllowedCapabilities) != 0 || b.CapabilityAllowed("CHOWN") {
		t.Errorf("Fargate baseline keeps what Fargate refuses: %+v", b)
	}
	r := mustNew(t, Restricted, Options{Fargate: true})
	if !r.Fargate || r.Privileged || r.HostNetwork {
		t.Errorf("Fargate restricted: %+v", r)
	}
}

func TestOptions(t *testing.T) {
	ro := true
	p, err := New(Restricted, Options{
		AllowedHostPaths:       []HostPath{{PathPrefix: "/var/log/", ReadOnly: true}},
		AllowedCapabilities:    []string{"cap_net_bind_service", "NET_BIND_SERVICE"},
		AdditionalVolumes:      []string{"csi", "csi"},
		ReadOnlyRootFilesystem: &ro,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.AllowedHostPaths, []HostPath{{PathPrefix: "/var/log", ReadOnly: true}}) {
		t.Errorf("host paths %v (cleaned, trailing slash dropped)", p.AllowedHostPaths)
	}
	if !slices.Equal(p.AllowedCapabilities, []string{"NET_BIND_SERVICE"}) {
		t.Errorf("capabilities %v (normalized, unique)", p.AllowedCapabilities)
	}
	if !slices.Contains(p.Volumes, "csi") || !slices.Contains(p.Volumes, "hostPath") || strings.Count(strings.Join(p.Volumes, ","), "csi") != 1 {
		t.Errorf("volumes %v", p.Volumes)
	}
	if !p.ReadOnlyRootFilesystem {
		t.Error("read-only root filesystem option ignored")
	}
	// options never leak into the next profile built
	if again := mustNew(t, Restricted, Options{}); slices.Contains(again.Volumes, "csi") || slices.Contains(again.Volumes, "hostPath") {
		t.Errorf("defaults were mutated: %v", again.Volumes)
	}

	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{AllowedHostPaths: []HostPath{{PathPrefix: "var/log"}}}, "not absolute"},
		{Options{AllowedHostPaths: []HostPath{{PathPrefix: "/var/log/../../etc"}}}, `".."`},
		{Options{AllowedCapabilities: []string{"CAP_TELEPORT"}}, "unknown capability"},
		{Options{AdditionalVolumes: []string{"hostPathz"}}, "unknown volume type"},
		{Options{UserRanges: []IDRange{{Min: 0, Max: 1000}}}, "includes 0 (root)"},
		{Options{GroupRanges: []IDRange{{Min: 10, Max: 5}}}, "not a range"},
		{Options{GroupRanges: []IDRange{}}, "empty"},
		{Options{Seccomp: &AnnotationProfiles{Allowed: []string{"unconfined"}}}, "unconfined"},
		{Options{AppArmor: &AnnotationProfiles{Allowed: []string{"runtime/default"}, Default: "localhost/x"}}, "not among the allowed"},
	} {
		if _, err := New(Restricted, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.opts, err, tc.want)
		}
	}
}

func TestRangesAndAnnotationOptions(t *testing.T) {
	p := mustNew(t, Restricted, Options{
		UserRanges:  []IDRange{{Min: 1000, Max: 2000}},
		GroupRanges: []IDRange{{Min: 3000, Max: 3999}},
		Seccomp:     &AnnotationProfiles{Allowed: []string{"runtime/default"}, Default: "runtime/default"},
	})
	if p.RunAsUser.Rule != RuleMustRunAs || !slices.Equal(p.RunAsUser.Ranges, []IDRange{{Min: 1000, Max: 2000}}) {
		t.Errorf("runAsUser %+v", p.RunAsUser)
	}
	if !slices.Equal(p.FSGroup.Ranges, []IDRange{{Min: 3000, Max: 3999}}) || !slices.Equal(p.SupplementalGroups.Ranges, p.FSGroup.Ranges) {
		t.Errorf("groups %+v %+v", p.FSGroup, p.SupplementalGroups)
	}
	if !slices.Equal(p.Seccomp.Allowed, []string{"runtime/default"}) {
		t.Errorf("seccomp %+v", p.Seccomp)
	}
	// root is allowed outside the restricted level
	if _, err := New(Baseline, Options{UserRanges: []IDRange{{Min: 0, Max: 0}}}); err != nil {
		t.Errorf("baseline with uid 0: %v", err)
	}
}

func TestHostPaths(t *testing.T) {
	cases := []struct {
		path, prefix string
		want         bool
	}{
		{"/var/log", "/var/log", true},
		{"/var/log/pods", "/var/log", true},
		{"/var/log/pods", "/var/log/", true},
		{"/var/logs", "/var/log", false},
		{"/var/log/../../etc", "/var/log", false},
		{"/etc", "/", true},
		{"var/log", "/var/log", false},
		{"/var/log", "/var/../var/log", false},
	}
	for _, c := range cases {
		if got := UnderPrefix(c.path, c.prefix); got != c.want {
			t.Errorf("UnderPrefix(%q, %q) = %v", c.path, c.prefix, got)
		}
	}
	p := mustNew(t, Restricted, Options{AllowedHostPaths: []HostPath{{PathPrefix: "/var/log", ReadOnly: true}, {PathPrefix: "/data"}}})
	if hp, ok := p.HostPathAllowed("/var/log/containers"); !ok || !hp.ReadOnly {
		t.Errorf("HostPathAllowed(/var/log/containers) = %+v, %v", hp, ok)
	}
	if hp, ok := p.HostPathAllowed("/data/x"); !ok || hp.ReadOnly {
		t.Errorf("HostPathAllowed(/data/x) = %+v, %v", hp, ok)
	}
	if _, ok := p.HostPathAllowed("/var/run/docker.sock"); ok {
		t.Error("docker.sock allowed")
	}
	if !HasDotDot("/a/../b") || HasDotDot("/a/..b/c") {
		t.Error("HasDotDot")
	}
}

func TestCapabilitiesAndVolumes(t *testing.T) {
	for in, want := range map[string]string{"net_admin": "NET_ADMIN", "CAP_SYS_TIME": "SYS_TIME", " all ": "ALL", "*": "*"} {
		if got, err := NormalizeCapability(in); err != nil || got != want {
			t.Errorf("NormalizeCapability(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := NormalizeCapability("NET_WIZARD"); err == nil {
		t.Error("unknown capability accepted")
	}
	if !slices.Contains(baselineCapabilities, "CHOWN") || slices.Contains(baselineCapabilities, "NET_RAW") {
		t.Errorf("baseline capabilities %v", baselineCapabilities)
	}
	if got := PSSRestrictedVolumes(); !slices.Contains(got, "csi") || !slices.Contains(got, "ephemeral") || len(got) != len(RestrictedVolumes())+2 {
		t.Errorf("PSS restricted volumes %v", got)
	}
	// the accessors hand out copies
	v := RestrictedVolumes()
	v[0] = "hostPath"
	if RestrictedVolumes()[0] != "configMap" {
		t.Error("RestrictedVolumes returned shared state")
	}
	if !IsVolumeType("nfs") || !IsVolumeType("*") || IsVolumeType("floppy") {
		t.Error("IsVolumeType")
	}
	priv := mustNew(t, Privileged, Options{})
	if !volumeAllowed(priv, "anything") || !priv.CapabilityAllowed("SYS_MODULE") {
		t.Error("wildcards")
	}
}

// volumeAllowed reports whether the profile allows volume type v (PodSecurityPolicy name).
func volumeAllowed(p Profile, v string) bool {
	return slices.Contains(p.Volumes, "*") || slices.Contains(p.Volumes, v)
}

// mustNew is New for options the test knows to be valid.
func mustNew(tb testing.TB, level Level, opts Options) Profile {
	tb.Helper()
	p, err := New(level, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
