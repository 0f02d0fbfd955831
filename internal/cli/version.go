package cli

import (
	"context"
	"fmt"
	"runtime"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/version"
)

func runVersion(_ context.Context, _ []string, stdio Stdio) int {
	fmt.Fprintf(stdio.Out, "terraform-provider-ekspodsec %s (commit %s, %s, %s/%s)\n",
		version.Version, version.Commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return ExitOK
}
