package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// configValue builds a configuration of type typ from Go values: map[string]any for
// objects (what is missing is null), []any for lists, map[string]string for maps of
// strings, string and bool.
func configValue(typ tftypes.Type, v any) tftypes.Value {
	if v == nil {
		return tftypes.NewValue(typ, nil)
	}
	switch t := typ.(type) {
	case tftypes.Object:
		m := v.(map[string]any)
		vals := make(map[string]tftypes.Value, len(t.AttributeTypes))
		for name, at := range t.AttributeTypes {
			vals[name] = configValue(at, m[name])
		}
		return tftypes.NewValue(t, vals)
	case tftypes.List:
		var elems []tftypes.Value
		for _, e := range v.([]any) {
			elems = append(elems, configValue(t.ElementType, e))
		}
		return tftypes.NewValue(t, elems)
	case tftypes.Map:
		vals := map[string]tftypes.Value{}
		for k, e := range v.(map[string]string) {
			vals[k] = tftypes.NewValue(t.ElementType, e)
		}
		return tftypes.NewValue(t, vals)
	}
	return tftypes.NewValue(typ, v)
}

// benchRead reads a data source with a configuration, b.N times, as Terraform does for
// every plan (schema, configuration and state built once).
func benchRead(b *testing.B, ds datasource.DataSource, config map[string]any) {
	ctx := context.Background()
	var sresp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx)
	req := datasource.ReadRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: configValue(typ, config)}}
	b.ReportAllocs()
	for b.Loop() {
		resp := datasource.ReadResponse{State: tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}}
		ds.Read(ctx, req, &resp)
		if resp.Diagnostics.HasError() {
			b.Fatal(resp.Diagnostics)
		}
	}
}

func BenchmarkReadNamespace(b *testing.B) {
	benchRead(b, NewNamespaceDataSource(), map[string]any{"name": "payments", "kubernetes_version": "1.24", "psp_policy_name": "restricted",
		"service_accounts": []any{"api", "worker"}, "fargate": true, "labels": map[string]string{"team": "payments"}})
}

func BenchmarkReadPodSecurityAdmission(b *testing.B) {
	benchRead(b, NewPodSecurityAdmissionDataSource(), map[string]any{"namespace": "apps", "kubernetes_version": "1.31", "warn": "restricted"})
}

func BenchmarkReadPodSecurityPolicy(b *testing.B) {
	benchRead(b, NewPodSecurityPolicyDataSource(), map[string]any{"kubernetes_version": "1.24",
		"allowed_host_paths": []any{map[string]any{"path_prefix": "/var/log"}}, "allowed_capabilities": []any{"NET_BIND_SERVICE"}})
}

func BenchmarkReadPodSecurityPolicyRBAC(b *testing.B) {
	benchRead(b, NewPodSecurityPolicyRBACDataSource(), map[string]any{"policy_name": "restricted", "binding": []any{
		map[string]any{"namespace": "a", "service_accounts": []any{"x", "y"}}, map[string]any{"namespace": "b"}}})
}

func BenchmarkReadLimitRange(b *testing.B) {
	benchRead(b, NewLimitRangeDataSource(), map[string]any{"name": "defaults", "namespace": "apps", "fargate": true,
		"container": map[string]any{"default": map[string]string{"cpu": "500m", "memory": "512Mi"}, "default_request": map[string]string{"cpu": "250m", "memory": "256Mi"}}})
}

func BenchmarkReadResourceQuota(b *testing.B) {
	benchRead(b, NewResourceQuotaDataSource(), map[string]any{"name": "compute", "namespace": "apps",
		"hard": map[string]string{"requests.cpu": "4", "requests.memory": "8Gi", "limits.cpu": "8", "limits.memory": "16Gi"}})
}

func BenchmarkReadValidatingAdmissionPolicy(b *testing.B) {
	benchRead(b, NewValidatingAdmissionPolicyDataSource(), map[string]any{"kubernetes_version": "1.31", "pod_security_standards": true,
		"fargate_selectors": []any{map[string]any{"namespace": "apps-*"}}})
}
