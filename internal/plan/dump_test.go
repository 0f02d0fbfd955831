package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	name := os.Getenv("DUMP")
	if name == "" {
		t.Skip()
	}
	data, _ := os.ReadFile("testdata/plans/" + name)
	p, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := NewReader().Read(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range inv.Objects {
		fmt.Println(o.Address, o.Kind, o.Namespace, o.Name, o.Opaque, o.Fields.UnknownPaths())
		if o.Workload != nil {
			b, _ := json.Marshal(o.Workload.Spec)
			fmt.Println("  ", string(b))
		} else {
			b, _ := json.Marshal(o.Typed)
			fmt.Println("  ", string(b))
		}
	}
	fmt.Printf("%+v %+v\n", inv.Clusters, inv.FargateProfiles)
}
