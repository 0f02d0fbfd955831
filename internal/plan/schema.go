package plan

import (
	"sort"
)

// This file is the one table that maps the hashicorp/kubernetes provider's snake_case
// attributes and nested blocks onto Kubernetes field names. The converter walks it to turn
// a planned value into a Kubernetes-shaped object, and the same table turns a Kubernetes
// field path back into the Terraform attribute path a user edits. Only fields that some
// rule or the Pod Security Standards checks read are listed; everything else is dropped.
//
// Checked against kubernetes-provider-schema.json (hashicorp/kubernetes 3.2.1). Which of
// these attributes and blocks the provider computes (fills in when the configuration does
// not write them) is not written here: computed_gen.go derives it, per resource type, from
// that schema and from a real plan of a probe configuration (internal/computedgen).
//
//go:generate go run ./internal/gencomputed

// shape is how a Terraform value maps onto a Kubernetes value.
type shape int

const (
	scalar  shape = iota // attribute: string, number or bool
	attrMap              // attribute of map type (labels, limits)
	attrSeq              // attribute of list or set type (args, capabilities.add)
	object               // nested block with max_items = 1: Terraform list of one, Kubernetes object
	array                // nested block list: Terraform list, Kubernetes array
)

// spec describes one attribute or block.
type spec struct {
	// defaultWhy, for an attribute the provider sends when the user does not write it,
	// says so (Fields.Defaulted).
	defaultWhy string
	k8s        string
	shape      shape
	// integer marks the provider's string-typed integers (UIDs, GIDs), read exactly into
	// int64s (a scalar, or each element of an attrSeq).
	integer bool
	// unbounded marks an object read from a provider block list without max_items.
	unbounded bool
	fields    map[string]*spec
	// keys are the field names in sorted order, so conversion (and its first error) is
	// deterministic; filled by finish.
	keys []string
	// index maps Terraform names to their position in keys; filled by finish.
	index map[string]int
	// byK8sName maps Kubernetes field names to Terraform names; filled by finish.
	byK8sName map[string]string
}

// finish sorts every block's field names once, after the table is built.
func (s *spec) finish() *spec {
	s.keys = make([]string, 0, len(s.fields))
	s.byK8sName = make(map[string]string, len(s.fields))
	for k, c := range s.fields {
		s.keys = append(s.keys, k)
		s.byK8sName[c.k8s] = k
		c.finish()
	}
	sort.Strings(s.keys)
	s.index = make(map[string]int, len(s.keys))
	for i, k := range s.keys {
		s.index[k] = i
	}
	return s
}

// fieldSpec names, for a tf name, the child spec (a small builder keeps the table short).
type fieldSpec map[string]*spec

// providerDefault marks an attribute whose value the provider sends when the user did not
// write it, with who sends what and why (for messages that must not blame the user).
func providerDefault(s *spec, why string) *spec {
	s.defaultWhy = why
	return s
}

func attr(k8s string) *spec                { return &spec{k8s: k8s, shape: scalar} }
func idAttr(k8s string) *spec              { return &spec{k8s: k8s, shape: scalar, integer: true} }
func seq(k8s string) *spec                 { return &spec{k8s: k8s, shape: attrSeq} }
func dict(k8s string) *spec                { return &spec{k8s: k8s, shape: attrMap} }
func block(k8s string, f fieldSpec) *spec  { return &spec{k8s: k8s, shape: object, fields: f} }
func blocks(k8s string, f fieldSpec) *spec { return &spec{k8s: k8s, shape: array, fields: f} }

func metadataSpec(namespaced bool) *spec {
	f := fieldSpec{
		"name":          attr("name"),
		"generate_name": attr("generateName"),
		"labels":        dict("labels"),
		"annotations":   dict("annotations"),
	}
	if namespaced {
		f["namespace"] = attr("namespace")
	}
	return block("metadata", f)
}

func seLinuxOptionsSpec() *spec {
	return block("seLinuxOptions", fieldSpec{
		"level": attr("level"), "role": attr("role"), "type": attr("type"), "user": attr("user"),
	})
}

func seccompProfileSpec() *spec {
	return block("seccompProfile", fieldSpec{
		"type": attr("type"), "localhost_profile": attr("localhostProfile"),
	})
}

