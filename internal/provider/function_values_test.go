package provider

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestTFJSON(t *testing.T) {
	obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"s": tftypes.String, "n": tftypes.Number, "b": tftypes.Bool, "u": tftypes.String,
		"l": tftypes.List{ElementType: tftypes.String}, "m": tftypes.Map{ElementType: tftypes.Number},
		"t": tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Bool}},
		"z": tftypes.Set{ElementType: tftypes.String}, "null": tftypes.String,
	}}
	huge, _ := new(big.Float).SetPrec(512).SetString("1e400")
	v := tftypes.NewValue(obj, map[string]tftypes.Value{
		"s":    tftypes.NewValue(tftypes.String, "a \"quoted\" ${x} <b>\n\u2028"),
		"n":    tftypes.NewValue(tftypes.Number, big.NewFloat(10001)),
		"b":    tftypes.NewValue(tftypes.Bool, true),
		"u":    tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"l":    tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "x"), tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}),
		"m":    tftypes.NewValue(tftypes.Map{ElementType: tftypes.Number}, map[string]tftypes.Value{"a.b": tftypes.NewValue(tftypes.Number, big.NewFloat(0.5)), "big": tftypes.NewValue(tftypes.Number, huge)}),
		"t":    tftypes.NewValue(tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Bool}}, []tftypes.Value{tftypes.NewValue(tftypes.String, "y"), tftypes.NewValue(tftypes.Bool, false)}),
		"z":    tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "k")}),
		"null": tftypes.NewValue(tftypes.String, nil),
	})
	value, unknown, err := tfJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(value) || !json.Valid(unknown) {
		t.Fatalf("invalid JSON: %s / %s", value, unknown)
	}
	var got map[string]any
	d := json.NewDecoder(strings.NewReader(string(value)))
	d.UseNumber()
	if err := d.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got["s"] != "a \"quoted\" ${x} <b>\n\u2028" || got["n"] != json.Number("10001") || got["u"] != nil || got["null"] != nil {
		t.Errorf("value %s", value)
	}
	if m := got["m"].(map[string]any); m["a.b"] != json.Number("0.5") || m["big"] != json.Number("1e+400") {
		t.Errorf("numbers %v", m)
	}
	want := `{"b":false,"l":[false,true],"m":false,"n":false,"null":false,"s":false,"t":false,"u":true,"z":false}`
	if string(unknown) != want {
		t.Errorf("unknown marks\n got %s\nwant %s", unknown, want)
	}
	// A wholly known value has no marks.
	_, unknown, _ = tfJSON(tftypes.NewValue(tftypes.String, "x"))
	if string(unknown) != "false" {
		t.Errorf("marks of a known value: %s", unknown)
	}
}

func TestTFJSONRefusesDeepValues(t *testing.T) {
	v := tftypes.NewValue(tftypes.String, "x")
	for i := 0; i < maxValueDepth+2; i++ {
		v = tftypes.NewValue(tftypes.List{ElementType: v.Type()}, []tftypes.Value{v})
	}
	if _, _, err := tfJSON(v); err == nil || !strings.Contains(err.Error(), "nested deeper than") {
		t.Fatalf("error %v", err)
	}
}

func TestNumberText(t *testing.T) {
	for in, want := range map[string]string{"0": "0", "-3": "-3", "1000000000000": "1000000000000", "1.5": "1.5", "1e30": "1000000000000000000000000000000", "1e40": "1e+40", "1e400": "1e+400", "0.001": "0.001"} {
		f, _ := new(big.Float).SetPrec(512).SetString(in)
		if got := numberText(f); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func TestGuardedPanic(t *testing.T) {
	var resp function.RunResponse
	guarded("violations", &resp, func() {
		panic("secret-value") // a panic's value is never printed unless a runtime error
	})
	if resp.Error == nil || !strings.Contains(resp.Error.Error(), "internal error, please report (while reading provider::ekspodsec::violations)") || strings.Contains(resp.Error.Error(), "secret") {
		t.Fatalf("error %v", resp.Error)
	}
}
