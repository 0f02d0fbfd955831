package rules

import (
	"fmt"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:       "EPS029",
		Peers:    []string{"CKV_K8S_14", "e76cca7c-c3f9-4fc9-884c-b2831168ebd8", "KSV013"},
		Severity: finding.Low,
		Title:    "Image not pinned to a version",
		Description: "A container's image has no tag, or the tag `latest` (`nginx`, `nginx:latest`, " +
			"`registry.local:5000/tools/jq`, where `:5000` is the registry's port, not a tag). What runs is whatever " +
			"the registry serves when a node pulls it: two replicas can run different code, a rollback does not roll " +
			"back, and a compromised or mistaken push reaches the cluster on the next restart. Kubernetes also pulls " +
			"such images on every start (`imagePullPolicy: Always` by default), so a registry outage stops pods from " +
			"starting. An image pinned by digest (`@sha256:...`) passes whatever its tag; EPS030 (off by default) asks " +
			"for digests everywhere.",
		Guide: guidePeers,
		Remediation: "Pin the image to a version tag (nginx:1.27.3), or better to a digest " +
			"(nginx@sha256:...), and change it on purpose.",
		CEL: &CEL{OptIn: true,
			Expression: constant(`variables.allContainers.all(c, has(c.image) && (c.image.contains('@') || ` +
				`(c.image.substring(c.image.lastIndexOf('/') + 1).contains(':') && !c.image.substring(c.image.lastIndexOf('/') + 1).endsWith(':latest'))))`),
			Message: constant("container images must carry a version tag other than latest, or a digest")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				p := ref.Path + ".image"
				if in.Unknown(p) {
					out = append(out, unknown(in.P(p), in.containerName(ref), fmt.Sprintf("The image of the %s is not known until apply: it may carry no version.", in.describe(ref))))
					continue
				}
				img := parseImage(ref.C.Image)
				shown := in.Show(p, ref.C.Image)
				switch {
				case img.Digest != "":
				case img.Tag == "":
					out = append(out, fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s runs image %s, which has no tag: it is whatever the registry serves as latest when a node pulls it.", in.describe(ref), shown)))
				case img.Tag == "latest":
					out = append(out, fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s runs image %s: latest is whatever the registry serves when a node pulls it.", in.describe(ref), shown)))
				}
			}
			return append(out, in.unknownContainers("image tags")...)
		},
	})
}

// imageRef is a container image reference split the way container runtimes read it.
type imageRef struct {
	Name, Tag, Digest string
}

// parseImage splits an image reference: the digest after '@', the tag after the last ':'
// of the last path segment ("registry:5000/x" has a port, not a tag).
func parseImage(s string) imageRef {
	var r imageRef
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s, r.Digest = s[:i], s[i+1:]
	}
	last := s[strings.LastIndexByte(s, '/')+1:]
	if i := strings.LastIndexByte(last, ':'); i >= 0 {
		r.Tag = last[i+1:]
		s = s[:len(s)-len(last)+i]
	}
	r.Name = s
	return r
}
