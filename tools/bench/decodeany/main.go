// Command decodeany is the bar plan-check's speed is held to: a bare generic decode of a
// plan (encoding/json into any), the whole file read first as plan-check reads it.
//
//	decodeany PLAN.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: decodeany PLAN.json")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "decodeany:", err)
		os.Exit(1)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		fmt.Fprintln(os.Stderr, "decodeany:", err)
		os.Exit(1)
	}
}
