package plancheck

import (
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
)

// Subject is the typed object the rules judge for an object of a plan: its Kubernetes
// identity, typed content, marks (unknown, sensitive, defaulted), Terraform address as
// Origin and dialect. advise reads plans through it, so both judge the same objects.
func Subject(o *plan.Object) *object.Object { return subject(o) }
