package plan

import (
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
	k8sobject "github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
)

// This file holds the adapters added for the rules of the current EKS guide and of the
// peers' checks (EPS023 and later, EPS112 and later): the container and pod fields they
// read (environment, probes, image pull policy, service links, the provider's
// read_only_root_filesystem default), StatefulSet volume claim templates, and the
// resource types Secret, ConfigMap (and kubernetes_config_map_v1_data), PersistentVolumeClaim,
// StorageClass and hashicorp/aws's aws_eks_access_policy_association. Checked against
// kubernetes-provider-schema.json like the rest of the table (TestSchemaTableMatchesProvider),
// the AWS resource against the aws provider's schema in newkinds_test.go.

// addNewFamilies registers the resource types of this file.
func addNewFamilies(add func(family, ...string)) {
	add(family{apiVersion: "v1", kind: "Secret", root: secretResource().finish()}, "kubernetes_secret", "kubernetes_secret_v1")
	add(family{apiVersion: "v1", kind: "ConfigMap", root: configMapResource().finish()}, "kubernetes_config_map", "kubernetes_config_map_v1")
	// A patch of a ConfigMap that exists (aws-auth, which EKS creates): read as the
	// ConfigMap with the keys it writes.
	add(family{apiVersion: "v1", kind: "ConfigMap", root: configMapDataResource().finish()}, "kubernetes_config_map_v1_data")
	add(family{apiVersion: "v1", kind: "PersistentVolumeClaim", root: pvcResource().finish()}, "kubernetes_persistent_volume_claim", "kubernetes_persistent_volume_claim_v1")
	add(family{apiVersion: "storage.k8s.io/v1", kind: "StorageClass", root: storageClassResource().finish()}, "kubernetes_storage_class", "kubernetes_storage_class_v1")
	add(family{apiVersion: "", kind: eks.AccessPolicyAssociationKind, root: accessPolicyAssociationResource().finish()}, "aws_eks_access_policy_association")
}

// newContextKinds are the kinds of this file; they give context (claims, classes) or are
// judged once (secrets, config maps, associations), and are read in the first pass.
func newContextKind(kind string) bool {
	switch kind {
	case "Secret", "ConfigMap", "PersistentVolumeClaim", "StorageClass", eks.AccessPolicyAssociationKind:
		return true
	}
	return false
}

// newContextNames are substrings of newContextKind's kinds, for kubectl_manifest's sniffing.
var newContextNames = [][]byte{[]byte("Secret"), []byte("ConfigMap"), []byte("PersistentVolumeClaim"), []byte("StorageClass"), []byte(eks.AccessPolicyAssociationKind)}

// decodeNewTyped decodes the kinds of this file (nil, false for others). Secrets lose
// their data and ConfigMaps all but aws-auth's mappings (k8sobject.TrimSecret,
// object.TrimConfigMap): no rule reads them.
func decodeNewTyped(kind string, src *source) (any, bool, error) {
	var out any
	switch kind {
	case "Secret":
		out = &corev1.Secret{}
	case "ConfigMap":
		out = &corev1.ConfigMap{}
	case "PersistentVolumeClaim":
		out = &corev1.PersistentVolumeClaim{}
	case "StorageClass":
		out = &storagev1.StorageClass{}
	case eks.AccessPolicyAssociationKind:
		out = &eks.AccessPolicyAssociation{}
	default:
		return nil, false, nil
	}
	if err := unmarshal(src, out); err != nil {
		return nil, true, err
	}
	switch t := out.(type) {
	case *corev1.Secret:
		k8sobject.TrimSecret(t)
	case *corev1.ConfigMap:
		k8sobject.TrimConfigMap(t)
	}
	return out, true, nil
}