func containerSpec(k8s string) *spec {
	return blocks(k8s, fieldSpec{
		"name":    attr("name"),
		"image":   attr("image"),
		"command": seq("command"),
		"args":    seq("args"),
		"port": blocks("ports", fieldSpec{
			"container_port": attr("containerPort"),
			"host_port":      attr("hostPort"),
			"host_ip":        attr("hostIP"),
			"name":           attr("name"),
			"protocol":       attr("protocol"),
		}),
		"resources": block("resources", fieldSpec{"limits": dict("limits"), "requests": dict("requests")}),
		"security_context": block("securityContext", fieldSpec{
			"allow_privilege_escalation": providerDefault(attr("allowPrivilegeEscalation"), "the kubernetes provider sends true whenever a security_context block is present and the attribute is not set to false"),
			"privileged":                 attr("privileged"),
			"read_only_root_filesystem":  attr("readOnlyRootFilesystem"),
			"run_as_group":               idAttr("runAsGroup"),
			"run_as_non_root":            attr("runAsNonRoot"),
			"run_as_user":                idAttr("runAsUser"),
			"capabilities":               block("capabilities", fieldSpec{"add": seq("add"), "drop": seq("drop")}),
			"se_linux_options":           seLinuxOptionsSpec(),
			"seccomp_profile":            seccompProfileSpec(),
		}),
		"volume_mount": blocks("volumeMounts", fieldSpec{
			"name":              attr("name"),
			"mount_path":        attr("mountPath"),
			"read_only":         attr("readOnly"),
			"sub_path":          attr("subPath"),
			"sub_path_expr":     attr("subPathExpr"),
			"mount_propagation": attr("mountPropagation"),
		}),
	})
}

func volumeSpec() *spec {
	presence := func(k8s string, f fieldSpec) *spec {
		if f == nil {
			f = fieldSpec{}
		}
		return block(k8s, f)
	}
	return blocks("volumes", fieldSpec{
		"name":                    attr("name"),
		"host_path":               presence("hostPath", fieldSpec{"path": attr("path"), "type": attr("type")}),
		"empty_dir":               presence("emptyDir", fieldSpec{"medium": attr("medium"), "size_limit": attr("sizeLimit")}),
		"config_map":              presence("configMap", fieldSpec{"name": attr("name")}),
		"secret":                  presence("secret", fieldSpec{"secret_name": attr("secretName")}),
		"persistent_volume_claim": presence("persistentVolumeClaim", fieldSpec{"claim_name": attr("claimName"), "read_only": attr("readOnly")}),
		// The provider declares projected as a list of blocks; Kubernetes has one object:
		// the first block is read (object shape reads element 0).
		"projected":               {k8s: "projected", shape: object, fields: fieldSpec{}, unbounded: true},
		"downward_api":            presence("downwardAPI", nil),
		"csi":                     presence("csi", fieldSpec{"driver": attr("driver"), "read_only": attr("readOnly")}),
		"ephemeral":               presence("ephemeral", nil),
		"aws_elastic_block_store": presence("awsElasticBlockStore", fieldSpec{"volume_id": attr("volumeID")}),
		"azure_disk":              presence("azureDisk", nil),
		"azure_file":              presence("azureFile", nil),
		"ceph_fs":                 presence("cephfs", nil),
		"cinder":                  presence("cinder", nil),
		"fc":                      presence("fc", nil),
		"flex_volume":             presence("flexVolume", fieldSpec{"driver": attr("driver")}),
		"flocker":                 presence("flocker", nil),
		"gce_persistent_disk":     presence("gcePersistentDisk", fieldSpec{"pd_name": attr("pdName")}),
		"git_repo":                presence("gitRepo", fieldSpec{"repository": attr("repository")}),
		"glusterfs":               presence("glusterfs", nil),
		"iscsi":                   presence("iscsi", nil),
		"nfs":                     presence("nfs", fieldSpec{"server": attr("server"), "path": attr("path")}),
		"photon_persistent_disk":  presence("photonPersistentDisk", nil),
		"quobyte":                 presence("quobyte", nil),
		"rbd":                     presence("rbd", nil),
		"vsphere_volume":          presence("vsphereVolume", nil),
	})
}

func podSpec() *spec {
	return block("spec", fieldSpec{
		"automount_service_account_token": providerDefault(attr("automountServiceAccountToken"), "the kubernetes provider sends true when it is not set"),
		"container":                       containerSpec("containers"),
		"init_container":                  containerSpec("initContainers"),
		"host_ipc":                        attr("hostIPC"),
		"host_network":                    attr("hostNetwork"),
		"host_pid":                        attr("hostPID"),
		"node_selector":                   dict("nodeSelector"),
		"os":                              block("os", fieldSpec{"name": attr("name")}),
		"priority_class_name":             attr("priorityClassName"),
		"runtime_class_name":              attr("runtimeClassName"),
		"scheduler_name":                  attr("schedulerName"),
		"service_account_name":            attr("serviceAccountName"),
		"share_process_namespace":         attr("shareProcessNamespace"),
		"security_context": block("securityContext", fieldSpec{
			"fs_group":               idAttr("fsGroup"),
			"fs_group_change_policy": attr("fsGroupChangePolicy"),
			"run_as_group":           idAttr("runAsGroup"),
			"run_as_non_root":        attr("runAsNonRoot"),
			"run_as_user":            idAttr("runAsUser"),
			"supplemental_groups":    {k8s: "supplementalGroups", shape: attrSeq, integer: true},
			"se_linux_options":       seLinuxOptionsSpec(),
			"seccomp_profile":        seccompProfileSpec(),
			"sysctl":                 blocks("sysctls", fieldSpec{"name": attr("name"), "value": attr("value")}),
			"windows_options": block("windowsOptions", fieldSpec{
				"gmsa_credential_spec":      attr("gmsaCredentialSpec"),
				"gmsa_credential_spec_name": attr("gmsaCredentialSpecName"),
				"host_process":              attr("hostProcess"),
				"run_as_username":           attr("runAsUserName"),
			}),
		}),
		"toleration": blocks("tolerations", fieldSpec{
			"key": attr("key"), "operator": attr("operator"), "value": attr("value"), "effect": attr("effect"),
		}),
		"volume": volumeSpec(),
	})
}

