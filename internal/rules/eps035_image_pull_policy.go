package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func init() {
	register(Rule{
		ID:         "EPS035",
		Peers:      []string{"CKV_K8S_15", "aa737abf-6b1d-4aba-95aa-5c160bd7f96e"},
		Severity:   finding.Low,
		DefaultOff: true,
		Title:      "Image pull policy not Always",
		Description: "A container's `imagePullPolicy` is not `Always` (written, or Kubernetes' default: `IfNotPresent` " +
			"for an image with a version tag or a digest). With `IfNotPresent` a pod starts from whatever copy of the " +
			"image the node already has — one another pod pulled with other registry credentials (a private image " +
			"reaches pods that could not pull it: what the `AlwaysPullImages` admission plugin exists for), or an old " +
			"copy of a moved tag. Off by default: `Always` makes every start depend on the registry and costs pulls, " +
			"and with images pinned by digest (EPS030) a stale copy cannot happen. Turn it on with " +
			"`rule \"EPS035\" { enabled = true }`.",
		Guide:            guidePeers,
		Remediation:      "Set imagePullPolicy: Always on the container, so the kubelet checks the registry credentials of every pod that starts it.",
		RemediationTyped: "Set image_pull_policy = \"Always\" on the container, so the kubelet checks the registry credentials of every pod that starts it.",
		CEL: &CEL{OptIn: true,
			Expression: constant(`variables.allContainers.all(c, has(c.imagePullPolicy) ? c.imagePullPolicy == 'Always' : ` +
				`(has(c.image) && !c.image.contains('@') && (!c.image.substring(c.image.lastIndexOf('/') + 1).contains(':') || c.image.substring(c.image.lastIndexOf('/') + 1).endsWith(':latest'))))`),
			Message: constant("containers must set imagePullPolicy: Always")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				p := ref.Path + ".imagePullPolicy"
				pol := ref.C.ImagePullPolicy
				switch {
				case pol == corev1.PullAlways:
				case pol == "" && in.Unknown(p):
					out = append(out, unknown(in.P(p), in.containerName(ref), fmt.Sprintf("The image pull policy of the %s is not known until apply.", in.describe(ref))))
				case pol == "" && in.Unknown(ref.Path+".image"):
					out = append(out, unknown(in.P(p), in.containerName(ref), fmt.Sprintf("The %s sets no image pull policy, and its image, from which Kubernetes chooses one, is not known until apply.", in.describe(ref))))
				case pol == "":
					img := parseImage(ref.C.Image)
					if img.Digest == "" && (img.Tag == "" || img.Tag == "latest") {
						continue // Kubernetes defaults it to Always
					}
					out = append(out, fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s sets no image pull policy, and Kubernetes defaults it to IfNotPresent for image %s: a pod can start from a copy another pod pulled with other credentials.", in.describe(ref), in.Show(ref.Path+".image", ref.C.Image))))
				default:
					out = append(out, fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s sets imagePullPolicy %s: a pod can start from a copy of the image another pod pulled with other credentials.", in.describe(ref), in.Plain(p, string(pol)))))
				}
			}
			return append(out, in.unknownContainers("image pull policies")...)
		},
	})
}