// containerExtras adds the container fields the new rules read to a container block.
func containerExtras(f fieldSpec) fieldSpec {
	// The rules only need to know which Secret or ConfigMap a variable comes from, never
	// a value: `value` is not read.
	keyRef := func(k8s string) *spec {
		return block(k8s, fieldSpec{"name": attr("name"), "key": attr("key"), "optional": attr("optional")})
	}
	ref := func(k8s string) *spec {
		return block(k8s, fieldSpec{"name": attr("name"), "optional": attr("optional")})
	}
	f["image_pull_policy"] = attr("imagePullPolicy")
	f["env"] = blocks("env", fieldSpec{
		"name": attr("name"),
		"value_from": block("valueFrom", fieldSpec{
			"secret_key_ref":     keyRef("secretKeyRef"),
			"config_map_key_ref": keyRef("configMapKeyRef"),
		}),
	})
	f["env_from"] = blocks("envFrom", fieldSpec{
		"prefix":         attr("prefix"),
		"secret_ref":     ref("secretRef"),
		"config_map_ref": ref("configMapRef"),
	})
	f["liveness_probe"] = probeSpec("livenessProbe")
	f["readiness_probe"] = probeSpec("readinessProbe")
	f["startup_probe"] = probeSpec("startupProbe")
	// The provider declares post_start and pre_stop as lists of blocks; Kubernetes has
	// one object each: the first block is read.
	handler := func(k8s string) *spec {
		return &spec{k8s: k8s, shape: object, unbounded: true, fields: fieldSpec{
			"exec":     block("exec", fieldSpec{}),
			"http_get": block("httpGet", fieldSpec{"host": attr("host"), "path": attr("path"), "port": attr("port"), "scheme": attr("scheme")}),
		}}
	}
	f["lifecycle"] = block("lifecycle", fieldSpec{"post_start": handler("postStart"), "pre_stop": handler("preStop")})
	if sc := f["security_context"]; sc != nil {
		sc.fields["read_only_root_filesystem"] = providerDefault(attr("readOnlyRootFilesystem"),
			"the kubernetes provider sends false whenever a security_context block is present and read_only_root_filesystem is not written")
		sc.fields["run_as_non_root"] = providerDefault(attr("runAsNonRoot"),
			"the kubernetes provider sends false whenever a container's security_context block is present and run_as_non_root is not written")
	}
	return f
}

// probeSpec is a liveness, readiness or startup probe: which handler it has, and the
// hosts the Pod Security Standards restrict.
func probeSpec(k8s string) *spec {
	return block(k8s, fieldSpec{
		"exec":     block("exec", fieldSpec{}),
		"http_get": block("httpGet", fieldSpec{"host": attr("host"), "path": attr("path"), "port": attr("port"), "scheme": attr("scheme")}),
		// Lists of blocks in the provider, one object in Kubernetes.
		"tcp_socket": {k8s: "tcpSocket", shape: object, unbounded: true, fields: fieldSpec{"port": attr("port")}},
		"grpc":       {k8s: "grpc", shape: object, unbounded: true, fields: fieldSpec{"port": attr("port"), "service": attr("service")}},
	})
}

// podExtras adds the pod fields the new rules read to a pod spec block.
func podExtras(f fieldSpec) fieldSpec {
	f["enable_service_links"] = providerDefault(attr("enableServiceLinks"), "the kubernetes provider sends true when enable_service_links is not written")
	return f
}

// statefulSetResource is a StatefulSet: a templated resource with volume claim templates
// (the claims its pods mount, EPS026).
func statefulSetResource() *spec {
	s := templatedResource()
	s.fields["spec"].fields["volume_claim_template"] = blocks("volumeClaimTemplates", fieldSpec{
		"metadata": block("metadata", fieldSpec{"name": attr("name")}),
		"spec":     claimSpec(),
	})
	return s
}

// claimSpec is a PersistentVolumeClaim's spec: its class (computed: the cluster's default
// when not written) and size.
func claimSpec() *spec {
	return block("spec", fieldSpec{
		"storage_class_name": attr("storageClassName"),
		"access_modes":       seq("accessModes"),
		"resources":          block("resources", fieldSpec{"requests": dict("requests"), "limits": dict("limits")}),
	})
}

func secretResource() *spec {
	// data and binary_data are never read: the rules judge the Secret's type only.
	return &spec{shape: object, fields: fieldSpec{"metadata": metadataSpec(true), "type": attr("type")}}
}

func configMapResource() *spec {
	return &spec{shape: object, fields: fieldSpec{"metadata": metadataSpec(true), "data": dict("data")}}
}

func configMapDataResource() *spec {
	return &spec{shape: object, fields: fieldSpec{
		"metadata": block("metadata", fieldSpec{"name": attr("name"), "namespace": attr("namespace")}),
		"data":     dict("data"),
	}}
}

func pvcResource() *spec {
	return &spec{shape: object, fields: fieldSpec{"metadata": metadataSpec(true), "spec": claimSpec()}}
}

func storageClassResource() *spec {
	return &spec{shape: object, fields: fieldSpec{
		"metadata":            metadataSpec(false),
		"storage_provisioner": attr("provisioner"),
		"parameters":          dict("parameters"),
	}}
}

// accessPolicyAssociationResource is hashicorp/aws's aws_eks_access_policy_association,
// with the EKS API's field names.
func accessPolicyAssociationResource() *spec {
	return &spec{shape: object, fields: fieldSpec{
		"cluster_name":  attr("clusterName"),
		"principal_arn": attr("principalArn"),
		"policy_arn":    attr("policyArn"),
		"access_scope":  block("accessScope", fieldSpec{"type": attr("type"), "namespaces": seq("namespaces")}),
	}}
}
