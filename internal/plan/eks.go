package plan

import (
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/eks"
)

// eksCluster reads aws_eks_cluster (hashicorp/aws): name and Kubernetes version.
func eksCluster(rc *Change, after map[string]any) eks.Cluster {
	c := eks.Cluster{Source: rc.Address}
	c.Name, _ = after["name"].(string)
	c.Version, _ = after["version"].(string)
	return c
}

// fargateProfile reads aws_eks_fargate_profile: its selector blocks.
func fargateProfile(rc *Change, after map[string]any) eks.FargateProfile {
	au, _ := rc.Change.AfterUnknown.(map[string]any)
	p := eks.FargateProfile{Source: rc.Address}
	p.Name, _ = after["fargate_profile_name"].(string)
	p.ClusterName, _ = after["cluster_name"].(string)
	if au["selector"] == true {
		p.SelectorsUnknown = true
		return p
	}
	sels, _ := after["selector"].([]any)
	uels, _ := au["selector"].([]any)
	for i, s := range sels {
		m, _ := s.(map[string]any)
		if m == nil {
			continue
		}
		if i < len(uels) {
			if um, ok := uels[i].(map[string]any); ok && (um["namespace"] == true || um["labels"] == true) {
				p.SelectorsUnknown = true
			} else if uels[i] == true {
				p.SelectorsUnknown = true
			}
		}
		sel := eks.Selector{Labels: map[string]string{}}
		sel.Namespace, _ = m["namespace"].(string)
		if l, ok := m["labels"].(map[string]any); ok {
			for k, v := range l {
				if s, ok := v.(string); ok {
					sel.Labels[k] = s
				}
			}
		}
		p.Selectors = append(p.Selectors, sel)
	}
	return p
}
