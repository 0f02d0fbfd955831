package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// protoV6 serves the provider in-process to the real Terraform CLI that
// terraform-plugin-testing runs (resource.UnitTest: no cloud, data sources are pure).
var protoV6 = map[string]func() (tfprotov6.ProviderServer, error){
	"ekspodsec": providerserver.NewProtocol6WithError(New("test")()),
}

func TestProviderSchemaValid(t *testing.T) {
	srv, err := protoV6["ekspodsec"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	for name, s := range resp.DataSourceSchemas {
		if s.Block.Description == "" {
			t.Errorf("%s has no description", name)
		}
		described(t, name, s.Block)
	}
	described(t, "provider", resp.Provider.Block)
	if len(resp.Functions) != 4 {
		t.Errorf("functions %v, want violations, pss_level, fargate_size and kubernetes_object", resp.Functions)
	}
	for name, f := range resp.Functions {
		if f.Summary == "" || f.Description == "" {
			t.Errorf("function %s has no summary or description", name)
		}
		params := f.Parameters
		if f.VariadicParameter != nil {
			params = append(params, f.VariadicParameter)
		}
		for _, p := range params {
			if p.Description == "" {
				t.Errorf("function %s: parameter %s has no description", name, p.Name)
			}
		}
	}
}

// described checks that every attribute and block of a schema block, nested ones
// included, has a description.
func described(t *testing.T, at string, b *tfprotov6.SchemaBlock) {
	t.Helper()
	var attrs func(string, []*tfprotov6.SchemaAttribute)
	attrs = func(at string, as []*tfprotov6.SchemaAttribute) {
		for _, a := range as {
			if a.Description == "" {
				t.Errorf("%s.%s has no description", at, a.Name)
			}
			if a.NestedType != nil {
				attrs(at+"."+a.Name, a.NestedType.Attributes)
			}
		}
	}
	attrs(at, b.Attributes)
	for _, nb := range b.BlockTypes {
		if nb.Block.Description == "" {
			t.Errorf("%s.%s (block) has no description", at, nb.TypeName)
		}
		described(t, at+"."+nb.TypeName, nb.Block)
	}
}
