// Command ruledocs writes docs/rules/ID.md for every rule of the catalogue:
//
//	go run ./internal/rules/ruledocs docs/rules
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: ruledocs DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "ruledocs:", err)
		os.Exit(1)
	}
	for _, r := range rules.Catalogue() {
		if err := os.WriteFile(filepath.Join(dir, r.ID+".md"), []byte(rules.Doc(r)), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "ruledocs:", err)
			os.Exit(1)
		}
	}
}
