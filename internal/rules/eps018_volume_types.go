package rules

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/profile"
)

// volumeType names a volume's source with PodSecurityPolicy's names.
func volumeType(v corev1.VolumeSource) string {
	switch {
	case v.HostPath != nil:
		return "hostPath"
	case v.EmptyDir != nil:
		return "emptyDir"
	case v.ConfigMap != nil:
		return "configMap"
	case v.Secret != nil:
		return "secret"
	case v.PersistentVolumeClaim != nil:
		return "persistentVolumeClaim"
	case v.Projected != nil:
		return "projected"
	case v.DownwardAPI != nil:
		return "downwardAPI"
	case v.CSI != nil:
		return "csi"
	case v.Ephemeral != nil:
		return "ephemeral"
	case v.AWSElasticBlockStore != nil:
		return "awsElasticBlockStore"
	case v.NFS != nil:
		return "nfs"
	case v.GitRepo != nil:
		return "gitRepo"
	case v.ISCSI != nil:
		return "iscsi"
	case v.RBD != nil:
		return "rbd"
	case v.FlexVolume != nil:
		return "flexVolume"
	case v.Cinder != nil:
		return "cinder"
	case v.CephFS != nil:
		return "cephFS"
	case v.Flocker != nil:
		return "flocker"
	case v.FC != nil:
		return "fc"
	case v.AzureFile != nil:
		return "azureFile"
	case v.AzureDisk != nil:
		return "azureDisk"
	case v.VsphereVolume != nil:
		return "vsphereVolume"
	case v.Quobyte != nil:
		return "quobyte"
	case v.PhotonPersistentDisk != nil:
		return "photonPersistentDisk"
	case v.PortworxVolume != nil:
		return "portworxVolume"
	case v.ScaleIO != nil:
		return "scaleIO"
	case v.StorageOS != nil:
		return "storageos"
	case v.GCEPersistentDisk != nil:
		return "gcePersistentDisk"
	case v.Glusterfs != nil:
		return "glusterfs"
	case v.Image != nil:
		return "image"
	}
	return ""
}

func init() {
	register(Rule{
		ID:          "EPS018",
		Peers:       []string{"KSV028", "pss:restrictedVolumes"},
		Severity:    finding.Medium,
		Description: `A volume's type is outside the restricted set (configMap, secret, projected, downwardAPI, emptyDir, persistentVolumeClaim, csi, ephemeral): it reaches storage directly instead of through a claim set up by the cluster admin. hostPath is left to EPS005-EPS008.`,
		Title:       "Volume type outside the restricted set",
		Guide:       guideRestricted,
		Remediation: "Use config_map, secret, projected, downward_api, empty_dir, persistent_volume_claim, csi " +
			"or ephemeral volumes; reach other storage through a PersistentVolumeClaim set up by the cluster admin.",
		Workload: func(in *WorkloadInput) []Result {
			allowed := profile.PSSRestrictedVolumes()
			var out []Result
			for i, v := range in.Spec().Volumes {
				t := volumeType(v.VolumeSource)
				if t == "" || t == "hostPath" || slices.Contains(allowed, t) {
					continue // hostPath has its own rules (EPS005-EPS008)
				}
				out = append(out, fail(in.P(fmt.Sprintf("volumes[%d]", i)), "", fmt.Sprintf("Volume %s is of type %s, outside the restricted set (%v): it reaches storage directly instead of through a PersistentVolumeClaim.",
					in.Show(fmt.Sprintf("volumes[%d].name", i), v.Name), t, allowed)))
			}
			return out
		},
	})
}
