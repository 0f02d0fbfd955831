//go:build !goexperiment.jsonv2

// Command tokens needs the standard library's encoding/json/jsontext: build it with
// GOEXPERIMENT=jsonv2.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "tokens: build with GOEXPERIMENT=jsonv2 (encoding/json/jsontext)")
	os.Exit(2)
}
