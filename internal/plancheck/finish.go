package plancheck

import (
	"fmt"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/rules"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/settings"
)

// This file is the one place a rule's verdict becomes a finding (newFinding; a chart's
// objects add the release's chart and template in helm.go): the object's Terraform
// identity (address, resource type, document), its Kubernetes identity and paths with
// sensitive values redacted, the Terraform attribute path, and the object's own inline
// waivers. Source locations and the settings file's waivers are added to the whole list
// once every object is judged (Check).

// finish turns the verdicts on one object into findings, appended to out, and returns the
// notes the object's inline waiver annotation gives rise to.
func finish(o *plan.Object, s *object.Object, verdicts []rules.Verdict, out []finding.Finding) ([]finding.Finding, []string) {
	start := len(out)
	id := rules.Identify(s)
	for _, v := range verdicts {
		f := newFinding(v, s, id, o.Address, o.ResourceType)
		f.TFPath = o.Fields.TFPath(f.K8sPath)
		switch {
		case o.Doc > 0 && o.ListItem != "":
			f.K8sPath = fmt.Sprintf("(document %d, %s) %s", o.Doc+1, o.ListItem, f.K8sPath)
		case o.Doc > 0:
			f.K8sPath = fmt.Sprintf("(document %d) %s", o.Doc+1, f.K8sPath)
		case o.ListItem != "":
			f.K8sPath = fmt.Sprintf("(%s) %s", o.ListItem, f.K8sPath)
		}
		out = append(out, f)
	}
	return out, inlineWaivers(o.Address, s, out[start:])
}

// newFinding is verdict v on object s (identified as id), held by the resource at address
// of resourceType: the rule's words, the object's identity, the path with sensitive keys
// redacted, the remediation in the object's dialect.
func newFinding(v rules.Verdict, s *object.Object, id rules.Identity, address, resourceType string) finding.Finding {
	return finding.Finding{
		RuleID:       v.Rule.ID,
		Severity:     v.Severity(),
		Status:       v.Status,
		Title:        v.Rule.Title,
		Address:      address,
		ResourceType: resourceType,
		Kind:         id.Kind,
		Namespace:    id.Namespace,
		Name:         id.Name,
		Container:    v.Container,
		K8sPath:      rules.RedactPath(s, v.Path),
		Message:      v.Message,
		Remediation:  v.RemediationText(s.Dialect),
		Guide:        v.Rule.Guide,
		PSSLevel:     v.PSSLevel,
	}
}

// inlineWaivers applies the object's ekspodsec.io/waive annotation to its findings and
// returns notes about entries that waive nothing; address is the resource that holds the
// object (a helm_release for the objects of its chart).
func inlineWaivers(address string, s *object.Object, fs []finding.Finding) []string {
	v, ok := s.Annotations[settings.WaiveAnnotation]
	if !ok {
		return nil
	}
	sensitive := s.Sensitive(fieldpath.Join("metadata.annotations", settings.WaiveAnnotation))
	waivers, problems := settings.ParseWaiveAnnotation(v, sensitive)
	var notes []string
	for _, p := range problems {
		notes = append(notes, address+": "+p)
	}
	for i := range fs {
		f := &fs[i]
		reason, ok := waivers[f.RuleID]
		if !ok {
			continue
		}
		if sensitive {
			reason = rules.Redacted
		}
		f.Status = finding.Waived
		f.Waiver = &finding.Waiver{Reason: reason, Source: "annotation " + settings.WaiveAnnotation}
	}
	return notes
}

// subject is the object the rules judge, for a plan object.
func subject(o *plan.Object) *object.Object {
	s := &object.Object{
		APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name,
		Annotations: o.Annotations, Typed: o.Typed, Opaque: o.Opaque, Origin: o.Address,
	}
	if o.Fields != nil {
		s.Marks = o.Fields
	}
	switch o.ResourceType {
	case "kubernetes_manifest", "kubectl_manifest":
	default:
		s.Dialect = object.Typed
	}
	if w := o.Workload; w != nil {
		s.Pod = &object.Pod{Meta: w.Meta, Template: w.Template, Spec: w.Spec, SpecPath: w.SpecPath, TemplatePath: w.TemplatePath, ClaimTemplates: w.ClaimTemplates}
	}
	if lp, ok := o.Typed.(*plan.LabelsPatch); ok {
		s.Typed = &object.LabelsPatch{APIVersion: lp.APIVersion, Kind: lp.Kind, Name: lp.Name, Namespace: lp.Namespace, Labels: lp.Labels}
	}
	// Judged as the provider will send it (runAsNonRoot: false on typed containers with a
	// security_context) and the API server will store and run it (hostPort on hostNetwork
	// pods, ...).
	object.ApplyProviderDefaults(s)
	object.ApplyServerDefaults(s)
	return s
}
