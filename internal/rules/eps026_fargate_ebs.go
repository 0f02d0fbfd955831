package rules

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
)

// ebsProvisioners are the StorageClass provisioners that create EBS volumes, which
// Fargate cannot attach.
var ebsProvisioners = map[string]bool{"ebs.csi.aws.com": true, "kubernetes.io/aws-ebs": true}

// defaultClassAnnotation marks a cluster's default StorageClass.
const defaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"

func init() {
	register(Rule{
		ID:       "EPS026",
		Severity: finding.Medium,
		Title:    "Fargate pod with an EBS volume",
		Description: "A Fargate profile selects the pod (as EPS019 decides) and it mounts an EBS volume: a " +
			"PersistentVolumeClaim (of its volumes, a StatefulSet's volume claim templates or an ephemeral volume) whose " +
			"StorageClass — named, or the plan's default class when the claim names none — is provisioned by " +
			"`ebs.csi.aws.com` or `kubernetes.io/aws-ebs`, or an in-tree `awsElasticBlockStore` volume. Fargate can " +
			"attach only EFS (`efs.csi.aws.com`): the pod stays Pending. EKS's own `gp2` class is `kubernetes.io/aws-ebs` " +
			"even when the plan does not hold it. A claim that names no class gets the cluster's default class: the plan's " +
			"default class decides, and without one in the plan the claim is not judged (the cluster's default is not " +
			"in the plan). A class written from a value computed at apply, or a class whose provisioner is, is " +
			"reported unknown. Medium: nothing is exposed, but the workload does not run; a claim or class the plan " +
			"does not hold is not judged.",
		Guide: guideFargateLimits,
		Remediation: "Use an EFS StorageClass (provisioner efs.csi.aws.com) for the pod's claims, or run the workload on " +
			"EC2 nodes by changing its namespace or labels so no Fargate profile selects it.",
		Workload: func(in *WorkloadInput) []Result {
			m, matched, known := fargatePod(in)
			if !matched && known {
				return nil
			}
			var out []Result
			report := func(path, what string) {
				if matched {
					out = append(out, fail(path, "", fmt.Sprintf("Fargate profile %q (%s) selects this pod, and %s: Fargate attaches only EFS volumes, so the pod stays Pending.", m.Profile.DisplayName(), m.Profile.Source, what)))
				} else {
					out = append(out, unknown(path, "", fmt.Sprintf("Whether a Fargate profile selects this pod is not known until apply, and %s.", what)))
				}
			}
			// judge reports a claim whose class is EBS (why) or not known until apply
			// (unsure); what says which claim.
			judge := func(path, what, why, unsure string) {
				switch {
				case why != "":
					report(path, what+" "+why)
				case unsure != "" && matched:
					out = append(out, unknown(path, "", fmt.Sprintf("Fargate profile %q (%s) selects this pod, and %s %s: if it is EBS, Fargate cannot attach it.", m.Profile.DisplayName(), m.Profile.Source, what, unsure)))
				case unsure != "":
					out = append(out, unknown(path, "", fmt.Sprintf("Whether a Fargate profile selects this pod is not known until apply, and %s %s.", what, unsure)))
				}
			}
			ns := in.Obj.Namespace
			for i, v := range in.Spec().Volumes {
				p := fmt.Sprintf("volumes[%d]", i)
				name := in.Plain(p+".name", v.Name)
				switch {
				case v.AWSElasticBlockStore != nil:
					report(in.P(p+".awsElasticBlockStore"), fmt.Sprintf("volume %s is an awsElasticBlockStore volume", name))
				case v.PersistentVolumeClaim != nil && !in.Obj.Unknown("metadata.namespace"):
					claim := in.Ctx.Claims[ns+"/"+v.PersistentVolumeClaim.ClaimName]
					if claim == nil {
						continue
					}
					c := claim.Typed.(*corev1.PersistentVolumeClaim)
					why, unsure := in.Ctx.ebsClass(c.Spec.StorageClassName, claim.Unknown("spec.storageClassName"))
					judge(in.P(p+".persistentVolumeClaim"), fmt.Sprintf("volume %s mounts claim %s (%s), whose", name, plainAt(claim, "metadata.name", c.Name), claim.Origin), why, unsure)
				case v.Ephemeral != nil && v.Ephemeral.VolumeClaimTemplate != nil:
					why, unsure := in.Ctx.ebsClass(v.Ephemeral.VolumeClaimTemplate.Spec.StorageClassName, in.Unknown(p+".ephemeral.volumeClaimTemplate.spec.storageClassName"))
					judge(in.P(p+".ephemeral"), fmt.Sprintf("ephemeral volume %s claims storage whose", name), why, unsure)
				}
			}
			for i, t := range in.W.ClaimTemplates {
				p := fmt.Sprintf("spec.volumeClaimTemplates[%d]", i)
				why, unsure := in.Ctx.ebsClass(t.Spec.StorageClassName, in.Obj.Unknown(p+".spec.storageClassName"))
				judge(p, fmt.Sprintf("volume claim template %s asks for storage whose", plainAt(in.Obj, p+".metadata.name", t.Name)), why, unsure)
			}
			return out
		},
	})
}

// ebsClass says why claims of the named StorageClass (nil: the default class) get EBS
// volumes — "StorageClass gp3 (kubernetes_storage_class_v1.gp3) is provisioned by
// ebs.csi.aws.com" — or, when the plan cannot tell because a value is unknown until apply
// (the claim's class, when nameUnknown, or the class's provisioner), why not ("class is not
// known until apply"); both "" when they do not get EBS or the plan does not hold the class.
func (c *Context) ebsClass(name *string, nameUnknown bool) (why, unsure string) {
	if name == nil && nameUnknown {
		return "", "class is not known until apply"
	}
	if name != nil && *name == "" {
		return "", "" // no class: bound to a PersistentVolume made by hand
	}
	if name == nil {
		names := make([]string, 0, len(c.StorageClasses))
		for n := range c.StorageClasses {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			o := c.StorageClasses[n]
			sc := o.Typed.(*storagev1.StorageClass)
			if sc.Annotations[defaultClassAnnotation] != "true" {
				continue
			}
			switch {
			case ebsProvisioners[sc.Provisioner]:
				return fmt.Sprintf("class is the default StorageClass %s (%s), provisioned by %s", plainAt(o, "metadata.name", n), o.Origin, sc.Provisioner), ""
			case o.Unknown("provisioner") && unsure == "":
				unsure = fmt.Sprintf("class is the default StorageClass %s (%s), whose provisioner is not known until apply", plainAt(o, "metadata.name", n), o.Origin)
			}
		}
		return "", unsure
	}
	if o := c.StorageClasses[*name]; o != nil {
		sc := o.Typed.(*storagev1.StorageClass)
		switch {
		case ebsProvisioners[sc.Provisioner]:
			return fmt.Sprintf("StorageClass %s (%s) is provisioned by %s", plainAt(o, "metadata.name", *name), o.Origin, sc.Provisioner), ""
		case o.Unknown("provisioner"):
			return "", fmt.Sprintf("StorageClass %s (%s) has a provisioner not known until apply", plainAt(o, "metadata.name", *name), o.Origin)
		}
		return "", ""
	}
	if *name == "gp2" {
		return "StorageClass gp2 is EKS's own, provisioned by kubernetes.io/aws-ebs", ""
	}
	return "", ""
}
