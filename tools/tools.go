//go:build tools

// Package tools pins the tools the build uses, in a module of their own so the provider's
// go.mod stays clean: tfplugindocs for docs/, staticcheck and goimports for make lint.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
	_ "golang.org/x/tools/cmd/goimports"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
