package source

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// deployment is one realistic resource block (about 1 KB).
const deployment = `resource "kubernetes_deployment_v1" "web_%d" {
  metadata {
    name      = "web-%d"
    namespace = var.namespace
    labels    = { app = "web", tier = var.enabled ? "front" : "off" }
  }
  spec {
    replicas = 3
    template {
      metadata {
        labels = { app = "web" }
      }
      spec {
        container {
          name  = "app"
          image = "${var.registry}/app:${var.tag}"
          args  = [for a in var.args : upper(a) if a != ""]
          security_context {
            privileged                 = true
            allow_privilege_escalation = false
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            limits   = { cpu = "500m", memory = "512Mi" }
            requests = { cpu = "100m", memory = "128Mi" }
          }
        }
      }
    }
  }
}
`

// tree writes files .tf files of perFile deployments each.
func tree(b *testing.B, files, perFile int) (string, int64) {
	dir := b.TempDir()
	var size int64
	for f := range files {
		var s strings.Builder
		for r := range perFile {
			n := f*perFile + r
			fmt.Fprintf(&s, deployment, n, n)
		}
		write(b, filepath.Join(dir, fmt.Sprintf("f%03d.tf", f)), s.String())
		size += int64(s.Len())
	}
	return dir, size
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchmarkLoad indexes a tree of 40 files (2,000 resources, about 2.5 MB) and reports
// what the index keeps once loaded (retained-B) against the size of the tree
// (tree-B): the index keeps where blocks are, not their syntax trees.
func BenchmarkLoad(b *testing.B) {
	dir, size := tree(b, 40, 50)
	b.SetBytes(size)
	b.ResetTimer()
	var retained uint64
	for range b.N {
		before := heapInUse()
		idx, err := Load(dir)
		if err != nil {
			b.Fatal(err)
		}
		after := heapInUse()
		retained = after - min(after, before)
		if _, ok := idx.Locate("kubernetes_deployment_v1.web_1999", "spec[0].template[0].spec[0].container[0].security_context[0].privileged"); !ok {
			b.Fatal("not located")
		}
	}
	b.ReportMetric(float64(retained), "retained-B")
	b.ReportMetric(float64(size), "tree-B")
}

// BenchmarkLocate locates one finding per resource of the tree, each block parsed on
// demand.
func BenchmarkLocate(b *testing.B) {
	dir, _ := tree(b, 4, 50)
	idx, err := Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		for r := range 200 {
			if _, ok := idx.Locate(fmt.Sprintf("kubernetes_deployment_v1.web_%d", r), "spec[0].template[0].spec[0].container[0].security_context[0].privileged"); !ok {
				b.Fatal("not located")
			}
		}
	}
}
