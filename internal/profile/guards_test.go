package profile

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestGuards: every option that would undo a level is refused below the privileged level,
// whatever its spelling, with an *OptionError that names the option and the element.
func TestGuards(t *testing.T) {
	type refusal struct {
		opts   Options
		option string
		index  int
		is     error  // wrapped sentinel, or nil
		want   string // in the message
	}
	var cases []refusal
	for _, c := range []string{"ALL", "all", " All ", "CAP_ALL", "cap_all", "*", " * "} {
		cases = append(cases, refusal{Options{AllowedCapabilities: []string{"NET_BIND_SERVICE", c}}, OptionAllowedCapabilities, 1, ErrEveryCapability, "SYS_ADMIN included"})
	}
	for _, v := range []string{"*", "hostPath", "hostpath", "HOSTPATH", " hostPath", "hostPath "} {
		is := ErrHostPathVolume
		if v == "*" {
			is = ErrEveryVolume
		}
		cases = append(cases, refusal{Options{AdditionalVolumes: []string{"csi", v}}, OptionAdditionalVolumes, 1, is, "hostPath"})
	}
	cases = append(cases,
		refusal{Options{AdditionalVolumes: []string{"CSI"}}, OptionAdditionalVolumes, 0, nil, `case-sensitive, write "csi"`},
		refusal{Options{AdditionalVolumes: []string{"floppy"}}, OptionAdditionalVolumes, 0, nil, "unknown volume type"},
	)
	for _, p := range []string{"/", "//", "/.", "///./", "/var/log/.."} {
		want, is := "every host path", ErrWholeHost
		if strings.Contains(p, "..") {
			want, is = `".."`, nil
		}
		cases = append(cases, refusal{Options{AllowedHostPaths: []HostPath{{PathPrefix: "/var/log"}, {PathPrefix: p, ReadOnly: true}}}, OptionAllowedHostPaths, 1, is, want})
	}
	for p, socket := range map[string]string{
		"/run": "/run/docker.sock", "/var/run": "/var/run/docker.sock", "/var": "/var/run/docker.sock", "/var/run/": "/var/run/docker.sock",
		"/run/containerd": "/run/containerd/containerd.sock", "/var/run/crio": "/var/run/crio/crio.sock", "/run/docker.sock": "/run/docker.sock",
		"//var//run/containerd/containerd.sock": "/var/run/containerd/containerd.sock", "/run/k3s": "/run/k3s/containerd/containerd.sock",
	} {
		cases = append(cases, refusal{Options{AllowedHostPaths: []HostPath{{PathPrefix: p, ReadOnly: true}}}, OptionAllowedHostPaths, 0, ErrRuntimeSocket, socket})
	}
	for _, p := range []string{"/var/log\n", "/var/\x00log", "/var/log\x1b[2J", "/var/\xfflog", "/" + strings.Repeat("a", MaxHostPathLen)} {
		cases = append(cases, refusal{Options{AllowedHostPaths: []HostPath{{PathPrefix: p}}}, OptionAllowedHostPaths, 0, nil, "host path"})
	}
	for _, r := range []IDRange{{Min: 1, Max: MaxID + 1}, {Min: 1, Max: math.MaxInt64}, {Min: MaxID + 1, Max: MaxID + 2}} {
		cases = append(cases,
			refusal{Options{UserRanges: []IDRange{{Min: 1, Max: 2}, r}}, OptionUserRanges, 1, ErrOutOfRange, "up to 2147483647"},
			refusal{Options{GroupRanges: []IDRange{r}}, OptionGroupRanges, 0, ErrOutOfRange, "group IDs go up to 2147483647"})
	}
	cases = append(cases,
		refusal{Options{UserRanges: []IDRange{{Min: -1, Max: 5}}}, OptionUserRanges, 0, nil, "not a range"},
		refusal{Options{UserRanges: []IDRange{{Min: math.MinInt64, Max: math.MinInt64}}}, OptionUserRanges, 0, nil, "not a range"},
		refusal{Options{Seccomp: &AnnotationProfiles{Allowed: []string{"runtime/default,unconfined"}}}, OptionSeccomp, 0, nil, "without commas"},
		refusal{Options{Seccomp: &AnnotationProfiles{Allowed: []string{"runtime/default", "runtime/default unconfined"}}}, OptionSeccomp, 1, nil, "without commas"},
		refusal{Options{Seccomp: &AnnotationProfiles{Allowed: []string{"runtime/default"}, Default: "runtime/default,x"}}, OptionSeccomp, -1, nil, "without commas"},
		refusal{Options{Seccomp: &AnnotationProfiles{Allowed: []string{"Unconfined"}}}, OptionSeccomp, 0, nil, "run unconfined"},
		refusal{Options{AppArmor: &AnnotationProfiles{Allowed: []string{"*"}, Default: "UNCONFINED"}}, OptionAppArmor, 0, nil, "run unconfined"},
		refusal{Options{AppArmor: &AnnotationProfiles{Allowed: []string{""}}}, OptionAppArmor, 0, nil, "non-empty"},
		refusal{Options{Seccomp: &AnnotationProfiles{}}, OptionSeccomp, -1, nil, "at least one"},
		refusal{Options{Fargate: true, AllowedCapabilities: []string{"NET_ADMIN"}}, OptionAllowedCapabilities, -1, ErrFargateCapabilities, "only lets containers drop"},
	)
	for _, tc := range cases {
		for _, level := range []Level{Restricted, Baseline} {
			_, err := New(level, tc.opts)
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Option != tc.option || oe.Index != tc.index ||
				(tc.is != nil && !errors.Is(err, tc.is)) || !strings.Contains(err.Error(), tc.want) {
				if level == Baseline && (tc.option == OptionUserRanges || tc.option == OptionSeccomp || tc.option == OptionAppArmor) && err == nil {
					continue // root, unconfined and no profile are baseline's to allow
				}
				t.Errorf("%s %+v: %#v (%v), want %s[%d] saying %q (%v)", level, tc.opts, oe, err, tc.option, tc.index, tc.want, tc.is)
			}
		}
	}
	if _, err := New(Privileged, Options{Fargate: true}); !errors.Is(err, ErrFargatePrivileged) {
		t.Errorf("privileged on Fargate: %v", err)
	}
}

