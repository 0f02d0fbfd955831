package render

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

// TestQuantityRange: a quantity beyond 2^63-1 is an error on its field, never the clamped
// number the API machinery would write (99999999999999999999999999Ei once rendered as
// 9223372036854775807); quantities are written canonically.
func TestQuantityRange(t *testing.T) {
	for _, q := range []string{"99999999999999999999999999Ei", "8Ei", "9223372036854775808", "1e19", "9.3E", "1e400", "9223372036854775807.001"} {
		_, err := LimitRange(LimitRangeSpec{Name: "l", Namespace: "n", Container: &ContainerLimits{Max: map[string]string{"memory": q}}}, Meta{})
		var fe FieldErrors
		if !errors.As(err, &fe) || len(fe) != 1 || fmt.Sprint(fe[0].Path) != "[container max memory]" || !strings.Contains(fe[0].Msg, "out of range") {
			t.Errorf("limit range max memory %s: %v", q, err)
		}
		_, err = ResourceQuota(QuotaSpec{Name: "q", Namespace: "n", Hard: map[string]string{"requests.cpu": q}}, Meta{})
		if !errors.As(err, &fe) || len(fe) != 1 || fmt.Sprint(fe[0].Path) != "[hard requests.cpu]" || !strings.Contains(fe[0].Msg, "out of range") {
			t.Errorf("quota %s: %v", q, err)
		}
	}
	for in, want := range map[string]string{"7Ei": "7Ei", "9223372036854775807": "9223372036854775807", "+1": "1", "01": "1", "1E3": "1e3", "0.5": "500m", "+500m": "500m"} {
		q, err := ParseQuantity(in)
		if err != nil || q.String() != want {
			t.Errorf("ParseQuantity(%q) = %v, %v; want %s", in, q.String(), err, want)
		}
		lr, err := LimitRange(LimitRangeSpec{Name: "l", Namespace: "n", Container: &ContainerLimits{Max: map[string]string{"memory": in}}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		m, _ := Generic(lr.LimitRange)
		y, _ := YAML(m)
		if !strings.Contains(y, "memory: "+want+"\n") && !strings.Contains(y, `memory: "`+want+`"`) {
			t.Errorf("%s renders as\n%s", in, y)
		}
	}
	// a decimal exponent decides alone, at once: 10^20600000 is never multiplied out
	for in, want := range map[string]string{
		"1E20600000": "out of range", "9e20": "out of range", "1e19": "out of range", "1E206000600000": "out of range", "+2.5e0000000012345678": "out of range",
		"0E20600000": "0", "E20600000": "not a Kubernetes quantity", "0e25": "0", "0.000E-99999999999": "0", "-0e123456789": "0",
		"1e-99999999999": "1e-9", "7.5E-1234567": "1e-9", "1e-1000": "1e-9", "1e-999": "1e-9", "1e999": "out of range", "1e1000": "out of range", "0e-1000": "0", "1e0999": "out of range", "1e0000000005": "", "e100000000": "not a Kubernetes quantity", "..5e12345": "not a Kubernetes quantity", "-1e-99999999999": "negative", "-3E99999999": "negative",
	} {
		if want == "" {
			want = "100e3" // an exponent with leading zeros is an exponent: resource decides
		}
		if q, err := ParseQuantity(in); (err == nil) != (want == "0" || want == "1e-9" || want == "100e3") || (err == nil && q.String() != want) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("ParseQuantity(%q) = %s, %v; want %s", in, q.String(), err, want)
		}
	}
	for _, bad := range []string{"-1", "lots", "", "1.5.5", "1Ki1", "1." + strings.Repeat("5", MaxQuantityLen) + "Ki", strings.Repeat("9", 1<<20)} {
		if _, err := ParseQuantity(bad); err == nil {
			t.Errorf("ParseQuantity(%q) accepted", bad)
		}
	}
}

// TestMetadataChecked: labels and annotations are checked as the API server checks them,
// on their key, by every renderer.
func TestMetadataChecked(t *testing.T) {
	bad := Meta{
		Labels:      map[string]string{"bad key": "v", "ok": "not a value!", "good": "yes"},
		Annotations: map[string]string{"Bad/Prefix/x": "v", "fine": strings.Repeat("x", 10)},
	}
	want := []string{`labels["bad key"]: label key "bad key" is not valid`, `labels["ok"]: label value "not a value!" is not valid`,
		`annotations["Bad/Prefix/x"]: annotation key`}
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: accepted", what)
			return
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v lacks %q", what, err, w)
			}
		}
		if strings.Contains(err.Error(), "good") || strings.Contains(err.Error(), "fine") {
			t.Errorf("%s: valid metadata refused: %v", what, err)
		}
	}
	_, err := PodSecurityPolicy(mustRestricted(t), "", bad)
	check("psp", err)
	_, err = PolicyRBAC("p", "", []Binding{{Namespace: "a"}}, bad)
	check("rbac", err)
	_, err = LimitRange(LimitRangeSpec{Name: "l", Namespace: "n", Container: &ContainerLimits{Max: map[string]string{"cpu": "1"}}}, bad)
	check("limitrange", err)
	_, err = ResourceQuota(QuotaSpec{Name: "q", Namespace: "n", Hard: map[string]string{"pods": "1"}}, bad)
	check("quota", err)

	_, err = PodSecurityPolicy(mustRestricted(t), "", Meta{Annotations: map[string]string{"big": strings.Repeat("x", 300<<10)}})
	if err == nil || !strings.Contains(err.Error(), "256 KiB") {
		t.Errorf("oversized annotations: %v", err)
	}
}

