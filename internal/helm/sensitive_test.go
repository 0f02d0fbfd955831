package helm

import (
	"context"
	"io"
	"log"
	"slices"
	"strings"
	"testing"
)

func TestSensitiveSetIsJudgedButMarked(t *testing.T) {
	r := release("web")
	r.Set = []Set{{Name: "securityContext.privileged", Value: Known("true")}}
	r.SetSensitive = []Set{{Name: "image.tag", Value: Secret("s3cr3t-build-7f3a9c")}, {Name: "secretEnv.TOKEN", Value: Secret("tok-S3cr3t-99310")}}
	out := mustRender(t, r, offline(t))
	dep := find(t, out, "Deployment", "rel-web")
	c := "spec.template.spec.containers[0]"
	wantValue(t, dep, c+".image", "example.org/web:s3cr3t-build-7f3a9c") // judged with the real value
	if !sensitiveAt(dep, c+".image") {
		t.Errorf("image must be sensitive: %v", dep.Sensitive)
	}
	for _, p := range []string{c + ".securityContext.privileged", c + ".name", "metadata.name", c + ".envFrom"} {
		if sensitiveAt(dep, p) {
			t.Errorf("%s is not derived from a sensitive input: %v", p, dep.Sensitive)
		}
	}
	sec := find(t, out, "Secret", "rel-web-env")
	if !sensitiveAt(sec, "data.TOKEN") || sensitiveAt(sec, "metadata.name") {
		t.Errorf("secret sensitive paths %v", sec.Sensitive)
	}
	job := find(t, out, "Job", "rel-web-migrate")
	if !sensitiveAt(job, c+".image") {
		t.Errorf("the hook's image must be sensitive: %v", job.Sensitive)
	}
	secrets := out.Secrets()
	if !slices.Contains(secrets, "s3cr3t-build-7f3a9c") || !slices.Contains(secrets, "tok-S3cr3t-99310") {
		t.Errorf("secrets %v", secrets)
	}
}

func TestSensitiveValuesDocument(t *testing.T) {
	r := release("agent")
	r.Values = []Value{Secret("privileged: true\nruntimeSocket:\n  enabled: true\n  path: /var/run/pw-S3cr3t-4411.sock\n")}
	out := mustRender(t, r, offline(t))
	ds := find(t, out, "DaemonSet", "rel-agent")
	wantValue(t, ds, agentC+".securityContext.privileged", true)
	wantValue(t, ds, "spec.template.spec.volumes[0].hostPath.path", "/var/run/pw-S3cr3t-4411.sock")
	for _, p := range []string{agentC + ".securityContext.privileged", "spec.template.spec.volumes[0].hostPath.path"} {
		if !sensitiveAt(ds, p) {
			t.Errorf("%s must be sensitive: %v", p, ds.Sensitive)
		}
	}
	if sensitiveAt(ds, agentC+".image") {
		t.Errorf("the image does not come from the document: %v", ds.Sensitive)
	}
}

func TestSensitiveWithUnknown(t *testing.T) {
	r := release("web")
	r.Set = []Set{{Name: "cache.enabled", Value: Unknown()}}
	r.SetSensitive = []Set{{Name: "image.tag", Value: Secret("s3cr3t-build-7f3a9c")}}
	out := mustRender(t, r, offline(t))
	dep := find(t, out, "Deployment", "rel-web")
	if !sensitiveAt(dep, "spec.template.spec.containers[0].image") {
		t.Errorf("image must be sensitive: %v", dep.Sensitive)
	}
	if sts := find(t, out, "StatefulSet", "rel-cache"); !sts.Conditional || len(sts.Sensitive) != 0 {
		t.Errorf("the cache does not use the sensitive tag: conditional %v, sensitive %v", sts.Conditional, sts.Sensitive)
	}
}

func TestSensitiveNeverInErrors(t *testing.T) {
	const secret = "tok-S3cr3t-99310"
	dir := writeChart(t, "apiVersion: v2\nname: c\nversion: 0.1.0\n", "",
		map[string]string{"a.yaml": `{{ fail (printf "bad token %s" .Values.token) }}`})
	r := release(dir)
	r.SetSensitive = []Set{{Name: "token", Value: Secret(secret)}}
	r.Auth = RepoAuth{Username: "user-S3cr3t", Password: "pw-S3cr3t-4411"}
	_, err := Render(context.Background(), r, offline(t))
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range []string{secret, "S3cr3t"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the error quotes %q: %v", s, err)
		}
	}
	if !strings.Contains(err.Error(), "templates/a.yaml") {
		t.Errorf("the error should still say where: %v", err)
	}
	// A non-sensitive release gets Helm's message.
	r.SetSensitive = nil
	r.Set = []Set{{Name: "token", Value: Known("plain")}}
	_, err = Render(context.Background(), r, offline(t))
	if err == nil || !strings.Contains(err.Error(), "bad token plain") {
		t.Errorf("error %v", err)
	}
	if log.Writer() != io.Discard {
		t.Errorf("rendering must silence the standard logger (the SDK's warnings quote values)")
	}
}
