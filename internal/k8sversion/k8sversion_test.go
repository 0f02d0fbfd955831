package k8sversion

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"1.24": "1.24", "v1.24.3": "1.24", "1.30-eks-1234": "1.30", "1.9": "1.9"} {
		v, err := Parse(in)
		if err != nil || v.String() != want {
			t.Errorf("Parse(%q) = %v, %v", in, v, err)
		}
	}
	for _, bad := range []string{"", "1", "latest", "one.two", "1.x"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	v, _ := Parse("1.25")
	if !v.AtLeast(1, 25) || v.AtLeast(1, 26) {
		t.Error("AtLeast")
	}
}