func podTemplateSpec() *spec {
	// A pod template's namespace is the workload's: job templates have no namespace attribute.
	return block("template", fieldSpec{"metadata": metadataSpec(false), "spec": podSpec()})
}

// resourceSpec is the root spec of a resource type's value.
func podResource() *spec {
	return &spec{shape: object, fields: fieldSpec{"metadata": metadataSpec(true), "spec": podSpec()}}
}

func templatedResource() *spec {
	return &spec{shape: object, fields: fieldSpec{
		"metadata": metadataSpec(true),
		"spec":     block("spec", fieldSpec{"template": podTemplateSpec()}),
	}}
}

func cronJobResource() *spec {
	return &spec{shape: object, fields: fieldSpec{
		"metadata": metadataSpec(true),
		"spec": block("spec", fieldSpec{
			"job_template": block("jobTemplate", fieldSpec{
				"metadata": metadataSpec(true),
				"spec":     block("spec", fieldSpec{"template": podTemplateSpec()}),
			}),
		}),
	}}
}

func ruleSpec(cluster bool) *spec {
	f := fieldSpec{
		"api_groups":     seq("apiGroups"),
		"resources":      seq("resources"),
		"resource_names": seq("resourceNames"),
		"verbs":          seq("verbs"),
	}
	if cluster {
		f["non_resource_urls"] = seq("nonResourceURLs")
	}
	return blocks("rules", f)
}

func roleResource(namespaced bool) *spec {
	f := fieldSpec{"metadata": metadataSpec(namespaced), "rule": ruleSpec(!namespaced)}
	if !namespaced {
		f["aggregation_rule"] = block("aggregationRule", fieldSpec{
			"cluster_role_selectors": blocks("clusterRoleSelectors", fieldSpec{"match_labels": dict("matchLabels")}),
		})
	}
	return &spec{shape: object, fields: f}
}

func bindingResource(namespaced bool) *spec {
	return &spec{shape: object, fields: fieldSpec{
		"metadata": metadataSpec(namespaced),
		"role_ref": block("roleRef", fieldSpec{"api_group": attr("apiGroup"), "kind": attr("kind"), "name": attr("name")}),
		"subject": blocks("subjects", fieldSpec{
			"api_group": attr("apiGroup"), "kind": attr("kind"), "name": attr("name"), "namespace": attr("namespace"),
		}),
	}}
}

func namespaceResource() *spec {
	return &spec{shape: object, fields: fieldSpec{"metadata": metadataSpec(false)}}
}

func limitRangeResource() *spec {
	return &spec{shape: object, fields: fieldSpec{
		"metadata": metadataSpec(true),
		"spec": block("spec", fieldSpec{
			"limit": blocks("limits", fieldSpec{
				"type":                    attr("type"),
				"default":                 dict("default"),
				"default_request":         dict("defaultRequest"),
				"max":                     dict("max"),
				"min":                     dict("min"),
				"max_limit_request_ratio": dict("maxLimitRequestRatio"),
			}),
		}),
	}}
}

func resourceQuotaResource() *spec {
	return &spec{shape: object, fields: fieldSpec{
		"metadata": metadataSpec(true),
		"spec": block("spec", fieldSpec{
			"hard":   dict("hard"),
			"scopes": seq("scopes"),
			"scope_selector": block("scopeSelector", fieldSpec{
				"match_expression": blocks("matchExpressions", fieldSpec{
					"scope_name": attr("scopeName"), "operator": attr("operator"), "values": seq("values"),
				}),
			}),
		}),
	}}
}

func serviceAccountResource() *spec {
	return &spec{shape: object, fields: fieldSpec{
		"metadata":                        metadataSpec(true),
		"automount_service_account_token": attr("automountServiceAccountToken"),
	}}
}

func labelsResource() *spec {
	return &spec{shape: object, fields: fieldSpec{
		"api_version": attr("apiVersion"),
		"kind":        attr("kind"),
		"metadata":    block("metadata", fieldSpec{"name": attr("name"), "namespace": attr("namespace")}),
		"labels":      dict("labels"),
	}}
}

// byK8s finds the child whose Kubernetes name is name.
func (s *spec) byK8s(name string) (string, *spec) {
	tf, ok := s.byK8sName[name]
	if !ok {
		return "", nil
	}
	return tf, s.fields[tf]
}