// TestPrivilegedAllowsWildcards: the privileged level already allows everything, so the
// wildcards are no-ops there, not errors.
func TestPrivilegedAllowsWildcards(t *testing.T) {
	p, err := New(Privileged, Options{AllowedCapabilities: []string{"ALL", "*"}, AdditionalVolumes: []string{"*", "hostPath"},
		AllowedHostPaths: []HostPath{{PathPrefix: "/"}, {PathPrefix: "/var/run"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !volumeAllowed(p, "hostPath") || !p.CapabilityAllowed("SYS_ADMIN") || len(p.AllowedHostPaths) != 2 {
		t.Errorf("privileged %+v", p)
	}
}

// TestNoBypass: what is allowed next to a refusal stays allowed, and what the levels
// allow is never widened by accepted options.
func TestNoBypass(t *testing.T) {
	p, err := New(Restricted, Options{
		AllowedCapabilities: []string{"net_admin", "CAP_SYS_TIME"},
		AdditionalVolumes:   []string{"csi", "ephemeral"},
		AllowedHostPaths:    []HostPath{{PathPrefix: "/var/log", ReadOnly: true}, {PathPrefix: "/var/log/", ReadOnly: false}, {PathPrefix: "/run/user/1000", ReadOnly: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(p.AllowedCapabilities, "ALL") || slices.Contains(p.AllowedCapabilities, "*") || slices.Contains(p.Volumes, "*") || p.Privileged {
		t.Errorf("restricted widened: %+v", p)
	}
	// the same prefix twice is one entry, read-write when either is (as PodSecurityPolicy reads it)
	if !slices.Equal(p.AllowedHostPaths, []HostPath{{PathPrefix: "/var/log", ReadOnly: false}, {PathPrefix: "/run/user/1000", ReadOnly: true}}) {
		t.Errorf("host paths %+v", p.AllowedHostPaths)
	}
	if _, ok := p.HostPathAllowed("/var/run/docker.sock"); ok {
		t.Error("docker.sock allowed")
	}
}

func TestRuntimeSocketUnder(t *testing.T) {
	for p, want := range map[string]bool{"/": true, "/run": true, "/var/run": true, "/var": true, "/run/podman": true,
		"/run/user": false, "/var/log": false, "/var/lib/docker": false, "/run/docker.sock.d": false, "/runner": false} {
		if _, got := RuntimeSocketUnder(p); got != want {
			t.Errorf("RuntimeSocketUnder(%q) = %v", p, got)
		}
	}
}

// TestQuote: values are quoted as %q quotes them, and a long one is shortened with its
// length said (a careless megabyte is not repeated into every error).
func TestQuote(t *testing.T) {
	if got := Quote("a\x1b[2J\n\"é"); got != `"a\x1b[2J\n\"é"` {
		t.Errorf("Quote = %s", got)
	}
	long := strings.Repeat("é", 1<<19)
	if got := Quote(long); len(got) > 2*maxQuoted || !strings.HasSuffix(got, "… (1048576 bytes)") {
		t.Errorf("Quote(1 MiB) = %.300s", got)
	}
	_, err := New(Restricted, Options{AllowedHostPaths: []HostPath{{PathPrefix: strings.Repeat("x", 1<<20)}}})
	if err == nil || len(err.Error()) > 400 {
		t.Errorf("1 MiB host path: %d-byte error", len(err.Error()))
	}
}
