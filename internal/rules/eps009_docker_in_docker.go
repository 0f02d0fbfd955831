package rules

import (
	"fmt"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// isDinDImage recognises Docker-in-Docker images: docker:dind, docker:27-dind-rootless,
// docker.io/library/docker:dind, any image whose repository is or ends in "dind".
func isDinDImage(image string) bool {
	img := strings.ToLower(image)
	if at := strings.IndexByte(img, '@'); at >= 0 {
		img = img[:at]
	}
	repo, tag := img, ""
	if i := strings.LastIndexByte(img, ':'); i > strings.LastIndexByte(img, '/') {
		repo, tag = img[:i], img[i+1:]
	}
	name := repo[strings.LastIndexByte(repo, '/')+1:]
	switch {
	case name == "docker" && strings.Contains(tag, "dind"):
		return true
	case name == "dind" || strings.HasSuffix(name, "-dind") || strings.HasPrefix(name, "dind-") || strings.HasSuffix(name, "_dind"):
		return true
	}
	return false
}

func init() {
	register(Rule{
		ID:          "EPS009",
		Severity:    finding.High,
		Description: `A container runs a Docker-in-Docker image (` + "`" + `docker:*dind*` + "`" + `, an image named ` + "`" + `dind` + "`" + `). Docker in Docker needs a privileged container; the guide says never to run it.`,
		Title:       "Docker-in-Docker image",
		Guide:       guideDinD,
		Remediation: "Do not run Docker in Docker: it needs a privileged container. Build images with a " +
			"daemonless builder (kaniko, buildah, BuildKit rootless) or a managed service (CodeBuild).",
		CEL: &CEL{
			Expression: constant(`variables.allContainers.all(c, !has(c.image) || ` +
				`!c.image.lowerAscii().matches('(^|/)docker:[^/@]*dind') && ` +
				`!c.image.lowerAscii().matches('(^|/)(dind|dind-[^/:@]*|[^/:@]*[-_]dind)(:|@|$)'))`),
			Message: constant("Docker-in-Docker images are not allowed (EKS guide: never run Docker in Docker)")},
		Workload: func(in *WorkloadInput) []Result {
			var out []Result
			for _, ref := range in.Containers() {
				p := ref.Path + ".image"
				switch {
				case in.Unknown(p):
					out = append(out, unknown(in.P(p), in.containerName(ref), fmt.Sprintf("The image of the %s is not known until apply: it could be a Docker-in-Docker image.", in.describe(ref))))
				case isDinDImage(ref.C.Image):
					out = append(out, fail(in.P(p), in.containerName(ref), fmt.Sprintf("The %s runs %s, a Docker-in-Docker image: it runs a Docker daemon that needs privileged mode.", in.describe(ref), in.Show(p, ref.C.Image))))
				}
			}
			return append(out, in.unknownContainers("images")...)
		},
	})
}
