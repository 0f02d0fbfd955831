package rules

import (
	"strings"
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

func TestEPS026(t *testing.T) {
	facts := fargateFacts(eks.Selector{Namespace: "fargate-apps"})
	class := func(name, provisioner string, isDefault bool) string {
		ann := ""
		if isDefault {
			ann = ", annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}"
		}
		return "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: " + name + ann + "}\nprovisioner: " + provisioner + "\n"
	}
	claim := func(name, class string) string {
		sc := ""
		if class != "-" {
			sc = "  storageClassName: " + class + "\n"
		}
		return "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: " + name + ", namespace: fargate-apps}\nspec:\n" + sc + "  accessModes: [ReadWriteOnce]\n"
	}
	podWith := func(volumes string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: fargate-apps}\nspec:\n  containers: [{name: app, image: x:1}]\n  volumes:\n" + volumes
	}
	docs := map[string]string{
		"kubernetes_storage_class_v1.gp3":               class("gp3", "ebs.csi.aws.com", true),
		"kubernetes_storage_class_v1.efs":               class("efs", "efs.csi.aws.com", false),
		"kubernetes_persistent_volume_claim_v1.data":    claim("data", "gp3"),
		"kubernetes_persistent_volume_claim_v1.shared":  claim("shared", "efs"),
		"kubernetes_persistent_volume_claim_v1.default": claim("default-class", "-"),
		"kubernetes_persistent_volume_claim_v1.legacy":  claim("legacy", "gp2"),
		"kubernetes_persistent_volume_claim_v1.static":  claim("static", `""`),
		"kubernetes_manifest.ebs":                       podWith("  - {name: d, persistentVolumeClaim: {claimName: data}}\n"),
		"kubernetes_manifest.efs":                       podWith("  - {name: shared, persistentVolumeClaim: {claimName: shared}}\n  - {name: static, persistentVolumeClaim: {claimName: static}}\n  - {name: outside, persistentVolumeClaim: {claimName: not-in-plan}}\n"),
		"kubernetes_manifest.default":                   podWith("  - {name: d, persistentVolumeClaim: {claimName: default-class}}\n"),
		"kubernetes_manifest.gp2":                       podWith("  - {name: d, persistentVolumeClaim: {claimName: legacy}}\n"),
		"kubernetes_manifest.inline":                    podWith("  - {name: d, awsElasticBlockStore: {volumeID: vol-1}}\n"),
		"kubernetes_manifest.eph":                       podWith("  - name: scratch\n    ephemeral: {volumeClaimTemplate: {spec: {storageClassName: gp3, accessModes: [ReadWriteOnce]}}}\n"),
		"kubernetes_manifest.sts": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: fargate-apps}
spec:
  template:
    spec:
      containers: [{name: db, image: postgres:16}]
  volumeClaimTemplates:
  - metadata: {name: pgdata}
    spec: {storageClassName: gp3, accessModes: [ReadWriteOnce]}
`,
	}
	fs := judgeWith(t, Options{}, facts, docs)
	for _, a := range []string{"kubernetes_manifest.ebs", "kubernetes_manifest.default", "kubernetes_manifest.gp2", "kubernetes_manifest.inline", "kubernetes_manifest.eph", "kubernetes_manifest.sts"} {
		if !has(at(fs, a), finding.Fail, "EPS026") {
			t.Errorf("%s: EBS on Fargate: %s", a, ids(at(fs, a)))
		}
	}
	if got := at(fs, "kubernetes_manifest.efs"); has(got, finding.Fail, "EPS026") || has(got, finding.Unknown, "EPS026") {
		t.Errorf("EFS, a static claim and a claim outside the plan are not judged EBS: %s", ids(got))
	}
	for _, f := range fs {
		if f.RuleID == "EPS026" && f.Address == "kubernetes_manifest.ebs" && !strings.Contains(f.Message, "claim data (kubernetes_persistent_volume_claim_v1.data), whose StorageClass gp3 (kubernetes_storage_class_v1.gp3) is provisioned by ebs.csi.aws.com") {
			t.Errorf("message %q", f.Message)
		}
		if f.RuleID == "EPS026" && f.Address == "kubernetes_manifest.sts" && f.K8sPath != "spec.volumeClaimTemplates[0]" {
			t.Errorf("path %q", f.K8sPath)
		}
	}
	// Not known until apply: a claim's class written from a computed value, or the class's
	// provisioner. A class left out is the default class, not an unknown one.
	unknownDocs := map[string]string{
		"kubernetes_storage_class_v1.gp3":               class("gp3", "ebs.csi.aws.com", false),
		"kubernetes_storage_class_v1.later":             class("later", `"(unknown)"`, false),
		"kubernetes_persistent_volume_claim_v1.unknown": claim("unknown-class", `"(unknown)"`),
		"kubernetes_persistent_volume_claim_v1.later":   claim("later-class", "later"),
		"kubernetes_persistent_volume_claim_v1.default": claim("default-class", "-"),
		"kubernetes_manifest.unknown":                   podWith("  - {name: d, persistentVolumeClaim: {claimName: unknown-class}}\n"),
		"kubernetes_manifest.later":                     podWith("  - {name: d, persistentVolumeClaim: {claimName: later-class}}\n"),
		"kubernetes_manifest.default":                   podWith("  - {name: d, persistentVolumeClaim: {claimName: default-class}}\n"),
		"kubernetes_manifest.eph":                       podWith("  - name: scratch\n    ephemeral: {volumeClaimTemplate: {spec: {storageClassName: \"(unknown)\", accessModes: [ReadWriteOnce]}}}\n"),
		"kubernetes_manifest.sts": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: fargate-apps}
spec:
  template:
    spec:
      containers: [{name: db, image: postgres:16}]
  volumeClaimTemplates:
  - metadata: {name: pgdata}
    spec: {storageClassName: "(unknown)", accessModes: [ReadWriteOnce]}
`,
	}
	fs = judgeWith(t, Options{}, facts, unknownDocs)
	for _, a := range []string{"kubernetes_manifest.unknown", "kubernetes_manifest.later", "kubernetes_manifest.eph", "kubernetes_manifest.sts"} {
		if got := at(fs, a); !has(got, finding.Unknown, "EPS026") || has(got, finding.Fail, "EPS026") {
			t.Errorf("%s: class or provisioner unknown until apply: %s", a, ids(got))
		}
	}
	if got := at(fs, "kubernetes_manifest.default"); has(got, finding.Fail, "EPS026") || has(got, finding.Unknown, "EPS026") {
		t.Errorf("a claim without a class, no default class in the plan (gp3 is not the default): %s", ids(got))
	}
	for _, f := range fs {
		if f.RuleID == "EPS026" && f.Address == "kubernetes_manifest.later" && !strings.Contains(f.Message, "claim later-class (kubernetes_persistent_volume_claim_v1.later), whose StorageClass later (kubernetes_storage_class_v1.later) has a provisioner not known until apply: if it is EBS") {
			t.Errorf("message %q", f.Message)
		}
	}

	// Outside Fargate the same pods are fine.
	if fs := judge(t, Options{}, docs); has(fs, finding.Fail, "EPS026") {
		t.Errorf("no profile: %s", ids(fs))
	}
}