func TestGroupNames(t *testing.T) {
	for _, g := range []string{"", "ops team", "ops\n", " system:authenticated", "\xff"} {
		_, err := PolicyRBAC("p", "", []Binding{{Namespace: "a", Groups: []string{g}}}, Meta{})
		if err == nil || !strings.Contains(err.Error(), "binding[0].groups[0]") {
			t.Errorf("group %q: %v", g, err)
		}
	}
}

// FuzzParseQuantity: ParseQuantity never panics, and what it accepts is in range,
// not negative, canonical (parsing its string gives the same string) and exact.
func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"500m", "1Gi", "99999999999999999999999999Ei", "8Ei", "7Ei", "+1", "1e-20", "9.3E", "0.0001", "-0", "1E20600000", "0e99999", "1E206000600000", "-1e-0000009999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuantity(s)
		if err != nil {
			return
		}
		if q.Sign() < 0 || q.Cmp(*maxQuantity) > 0 {
			t.Fatalf("ParseQuantity(%q) = %s: out of range", s, q.String())
		}
		again, err := ParseQuantity(q.String())
		if err != nil || again.String() != q.String() || again.Cmp(q) != 0 {
			t.Fatalf("ParseQuantity(%q) = %s, which reads back as %s, %v", s, q.String(), again.String(), err)
		}
		if _, huge, _ := hugeExponent(s); huge {
			return // resource.ParseQuantity takes minutes: ParseQuantity decides on the exponent (TestQuantityRange)
		}
		orig := resource.MustParse(s)
		if orig.Cmp(q) != 0 {
			t.Fatalf("ParseQuantity(%q) = %s changed the value", s, q.String())
		}
	})
}

// TestLongValuesShortened: a huge value is named, not repeated, in the error.
func TestLongValuesShortened(t *testing.T) {
	huge := strings.Repeat("v", 1<<20)
	_, err := PodSecurityPolicy(mustRestricted(t), huge, Meta{Labels: map[string]string{huge: huge}, Annotations: map[string]string{huge: "x"}})
	if err == nil || len(err.Error()) > 4000 || !strings.Contains(err.Error(), "(1048576 bytes)") {
		t.Errorf("%d-byte error: %.500s", len(err.Error()), err)
	}
}

// BenchmarkParseQuantityHugeExponent: a huge decimal exponent costs what any quantity
// costs (it took 3 s before the exponent was judged alone).
func BenchmarkParseQuantityHugeExponent(b *testing.B) {
	for b.Loop() {
		if _, err := ParseQuantity("1E20600000"); err == nil {
			b.Fatal("accepted")
		}
		if _, err := ParseQuantity("0E20600000"); err != nil {
			b.Fatal(err)
		}
	}
}
