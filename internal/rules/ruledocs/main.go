// Command ruledocs writes the docs the catalogue generates: docs/rules/ID.md for every
// rule, the migration map docs/peers.md and the catalogue table in docs/plan-check.md.
//
//	go run ./internal/rules/ruledocs docs
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: ruledocs DOCS_DIR")
		os.Exit(2)
	}
	docs := os.Args[1]
	dir := filepath.Join(docs, "rules")
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
	if err := os.WriteFile(filepath.Join(docs, "peers.md"), []byte(rules.PeersDoc()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "ruledocs:", err)
		os.Exit(1)
	}
	page := filepath.Join(docs, "plan-check.md")
	doc, err := os.ReadFile(page)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ruledocs:", err)
		os.Exit(1)
	}
	out, ok := rules.ReplaceTable(string(doc))
	if !ok {
		fmt.Fprintln(os.Stderr, "ruledocs: "+page+" has no catalogue table markers")
		os.Exit(1)
	}
	if err := os.WriteFile(page, []byte(out), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "ruledocs:", err)
		os.Exit(1)
	}
}
