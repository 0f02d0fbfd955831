// Package admission renders the successors of PodSecurityPolicy from the hardening
// profile: Pod Security Admission namespace labels, and a ValidatingAdmissionPolicy whose
// CEL validations enforce the catalogue rules PSA does not cover (or covers too coarsely).
package admission

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// PSA label keys.
const (
	LabelPrefix = "pod-security.kubernetes.io/"
)

// PSAOptions choose the levels of the three Pod Security Admission modes. The profile
// levels (restricted, baseline, privileged) are the Pod Security Standards levels.
type PSAOptions struct {
	Enforce, Audit, Warn profile.Level
	// Version pins the standard's version ("v1.31" or "latest").
	Version string
}

// PSAVersion returns the version label value for a cluster version: "v1.31", or "latest"
// when the version is unknown. Pod Security Admission needs Kubernetes 1.23 or later
// (GA in 1.25).
func PSAVersion(kubernetesVersion string) (string, error) {
	if kubernetesVersion == "" {
		return "latest", nil
	}
	v, err := k8sversion.Parse(kubernetesVersion)
	if err != nil {
		return "", err
	}
	if v.Major != 1 {
		//lint:ignore ST1005 the message starts with a proper noun
		return "", fmt.Errorf("Kubernetes %s does not exist: Kubernetes versions are 1.x, and Pod Security Admission versions v1.x", v)
	}
	if !v.AtLeast(profile.PSAMinimum()) {
		//lint:ignore ST1005 the message starts with a proper noun
		return "", fmt.Errorf("Pod Security Admission needs Kubernetes 1.23 or later (GA in 1.25); this cluster runs %s: use a PodSecurityPolicy (ekspodsec_pod_security_policy) there", v)
	}
	return "v" + v.String(), nil
}

// PSALabels returns the namespace labels for the three modes, with their versions.
func PSALabels(o PSAOptions) map[string]string {
	version := o.Version
	if version == "" {
		version = "latest"
	}
	out := map[string]string{}
	for mode, level := range map[string]profile.Level{"enforce": o.Enforce, "audit": o.Audit, "warn": o.Warn} {
		if level == "" {
			continue
		}
		out[LabelPrefix+mode] = string(level)
		out[LabelPrefix+mode+"-version"] = version
	}
	return out
}

// Namespace renders a Namespace with the labels.
func Namespace(name string, labels, extraLabels, annotations map[string]string) *corev1.Namespace {
	l := map[string]string{"app.kubernetes.io/managed-by": "ekspodsec"}
	for k, v := range extraLabels {
		l[k] = v
	}
	for k, v := range labels {
		l[k] = v
	}
	ns := &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l},
	}
	if len(annotations) > 0 {
		ns.Annotations = annotations
	}
	return ns
}
