package provider

import (
	"testing"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/finding"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/report"
)

// BenchmarkViolationsDeployment is one call of violations on a Deployment of two
// containers (the engine built, the object read and judged, the entries made).
func BenchmarkViolationsDeployment(b *testing.B) {
	obj := kubernetesObject{name: "object", unknown: []byte("false"), kind: "Deployment", value: []byte(`{"apiVersion":"apps/v1","kind":"Deployment",
		"metadata":{"name":"web","namespace":"apps"},"spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{
		"containers":[{"name":"a","image":"nginx","securityContext":{"privileged":true}},{"name":"b","image":"docker:dind","ports":[{"containerPort":80,"hostPort":80}]}],
		"volumes":[{"name":"s","hostPath":{"path":"/var/run/docker.sock"}}]}}}}`)}
	opts := violationsOptions{gate: report.Gate{FailOn: finding.High}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := violations([]kubernetesObject{obj}, opts); err != nil {
			b.Fatal(err)
		}
	}
}
