//go:build goexperiment.jsonv2

package plan

import (
	"bytes"
	"encoding/json/jsontext"
	"errors"
	"io"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/testutil/plantest"
)

// The hand-written scanner and tape against the standard library's streaming tokenizer
// (encoding/json/jsontext, a GOEXPERIMENT=jsonv2 package in Go 1.26), on the same bytes
// and for the same job: make bench runs
//
//	GOEXPERIMENT=jsonv2 go test -run '^$' -bench JSONText ./internal/plan/
//
// Both validate strictly (RFC 8259, duplicate member names refused) and note where each
// value starts and ends; jsontextTape builds the tape's nodes from jsontext's tokens and
// offsets.

// jsontextTape indexes b as tape.parse does, with jsontext: one node per value and member
// name, with its byte range and the index of the node after its subtree.
func jsontextTape(d *jsontext.Decoder, b []byte, nodes []tnode) ([]tnode, error) {
	d.Reset(bytes.NewReader(b))
	var stack []int32
	for {
		k := d.PeekKind()
		switch k {
		case 0:
			_, err := d.ReadToken()
			if errors.Is(err, io.EOF) {
				return nodes, nil
			}
			return nodes, err
		case '{', '[':
			if _, err := d.ReadToken(); err != nil {
				return nodes, err
			}
			stack = append(stack, int32(len(nodes)))
			nodes = append(nodes, tnode{kind: byte(k), start: int32(d.InputOffset() - 1)})
		case '}', ']':
			if _, err := d.ReadToken(); err != nil {
				return nodes, err
			}
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			nodes[n].end, nodes[n].next = int32(d.InputOffset()), int32(len(nodes))
		default:
			v, err := d.ReadValue()
			if err != nil {
				return nodes, err
			}
			end := int32(d.InputOffset())
			nodes = append(nodes, tnode{kind: byte(k), start: end - int32(len(v)), end: end, next: int32(len(nodes) + 1)})
		}
	}
}

// TestJSONTextTape: the jsontext tape has the tape's nodes (kind aside: numbers are '0'
// in the tape), so the benchmark compares the same work.
func TestJSONTextTape(t *testing.T) {
	p, err := Parse(plantest.Realistic(plantest.RealisticOptions{N: 20, Violating: 0.5}))
	if err != nil {
		t.Fatal(err)
	}
	d := jsontext.NewDecoder(bytes.NewReader(nil))
	var tp tape
	for i := range p.changes {
		raw := p.raw(i)
		if err := tp.parse(raw); err != nil {
			t.Fatal(err)
		}
		nodes, err := jsontextTape(d, raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(nodes) != len(tp.nodes) {
			t.Fatalf("change %d: %d nodes, the tape has %d", i, len(nodes), len(tp.nodes))
		}
		for j, n := range nodes {
			m := tp.nodes[j]
			if n.start != m.start || n.end != m.end || n.next != m.next {
				t.Fatalf("change %d node %d: %+v, the tape has %+v", i, j, n, m)
			}
		}
	}
}

// BenchmarkJSONText is the tape (tape.parse of each resource change) and the scanner
// (Parse: the whole document checked, resource changes split and their headers read)
// side by side with jsontext doing the same, on the mix plan.
func BenchmarkJSONText(b *testing.B) {
	data := plantest.Realistic(plantest.Presets["mix"])
	p, err := Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	changes := 0
	for i := range p.changes {
		changes += len(p.raw(i))
	}
	b.Run("tape", func(b *testing.B) {
		b.SetBytes(int64(changes))
		b.ReportAllocs()
		var t tape
		for n := 0; n < b.N; n++ {
			for i := range p.changes {
				if err := t.parse(p.raw(i)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("tape-jsontext", func(b *testing.B) {
		b.SetBytes(int64(changes))
		b.ReportAllocs()
		d := jsontext.NewDecoder(bytes.NewReader(nil))
		var nodes []tnode
		for n := 0; n < b.N; n++ {
			for i := range p.changes {
				if nodes, err = jsontextTape(d, p.raw(i), nodes[:0]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for n := 0; n < b.N; n++ {
			if _, err := Parse(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scan-jsontext", func(b *testing.B) {
		// Less than Parse does: the document checked and skipped, no header read.
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		d := jsontext.NewDecoder(bytes.NewReader(nil))
		for n := 0; n < b.N; n++ {
			d.Reset(bytes.NewReader(data))
			if err := d.SkipValue(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
