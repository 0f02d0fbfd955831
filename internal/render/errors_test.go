package render

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		path []any
		want string
	}{
		{nil, ""}, {[]any{"name"}, "name"}, {[]any{"container", "default", MapKey("cpu")}, `container.default["cpu"]`},
		{[]any{"binding", 2, "groups", 0}, "binding[2].groups[0]"}, {[]any{"labels", MapKey("a\nb")}, `labels["a\nb"]`},
		{[]any{"labels", MapKey(strings.Repeat("k", 200))}, `labels["` + strings.Repeat("k", 100) + `"… (200 bytes)]`},
	} {
		if got := FormatPath(tc.path); got != tc.want {
			t.Errorf("FormatPath(%v) = %s, want %s", tc.path, got, tc.want)
		}
	}
	for _, tc := range []struct {
		v    any
		want string
	}{
		{"defaults", `"defaults"`}, {[]string{"kube-system", "x"}, `["kube-system", "x"]`}, {[]string{}, `[]`},
		{map[string]string{"memory": "256Mi", "cpu": "500m", "requests.cpu": "4", "a/b": "1"}, `{ "a/b" = "1", cpu = "500m", memory = "256Mi", "requests.cpu" = "4" }`},
	} {
		if got := FormatValue(tc.v); got != tc.want {
			t.Errorf("FormatValue(%v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}

// TestFieldErrorDefaults: an error names the defaults it involves, and under moves the
// error and its defaults below a prefix.
func TestFieldErrorDefaults(t *testing.T) {
	fe := FieldError{Path: []any{"default", MapKey("cpu")}, Msg: "too small", Defaults: []Default{
		{Path: []any{"limit"}, Value: map[string]string{"cpu": "1"}}, {Path: []any{"name"}, Value: "x"},
	}}
	if got := fe.Error(); got != `default["cpu"]: too small (limit is not set: its default is { cpu = "1" }; name is not set: its default is "x")` {
		t.Errorf("Error() = %s", got)
	}
	moved := under(FieldErrors{fe}, "limit_range")
	if len(moved) != 1 || fmt.Sprint(moved[0].Path) != "[limit_range default cpu]" || fmt.Sprint(moved[0].Defaults[0].Path) != "[limit_range limit]" {
		t.Errorf("under: %+v", moved)
	}
	if fmt.Sprint(fe.Path) != "[default cpu]" || fmt.Sprint(fe.Defaults[0].Path) != "[limit]" {
		t.Errorf("under changed its input: %+v", fe)
	}
	if plain := under(errors.New("boom"), "x"); len(plain) != 1 || fmt.Sprint(plain[0].Path) != "[x]" || plain[0].Msg != "boom" {
		t.Errorf("a plain error: %+v", plain)
	}
	if under(nil, "x") != nil {
		t.Error("no error, no errors")
	}
}
