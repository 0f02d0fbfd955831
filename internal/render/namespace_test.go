package render

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// TestHardenedNamespaceDefaults: a name alone is a whole hardened namespace, from the
// profile's defaults, and the result says which defaults it took (golden YAML).
func TestHardenedNamespaceDefaults(t *testing.T) {
	res, err := HardenedNamespace(NamespaceSpec{Name: "web", KubernetesVersion: "1.31"})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	var objs []any
	for _, n := range res.Objects() {
		keys = append(keys, n.Key)
		objs = append(objs, n.Object)
	}
	if strings.Join(keys, ",") != "namespace,limit_range,resource_quota" || res.ClusterRole != nil || res.FargatePodSize != nil {
		t.Errorf("objects %v", keys)
	}
	maps, err := All(objs...)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := YAML(maps...)
	golden(t, "namespace.yaml", y)
	strictDecode(t, maps[1], &corev1.LimitRange{})
	strictDecode(t, maps[2], &corev1.ResourceQuota{})

	d := profile.DefaultNamespace()
	want := []string{
		`profile is not set: its default is "restricted"`, `pod_security_version is not set: its default is "v1.31"`,
		`audit is not set: its default is "restricted"`, `warn is not set: its default is "restricted"`,
		`limit_range.name is not set: its default is "` + d.LimitRangeName + `"`,
		`limit_range.container.default is not set: its default is { cpu = "500m", memory = "256Mi" }`,
		`limit_range.container.default_request is not set: its default is { cpu = "100m", memory = "128Mi" }`,
		`resource_quota.name is not set: its default is "` + d.QuotaName + `"`,
		`resource_quota.hard is not set: its default is { "limits.cpu" = "8", "limits.memory" = "16Gi", pods = "50", "requests.cpu" = "4", "requests.memory" = "8Gi" }`,
	}
	var got []string
	for _, def := range res.Defaults {
		got = append(got, def.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("defaults:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Warnings) != 0 || res.PodSecurityLabels[PodSecurityLabelPrefix+"enforce-version"] != "v1.31" {
		t.Errorf("%+v", res)
	}
}

// TestHardenedNamespaceOverrides: what the spec sets replaces the default (and is not a
// default), the spec itself is not changed, a PodSecurityPolicy gets its RBAC, and a
// cluster without Pod Security Admission gets labels for after its upgrade.
func TestHardenedNamespaceOverrides(t *testing.T) {
	spec := NamespaceSpec{
		Name: "payments", Profile: profile.Baseline, Warn: profile.Restricted, KubernetesVersion: "1.22",
		LimitRangeName: "lr", Container: ContainerLimits{Default: map[string]string{"cpu": "1", "memory": "1Gi"}, Max: map[string]string{"cpu": "2"}},
		QuotaName: "q", QuotaHard: map[string]string{"pods": "10"}, PSPPolicy: "restricted", ServiceAccounts: []string{"worker", "api"},
		Meta: Meta{Labels: map[string]string{"team": "payments"}},
	}
	res, err := HardenedNamespace(spec)
	if err != nil {
		t.Fatal(err)
	}
	if spec.Container.DefaultRequest != nil || spec.QuotaName != "q" {
		t.Errorf("the spec was changed: %+v", spec)
	}
	var got []string
	for _, d := range res.Defaults {
		got = append(got, d.String())
	}
	if strings.Join(got, "; ") != `pod_security_version is not set: its default is "latest"; audit is not set: its default is "baseline"; `+
		`limit_range.container.default_request is not set: its default is { cpu = "100m", memory = "128Mi" }` {
		t.Errorf("defaults %v", got)
	}
	if res.LimitRange.Name != "lr" || res.Quota.Name != "q" || res.Namespace.Labels["team"] != "payments" || res.Quota.Labels["team"] != "payments" ||
		res.PodSecurityLabels[PodSecurityLabelPrefix+"warn"] != "restricted" || res.PodSecurityLabels[PodSecurityLabelPrefix+"enforce"] != "baseline" {
		t.Errorf("objects %+v", res)
	}
	if res.ClusterRole == nil || res.ClusterRole.Name != "psp:restricted:payments" || res.RoleBinding.Namespace != "payments" ||
		len(res.RoleBinding.Subjects) != 2 || res.RoleBinding.Subjects[0].Name != "api" || res.RoleBinding.Subjects[0].Kind != rbacv1.ServiceAccountKind {
		t.Errorf("RBAC %+v %+v", res.ClusterRole, res.RoleBinding)
	}
	if keys := res.Objects(); len(keys) != 5 || keys[3].Key != "cluster_role" || keys[4].Key != "role_binding" {
		t.Errorf("objects %v", keys)
	}
	if w := res.Warnings; len(w) != 1 || fmt.Sprint(w[0].Path) != "[resource_quota hard]" {
		t.Errorf("warnings %+v", w)
	}
}

// TestHardenedNamespaceErrors: every object's errors are reported together, below the
// object's field, and the LimitRange's name the defaults they involve.
func TestHardenedNamespaceErrors(t *testing.T) {
	_, err := HardenedNamespace(NamespaceSpec{
		Name: "Web", Container: ContainerLimits{DefaultRequest: map[string]string{"cpu": "1"}},
		QuotaHard: map[string]string{"cpus": "1"}, PSPPolicy: "Bad_Policy", ServiceAccounts: []string{"API"},
	})
	fes, ok := err.(FieldErrors)
	if !ok {
		t.Fatalf("%v", err)
	}
	var got []string
	for _, fe := range fes {
		got = append(got, fmt.Sprintf("%s %v (%d defaults)", fe.Summary, fe.Path, len(fe.Defaults)))
	}
	want := []string{
		"Invalid LimitRange [limit_range container default_request cpu] (1 defaults)",
		"Invalid LimitRange [limit_range namespace] (1 defaults)",
		"Invalid ResourceQuota [resource_quota hard cpus] (0 defaults)",
		"Invalid ResourceQuota [resource_quota namespace] (0 defaults)",
		"Cannot grant use of the policy [rbac policy_name] (0 defaults)",
		"Cannot grant use of the policy [rbac binding 0 namespace] (0 defaults)",
		"Cannot grant use of the policy [rbac binding 0 service_accounts 0] (0 defaults)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if msg := fes[0].Error(); !strings.HasSuffix(msg, `default_request cpu 1 is greater than default cpu 500m: a LimitRange needs min <= default_request <= default <= max `+
		`(limit_range.container.default is not set: its default is { cpu = "500m", memory = "256Mi" })`) {
		t.Errorf("message %s", msg)
	}
}

// TestHardenedNamespaceFargate: with Fargate, a pod taking the defaults is sized; a
// default too big for Fargate is an error on the LimitRange's defaults.
func TestHardenedNamespaceFargate(t *testing.T) {
	res, err := HardenedNamespace(NamespaceSpec{Name: "apps", Fargate: true})
	if err != nil || res.FargatePodSize == nil || res.FargatePodSize.String() != "0.25 vCPU / 0.5 GB" {
		t.Errorf("%+v %v", res.FargatePodSize, err)
	}
	_, err = HardenedNamespace(NamespaceSpec{Name: "apps", Fargate: true, Container: ContainerLimits{
		Default: map[string]string{"cpu": "32", "memory": "1Gi"}, DefaultRequest: map[string]string{"cpu": "17", "memory": "1Gi"}}})
	if fes, ok := err.(FieldErrors); !ok || len(fes) != 1 || fmt.Sprint(fes[0].Path) != "[limit_range container default_request]" || fes[0].Summary != "Too big for Fargate" {
		t.Errorf("%v", err)
	}
	res, _ = HardenedNamespace(NamespaceSpec{Name: "apps", Fargate: true, Container: ContainerLimits{
		Default: map[string]string{"memory": "1Gi"}, DefaultRequest: map[string]string{"memory": "1Gi"}}})
	if w := res.Warnings; len(w) != 1 || fmt.Sprint(w[0].Path) != "[limit_range fargate]" || !strings.Contains(w[0].Msg, "no default cpu request") {
		t.Errorf("warnings %+v", w)
	}
}
