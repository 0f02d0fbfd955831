package render

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// PodSecurityLabelPrefix starts every Pod Security Admission namespace label.
const PodSecurityLabelPrefix = "pod-security.kubernetes.io/"

// latestVersion is the Pod Security Standards version of a cluster whose version is not
// known: the API server's own.
const latestVersion = "latest"

// PodSecurityVersionFor returns the version label value for a cluster version: "v1.31",
// or "latest" when the version is unknown (""). Pod Security Admission needs
// profile.PSAMinimum or later: an older version, or one that is not 1.x, is an error.
func PodSecurityVersionFor(kubernetesVersion string) (string, error) {
	if kubernetesVersion == "" {
		return latestVersion, nil
	}
	v, err := k8sversion.Parse(kubernetesVersion)
	if err != nil {
		return "", err
	}
	if v.Major != 1 {
		//lint:ignore ST1005 the sentence starts with a name: Kubernetes
		return "", fmt.Errorf("Kubernetes %s does not exist: Kubernetes versions are 1.x, and Pod Security Admission versions v1.x", v)
	}
	if !v.AtLeast(profile.PSAMinimum()) {
		//lint:ignore ST1005 the sentence starts with a name: Pod Security Admission
		return "", fmt.Errorf("Pod Security Admission needs Kubernetes %s or later (GA in %s); this cluster runs %s: use a PodSecurityPolicy (ekspodsec_pod_security_policy) there",
			profile.PSAMinimum(), profile.PSAStable(), v)
	}
	return "v" + v.String(), nil
}

// PodSecuritySpec is what Pod Security Admission labels are rendered from.
type PodSecuritySpec struct {
	// Profile is the level of every mode; Enforce, Audit and Warn override it one mode
	// each ("" is unset). Audit and Warn default to Profile, else to Enforce; Enforce to
	// Profile, else restricted.
	Profile, Enforce, Audit, Warn profile.Level
	// Version pins the Pod Security Standards version ("v1.31", "latest"); "" is the
	// cluster's, from KubernetesVersion ("" when unknown: latest).
	Version, KubernetesVersion string
	// Namespace, when set, is rendered as a Namespace with the labels, and Meta's labels
	// and annotations.
	Namespace string
	Meta      Meta
}

// PodSecurityResult is Pod Security Admission's labels, and the Namespace that carries
// them when the spec names one.
type PodSecurityResult struct {
	Labels    map[string]string
	Namespace *corev1.Namespace
	// Decisions: the levels and the version the spec leaves unset, and a warning on
	// enforce (or profile) when privileged is enforced outside profile.SystemNamespace.
	Decisions
}

// Objects are the rendered objects, in output order: the Namespace, if any.
func (r PodSecurityResult) Objects() []any {
	if r.Namespace == nil {
		return nil
	}
	return []any{r.Namespace}
}

// PodSecurity renders the labels of the three Pod Security Admission modes and their
// versions. Errors are FieldErrors on kubernetes_version.
func PodSecurity(s PodSecuritySpec) (PodSecurityResult, error) {
	var res PodSecurityResult
	def := func(field string, v string) {
		res.Defaults = append(res.Defaults, Default{Path: []any{field}, Value: v})
	}
	enforce := s.Enforce
	if enforce == "" {
		enforce = s.Profile
	}
	if enforce == "" {
		enforce = profile.DefaultNamespace().Level
	}
	if s.Profile == "" && s.Enforce == "" && s.Audit == "" && s.Warn == "" {
		def("profile", string(enforce))
	}
	levels := map[string]profile.Level{"enforce": enforce, "audit": s.Audit, "warn": s.Warn}
	for _, mode := range []string{"enforce", "audit", "warn"} {
		if levels[mode] == "" {
			levels[mode] = s.Profile
		}
		if levels[mode] == "" {
			levels[mode] = enforce
		}
		if mode == "enforce" && s.Enforce == "" || mode == "audit" && s.Audit == "" || mode == "warn" && s.Warn == "" {
			def(mode, string(levels[mode]))
		}
	}
	version := s.Version
	if version == "" {
		v, err := PodSecurityVersionFor(s.KubernetesVersion)
		if err != nil {
			return PodSecurityResult{}, FieldErrors{{Path: []any{"kubernetes_version"}, Msg: err.Error(),
				Summary: fmt.Sprintf("Pod Security Admission needs Kubernetes %s", profile.PSAMinimum())}}
		}
		version = v
		def("version", version)
	}
	res.Labels = make(map[string]string, 6)
	for mode, level := range levels {
		res.Labels[PodSecurityLabelPrefix+mode] = string(level)
		res.Labels[PodSecurityLabelPrefix+mode+"-version"] = version
	}
	if enforce == profile.Privileged && s.Namespace != profile.SystemNamespace {
		at := []any{"enforce"}
		if s.Enforce == "" {
			at = []any{"profile"}
		}
		ns := "the namespace"
		if s.Namespace != "" {
			ns = fmt.Sprintf("namespace %q", s.Namespace)
		}
		res.Warnings = append(res.Warnings, Warning{Path: at, Summary: "Pod Security Admission enforces nothing",
			Msg: fmt.Sprintf("enforce = privileged lets any pod into %s, including privileged ones and ones that mount the host "+
				"(plan-check reports it as EPS107 outside %s). Enforce baseline or restricted, and keep agents that "+
				"need privileges in %s.", ns, profile.SystemNamespace, profile.SystemNamespace)})
	}
	if s.Namespace != "" {
		res.Namespace = namespaceObject(s.Namespace, res.Labels, s.Meta)
	}
	return res, nil
}

// namespaceObject is a Namespace with the Pod Security Admission labels (which win over
// the user's) and the user's labels and annotations.
func namespaceObject(name string, psaLabels map[string]string, m Meta) *corev1.Namespace {
	l := map[string]string{"app.kubernetes.io/managed-by": "ekspodsec"}
	for k, v := range m.Labels {
		l[k] = v
	}
	for k, v := range psaLabels {
		l[k] = v
	}
	ns := &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l},
	}
	if len(m.Annotations) > 0 {
		ns.Annotations = m.Annotations
	}
	return ns
}
