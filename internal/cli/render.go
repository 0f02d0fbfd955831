package cli

import (
	"context"
	"fmt"
)

// runRender prints the manifests of a profile. Implemented with the renderers.
func runRender(_ context.Context, _ []string, stdio Stdio) int {
	fmt.Fprintln(stdio.Err, "render: not implemented yet")
	return ExitUsage
}
