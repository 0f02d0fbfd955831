package profile

import (
	"slices"
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
)

// TestVersionFacts: the versions the guidance turns on, in the order Kubernetes shipped
// them, and as the API servers of those versions behave.
func TestVersionFacts(t *testing.T) {
	v := func(s string) k8sversion.Version {
		t.Helper()
		parsed, err := k8sversion.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return parsed
	}
	for name, tc := range map[string]struct {
		got  k8sversion.Version
		want string
	}{
		"PSP removed": {PSPRemovedIn(), "1.25"}, "PSA minimum": {PSAMinimum(), "1.23"},
		"PSA GA": {PSAStable(), "1.25"}, "VAP v1": {VAPMinimum(), "1.30"},
	} {
		if tc.got != v(tc.want) {
			t.Errorf("%s: %v, want %s", name, tc.got, tc.want)
		}
	}
	// Pod Security Admission came before PodSecurityPolicy left: a cluster is never
	// without both, and the admission policy needs a cluster that has PSA.
	if !PSPRemovedIn().AtLeast(PSAMinimum()) || !VAPMinimum().AtLeast(PSPRemovedIn()) {
		t.Error("versions out of order")
	}
	if v("1.24").AtLeast(PSPRemovedIn()) || !v("1.25.3-eks-1").AtLeast(PSPRemovedIn()) {
		t.Error("PSP cut-off")
	}
}

// TestFactsAreFresh: a caller that changes what it got changes nothing for the next one.
func TestFactsAreFresh(t *testing.T) {
	d := DefaultNamespace()
	d.ContainerDefault["cpu"] = "9"
	d.QuotaHard["pods"] = "1"
	d.ContainerDefaultRequest["memory"] = "1Ti"
	again := DefaultNamespace()
	if again.ContainerDefault["cpu"] != "500m" || again.ContainerDefault["memory"] != "256Mi" ||
		again.ContainerDefaultRequest["cpu"] != "100m" || again.ContainerDefaultRequest["memory"] != "128Mi" ||
		again.QuotaHard["pods"] != "50" || again.QuotaHard["limits.memory"] != "16Gi" || len(again.QuotaHard) != 5 {
		t.Errorf("namespace defaults changed: %+v", again)
	}
	caps := DefaultAllowedCapabilities()
	caps[0] = "SYS_ADMIN"
	if !slices.Equal(DefaultAllowedCapabilities(), []string{"NET_BIND_SERVICE"}) {
		t.Error("default capabilities changed")
	}
	ex := ExemptNamespaces()
	ex[0] = "default"
	if !slices.Equal(ExemptNamespaces(), []string{SystemNamespace}) || SystemNamespace != "kube-system" {
		t.Error("exempt namespaces changed")
	}
}

// TestNamespaceDefaultsAreValid: the defaults are a LimitRange the API server accepts
// (default request at most the default limit) under a quota that holds a pod taking them.
func TestNamespaceDefaultsAreValid(t *testing.T) {
	d := DefaultNamespace()
	if d.Level != Restricted || d.LimitRangeName == "" || d.QuotaName == "" {
		t.Errorf("defaults %+v", d)
	}
	for _, r := range []string{"cpu", "memory"} {
		if d.ContainerDefault[r] == "" || d.ContainerDefaultRequest[r] == "" {
			t.Errorf("no default %s", r)
		}
		for _, k := range []string{"requests." + r, "limits." + r} {
			if d.QuotaHard[k] == "" {
				t.Errorf("quota without %s: pods would not have to declare it", k)
			}
		}
	}
}

// TestFargateRefusals: what New takes away for Fargate is every pod field Fargate refuses,
// and the error for the privileged level names them all.
func TestFargateRefusals(t *testing.T) {
	p := mustNew(t, Baseline, Options{Fargate: true})
	if !p.Fargate || p.Privileged || p.HostNetwork || len(p.HostPorts) != 0 || len(p.AllowedCapabilities) != 0 {
		t.Errorf("Fargate profile keeps what Fargate refuses: %+v", p)
	}
	if !slices.Contains(FargateRefusals(), FargateDaemonSet) || len(FargateRefusals()) != 5 {
		t.Errorf("refusals %v", FargateRefusals())
	}
	msg := ErrFargatePrivileged.Error()
	if !strings.Contains(msg, "Fargate refuses privileged containers, hostNetwork, hostPort and added capabilities; ") ||
		!strings.HasSuffix(msg, "on EC2 nodes in kube-system") {
		t.Errorf("message %q", msg)
	}
}
