//go:build goexperiment.jsonv2

// Command tokens reads every token of a plan with the standard library's streaming
// tokenizer (encoding/json/jsontext, GOEXPERIMENT=jsonv2), which validates as it goes
// (duplicate member names included): the maintained alternative to plan-check's own
// scanner and tape, measured as a whole process beside them.
//
//	GOEXPERIMENT=jsonv2 go build -o tokens ./bench/tokens && ./tokens PLAN.json
package main

import (
	"bytes"
	"encoding/json/jsontext"
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tokens PLAN.json")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokens:", err)
		os.Exit(1)
	}
	d := jsontext.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		if _, err := d.ReadToken(); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			fmt.Fprintln(os.Stderr, "tokens:", err)
			os.Exit(1)
		}
		n++
	}
	if n == 0 {
		fmt.Fprintln(os.Stderr, "tokens: no tokens")
		os.Exit(1)
	}
}
