package rules

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:         "EPS030",
		Peers:      []string{"CKV_K8S_43", "228c4c19-feeb-4c18-848c-800ac70fdfb7"},
		Severity:   finding.Low,
		DefaultOff: true,
		Title:      "Image not pinned by digest",
		Description: "A container's image is not pinned by digest (`@sha256:...`). A tag is a name the registry may " +
			"point at other content at any time; a digest is the content. Off by default: pinning every image by " +
			"digest is a supply-chain policy (with tooling that updates the digests), while the security-relevant " +
			"case, no tag or `latest`, is EPS029's and on by default. Turn it on with " +
			"`rule \"EPS030\" { enabled = true }`.",
		Guide:       guidePeers,
		Remediation: "Pin the image by digest (registry/name:tag@sha256:<digest>), and let a tool such as Renovate or Dependabot update it.",
		CEL: &CEL{OptIn: true,
			Expression: constant(`variables.allContainers.all(c, has(c.image) && c.image.contains('@sha256:'))`),
			Message:    constant("container images must be pinned by digest (@sha256:...)")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				p := ref.Path + ".image"
				if in.Unknown(p) {
					out = append(out, unknown(in.P(p), in.containerName(ref), fmt.Sprintf("The image of the %s is not known until apply.", in.describe(ref))))
					continue
				}
				if d := parseImage(ref.C.Image).Digest; len(d) > len("sha256:") && d[:len("sha256:")] == "sha256:" {
					continue
				}
				out = append(out, fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s runs image %s, which is not pinned by digest: its tag can be moved to other content.", in.describe(ref), in.Show(p, ref.C.Image))))
			}
			return append(out, in.unknownContainers("image digests")...)
		},
	})
}
