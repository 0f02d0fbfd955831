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
		for _, a := range s.Block.Attributes {
			if a.Description == "" {
				t.Errorf("%s.%s has no description", name, a.Name)
			}
		}
	}
}
