package helm

import (
	"context"
	"os"
	"strconv"
	"testing"
)

// BenchmarkRenderWeb renders the web chart (Deployment, Secret, subchart, hook) with
// values no earlier render had: the cost of one release whose inputs are all known.
func BenchmarkRenderWeb(b *testing.B) {
	o := offline(b)
	o.Memo = &Memo{} // the chart is loaded once, every render is new
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := release("web")
		r.Set = []Set{{Name: "replicas", Value: Known(strconv.Itoa(i))}, {Name: "cache.enabled", Value: Known("true")}}
		if _, err := Render(context.Background(), r, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderWebMemo renders the same release again: a memo hit.
func BenchmarkRenderWebMemo(b *testing.B) {
	o := offline(b)
	o.Memo = &Memo{}
	r := release("web")
	r.Set = []Set{{Name: "replicas", Value: Known("3")}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(context.Background(), r, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderWebUnknown renders a release with one value unknown until apply (the
// stand-in renders) and one sensitive value (the altered render).
func BenchmarkRenderWebUnknown(b *testing.B) {
	o := offline(b)
	o.Memo = &Memo{}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := release("web")
		r.Set = []Set{{Name: "replicas", Value: Known(strconv.Itoa(i))}, {Name: "securityContext.privileged", Value: Unknown()}}
		r.SetSensitive = []Set{{Name: "image.tag", Value: Secret("s3cr3t")}}
		if _, err := Render(context.Background(), r, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan50Releases is one run of a plan with 50 releases: 20 web and 20 agent
// releases from an HTTP repository on loopback (cold cache: index and archives fetched
// once per run), 10 of them with an unknown value, and 10 local agent releases.
func BenchmarkPlan50Releases(b *testing.B) {
	srv := startRepo(b, pkgs.dir, "", "")
	b.ReportAllocs()
	for b.Loop() {
		dir, err := os.MkdirTemp("", "bench-cache-")
		if err != nil {
			b.Fatal(err)
		}
		o := Options{SearchDirs: []string{"testdata/charts"}, CacheDir: dir, Memo: &Memo{}}
		for i := range 50 {
			var r Release
			switch {
			case i < 20:
				r = release("web")
				r.Version = "0.3.0"
			case i < 40:
				r = release("agent")
				r.Version = "1.0.0"
			default:
				r = release("agent")
			}
			if i < 40 {
				r.Repository = srv.URL + "/charts"
			}
			r.Name = Known("rel" + strconv.Itoa(i))
			r.Set = []Set{{Name: "image.tag", Value: Known("v" + strconv.Itoa(i))}}
			if i%5 == 0 {
				r.Set = append(r.Set, Set{Name: "hostNetwork", Value: Unknown()})
			}
			if _, err := Render(context.Background(), r, o); err != nil {
				b.Fatal(err)
			}
		}
		os.RemoveAll(dir)
	}
}
