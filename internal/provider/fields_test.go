package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/render"
)

func TestFieldTableRoutes(t *testing.T) {
	table := fieldTable{
		{from: f("container"), to: f("container_default")},
		{from: f("container", "default"), to: f("container_default"), computed: true},
		{from: f("container", "default_request"), to: f("container_default_request")},
		{from: f("binding", anyIndex, "service_accounts"), to: f("service_accounts")},
		{from: f("binding", anyIndex, "namespace"), to: f("name")},
	}
	for _, tc := range []struct {
		in   []any
		want string // "" when no route takes it
	}{
		{f("container", "default", render.MapKey("cpu")), `[container_default cpu]`},
		{f("container", "default_request"), `[container_default_request]`},
		{f("container"), `[container_default]`},
		{f("container", "min", render.MapKey("cpu")), `[container_default min cpu]`},
		{f("binding", 3, "service_accounts", 1), `[service_accounts 1]`},
		{f("binding", 0, "namespace"), `[name]`},
		{f("binding", "x", "namespace"), ``}, // anyIndex is an index, never a name
		{f("binding"), ``},
		{f("quota"), ``},
		{nil, ``},
	} {
		got, ok := table.attribute(tc.in)
		if (tc.want == "") == ok || (ok && fmt.Sprint(got) != tc.want) {
			t.Errorf("attribute(%v) = %v, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

// TestFieldTableReport: warnings and errors land on their attributes, in the data
// source's words (the defaults the error involves too); what no route takes is still
// reported, without an attribute.
func TestFieldTableReport(t *testing.T) {
	var diags diag.Diagnostics
	namespaceFields.report(render.Decisions{Warnings: []render.Warning{
		{Path: f("resource_quota", "hard"), Summary: "W1", Msg: "quota"}, {Summary: "W2", Msg: "whole"},
	}}, render.FieldErrors{
		{Path: f("limit_range", "container", "max", render.MapKey("cpu")), Msg: "bad", Summary: "Invalid LimitRange",
			Defaults: []render.Default{{Path: f("limit_range", "container", "default"), Value: map[string]string{"cpu": "1"}}}},
		{Path: f("nowhere"), Msg: "lost"},
	}, "Fallback", &diags)
	var got []string
	for _, d := range diags {
		at := "-"
		if p, ok := d.(diag.DiagnosticWithPath); ok {
			at = p.Path().String()
		}
		got = append(got, fmt.Sprintf("%s %s %s: %s", d.Severity(), at, d.Summary(), d.Detail()))
	}
	want := []string{
		"Warning quota_hard W1: quota", "Warning - W2: whole",
		`Error container_max["cpu"] Invalid LimitRange: container_max["cpu"]: bad (container_default is not set: its default is { cpu = "1" })`,
		"Error - Fallback: nowhere: lost",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	diags = nil
	namespaceFields.report(render.Decisions{}, errors.New("plain"), "Fallback", &diags)
	if len(diags) != 1 || diags[0].Summary() != "Fallback" || diags[0].Detail() != "plain" {
		t.Errorf("a plain error: %v", diags)
	}
}

// TestFieldTablesMatchSchemas: every route of every data source leads to one of its
// attributes (or blocks), and a route that takes defaults to a computed attribute.
func TestFieldTablesMatchSchemas(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		ds    datasource.DataSource
		table fieldTable
	}{
		"namespace": {NewNamespaceDataSource(), namespaceFields}, "pod_security_admission": {NewPodSecurityAdmissionDataSource(), podSecurityAdmissionFields},
		"pod_security_policy": {NewPodSecurityPolicyDataSource(), podSecurityPolicyFields}, "rbac": {NewPodSecurityPolicyRBACDataSource(), podSecurityPolicyRBACFields},
		"limit_range": {NewLimitRangeDataSource(), limitRangeFields}, "resource_quota": {NewResourceQuotaDataSource(), resourceQuotaFields},
	} {
		var resp datasource.SchemaResponse
		tc.ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		for _, r := range tc.table {
			at := attributePath(r.to)
			if _, d := resp.Schema.TypeAtPath(ctx, at); d.HasError() {
				t.Errorf("%s: %v leads to %s, which is not in the schema", name, r.from, at)
				continue
			}
			if r.computed {
				a, d := resp.Schema.AttributeAtPath(ctx, at)
				if d.HasError() || !a.IsComputed() || len(r.to) != 1 {
					t.Errorf("%s: defaults of %v go to %s, which is not a computed top-level attribute", name, r.from, at)
				}
			}
		}
	}
}

// TestNamespaceFieldsTakeEveryError: whatever the namespace renderer refuses lands on an
// attribute of ekspodsec_namespace, and so do the defaults its errors name.
func TestNamespaceFieldsTakeEveryError(t *testing.T) {
	bad := map[string]string{"bad key": "x", "ok": "bad value!"}
	for _, spec := range []render.NamespaceSpec{
		{Name: "Web_x", LimitRangeName: "Bad_Name", QuotaName: "Bad Quota", PSPPolicy: "Bad_Policy", ServiceAccounts: []string{"API"},
			Container: render.ContainerLimits{Default: map[string]string{"gpus": "1"}, Min: map[string]string{"cpu": "lots"},
				Max: map[string]string{"cpu": "1m"}, MaxLimitRequestRatio: map[string]string{"cpu": "0.5"}},
			QuotaHard: map[string]string{"cpus": "1"}, Meta: render.Meta{Labels: bad, Annotations: map[string]string{"Bad/Prefix/x": "v"}}},
		{Name: "apps", Container: render.ContainerLimits{Default: map[string]string{}, DefaultRequest: map[string]string{}}, QuotaHard: map[string]string{}},
		{Name: "apps", Fargate: true, Container: render.ContainerLimits{DefaultRequest: map[string]string{"cpu": "17"}, Default: map[string]string{"cpu": "20"}}},
		{Name: "apps", Profile: profile.Privileged, Fargate: true, Container: render.ContainerLimits{DefaultRequest: map[string]string{"memory": "1Gi"}}, QuotaHard: map[string]string{"pods": "1"}},
	} {
		res, err := render.HardenedNamespace(spec)
		var fes render.FieldErrors
		if err != nil && !errors.As(err, &fes) {
			t.Fatalf("%v is not FieldErrors", err)
		}
		for _, fe := range fes {
			if at, ok := namespaceFields.attribute(fe.Path); !ok || len(at) == 0 {
				t.Errorf("error at %v (%s) has no attribute", fe.Path, fe.Msg)
			}
			for _, d := range fe.Defaults {
				if _, ok := namespaceFields.attribute(d.Path); !ok {
					t.Errorf("default %v has no attribute", d.Path)
				}
			}
		}
		for _, w := range res.Warnings {
			if at, ok := namespaceFields.attribute(w.Path); !ok || len(at) == 0 {
				t.Errorf("warning at %v (%s) has no attribute", w.Path, w.Msg)
			}
		}
		for _, d := range res.Defaults {
			if r, ok := namespaceFields.route(d.Path); !ok || !r.computed || len(r.from) != len(d.Path) {
				t.Errorf("default %v fills no computed attribute", d.Path)
			}
		}
	}
}

// TestFillDefaults: a default fills its attribute in the model, whatever its type; one
// that fits no attribute is an error, never a silent pass.
func TestFillDefaults(t *testing.T) {
	var m namespaceModel
	var diags diag.Diagnostics
	namespaceFields.fillDefaults(context.Background(), render.Decisions{Defaults: []render.Default{
		{Path: f("profile"), Value: "restricted"},
		{Path: f("limit_range", "container", "default"), Value: map[string]string{"cpu": "1"}},
		{Path: f("limit_range", "container", "min"), Value: map[string]string{"cpu": "1"}}, // not computed: left alone
		{Path: f("nowhere"), Value: "x"},                                                   // no route: left alone
	}}, &m, &diags)
	if diags.HasError() || m.Profile.ValueString() != "restricted" || m.ContainerDefault.Elements()["cpu"].String() != `"1"` || !m.ContainerMin.IsNull() {
		t.Errorf("model %+v %v", m, diags)
	}
	bad := fieldTable{{from: f("x"), to: f("profile"), computed: true}, {from: f("y"), to: f("nope"), computed: true}}
	bad.fillDefaults(context.Background(), render.Decisions{Defaults: []render.Default{{Path: f("x"), Value: []string{"a"}}, {Path: f("y"), Value: "a"}}}, &m, &diags)
	if len(diags.Errors()) != 2 {
		t.Errorf("misfits: %v", diags)
	}
}
