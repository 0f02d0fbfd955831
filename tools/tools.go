//go:build tools

// Package tools pins the tools the build uses (tfplugindocs for docs/), in a module of
// their own so the provider's go.mod stays clean.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
