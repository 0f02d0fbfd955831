package plan

import (
	stdjson "encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	json "github.com/goccy/go-json"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/psp"
)

// source is the JSON of one Kubernetes object to decode, and, when the reader has indexed
// it, its tape and node: to look into the object without decoding it and to locate decode
// errors. Without a tape (the converter's output) one is built when an error needs it.
type source struct {
	data []byte
	t    *tape
	n    int32
	// inexact is set when the JSON holds numbers that goccy/go-json would wrap (integers
	// beyond 18 digits) or misreport: it is then decoded with encoding/json.
	inexact bool
}

// decodeError is a value of the wrong type or format for its field: path is where in the
// object (Kubernetes form, "" when the decoder cannot say), msg what is wrong. It never
// holds the value itself: decoder messages quote values and are not passed through.
type decodeError struct {
	path string
	msg  string
}

func (e *decodeError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return e.path + ": " + e.msg
}

// unmarshal decodes src into out. It uses goccy/go-json, a drop-in for encoding/json (the
// types' own UnmarshalJSON methods run as usual) that decodes these large structs about
// 2.7 times faster, which is a quarter of plan-check's time on a large plan (see
// BenchmarkCheck10k); it falls back to encoding/json for numbers goccy would wrap and to
// explain any failure, whose message is then plan-check's own (see explain).
func unmarshal(src *source, out any) error {
	if !src.inexact {
		err := json.Unmarshal(src.data, out)
		if err == nil {
			return nil
		}
		// Decode again with encoding/json, which locates errors by offset.
		reflect.ValueOf(out).Elem().SetZero()
	}
	err := stdjson.Unmarshal(src.data, out)
	if err == nil {
		return nil
	}
	return src.explain(err)
}

// explain turns an encoding/json error into a decodeError.
func (src *source) explain(err error) error {
	var te *stdjson.UnmarshalTypeError
	if errors.As(err, &te) {
		return &decodeError{path: src.locate(te), msg: expected(te)}
	}
	return &decodeError{msg: formatProblem(err)}
}

// formatProblem describes a failure of a type's own decoding without its text, which
// quotes the value.
func formatProblem(err error) string {
	var pe *time.ParseError
	switch {
	case errors.As(err, &pe):
		return "a time is not in RFC 3339 format"
	case errors.Is(err, resource.ErrFormatWrong), errors.Is(err, resource.ErrNumeric), errors.Is(err, resource.ErrSuffix):
		return "a quantity (resources, limits, sizes) is not a valid Kubernetes quantity"
	}
	var se *stdjson.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	return "a value is not in the format its field takes"
}

// locate finds the path of the value an UnmarshalTypeError is about: by its offset in the
// tape (the error's offset is just past the value), checked against the field names the
// error gives; by those names alone (without list indexes) when the offset is not usable
// (a type's own decoding reports offsets of its own input).
func (src *source) locate(te *stdjson.UnmarshalTypeError) string {
	field := cleanField(te.Field)
	t, n := src.t, src.n
	if t == nil {
		t = &tape{allowDuplicates: true, maxDepth: jsonMaxDepth}
		if err := t.parse(src.data); err != nil {
			return field
		}
		n = 0
	}
	off := int(te.Offset) + int(t.nodes[n].start)
	p := t.locate(n, off)
	if field == "" || sameFields(p, field) {
		return p
	}
	return field
}

// cleanField drops Go names of embedded structs from an encoding/json field path
// (livenessProbe.ProbeHandler.httpGet.port): Kubernetes JSON names start lower case.
func cleanField(f string) string {
	if f == "" {
		return ""
	}
	parts := strings.Split(f, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && p[0] >= 'A' && p[0] <= 'Z' {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}

// sameFields reports whether path p, without its indexes and map keys, ends with field.
func sameFields(p, field string) bool {
	var names []string
	for _, t := range fieldpath.Parse(p) {
		if !t.IsIndex && !t.Quoted {
			names = append(names, t.Name)
		}
	}
	return strings.HasSuffix("."+strings.Join(names, "."), "."+field) || strings.Join(names, ".") == field
}

// expected says what the field takes and what the plan has, never the value.
func expected(te *stdjson.UnmarshalTypeError) string {
	got := te.Value
	if i := strings.IndexByte(got, ' '); i >= 0 {
		got = got[:i] // "number 1.5": the kind only
	}
	switch got {
	case "string":
		got = "a string"
	case "number":
		got = "a number"
	case "bool":
		got = "a boolean"
	case "array":
		got = "a list"
	case "object":
		got = "an object"
	}
	want := goTypeName(te.Type)
	if got == "a number" && strings.HasPrefix(want, "an integer") {
		return "expected " + want + ", not a number out of its range or with a fraction"
	}
	return fmt.Sprintf("expected %s, not %s", want, got)
}

func goTypeName(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprintf("an integer (%s)", t.Kind())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprintf("an integer (%s)", t.Kind())
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a value of another type"
}

// workloadKinds are the kinds with a pod spec that plan-check decodes with their own types.
func workloadKind(kind string) bool {
	switch kind {
	case "Pod", "PodTemplate", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job", "CronJob":
		return true
	}
	return false
}

// contextKind reports whether objects of kind give the rest of the plan context (policies,
// roles, namespaces): they are read in the first pass, and kept.
func contextKind(kind string) bool {
	switch kind {
	case "ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding", "Namespace", "LimitRange", "ResourceQuota", "ServiceAccount", psp.Kind:
		return true
	}
	return newContextKind(kind)
}

// decodeWorkload decodes the kinds that carry a pod spec; other kinds give nil, "", nil.
// Decoding is lenient about unknown fields (manifests may use fields newer than
// k8s.io/api), never about known fields of the wrong type. A custom kind (Argo Rollouts,
// OpenKruise CloneSets, ...) is judged like a Deployment when it has a pod template at
// spec.template (containers at spec.template.spec.containers); when that template is not
// known until apply, it gives opaque, the reason it cannot be judged.
func decodeWorkload(kind string, src *source, f *Fields) (w *Workload, opaque string, err error) {
	fromTemplate := func(meta *corev1.PodTemplateSpec, prefix string) *Workload {
		w := &Workload{SpecPath: prefix + ".spec", TemplatePath: prefix + ".metadata"}
		if meta != nil {
			w.Template, w.Spec = meta.ObjectMeta, meta.Spec
		}
		return w
	}
	switch kind {
	case "Pod":
		var o corev1.Pod
		if err := unmarshal(src, &o); err != nil {
			return nil, "", err
		}
		w = &Workload{Meta: o.ObjectMeta, Template: o.ObjectMeta, Spec: o.Spec, SpecPath: "spec", TemplatePath: "metadata"}
	case "PodTemplate":
		var o corev1.PodTemplate
		if err := unmarshal(src, &o); err != nil {
			return nil, "", err
		}
		w = fromTemplate(&o.Template, "template")
		w.Meta = o.ObjectMeta
	case "Deployment":
		var o appsv1.Deployment
		if err := unmarshal(src, &o); err != nil {
			return nil, "", err
		}
		w = fromTemplate(&o.Spec.Template, "spec.template")
		w.Meta = o.ObjectMeta
	case "DaemonSet":
		var o appsv1.DaemonSet
		if err := unmarshal(src, &o); err != nil {
			return nil, "", err
		}
		w = fromTemplate(&o.Spec.Template, "spec.template")
		w.Meta = o.ObjectMeta
	case "StatefulSet":
		var o appsv1.StatefulSet
		if err := unmarshal(src, &o); err != nil {
			return nil, "", err
		}
		w = fromTemplate(&o.Spec.Template, "spec.template")
		w.Meta = o.ObjectMeta
		w.ClaimTemplates = o.Spec.VolumeClaimTemplates
	case "ReplicaSet":
		var o appsv1.ReplicaSet
		if err := unmarshal(src, &o); err != nil {
			return nil, "", err
		}
		w = fromTemplate(&o.Spec.Template, "spec.template")
		w.Meta = o.ObjectMeta
	case "ReplicationController":
		var o corev1.ReplicationController
		if err := unmarshal(src, &o); err != nil {
			return nil, "", err
		}
		w = fromTemplate(o.Spec.Template, "spec.template")
		w.Meta = o.ObjectMeta
	case "Job":
		var o batchv1.Job
		if err := unmarshal(src, &o); err != nil {
			return nil, "", err
		}
		w = fromTemplate(&o.Spec.Template, "spec.template")
		w.Meta = o.ObjectMeta
	case "CronJob":
		var o batchv1.CronJob
		if err := unmarshal(src, &o); err != nil {
			return nil, "", err
		}
		w = fromTemplate(&o.Spec.JobTemplate.Spec.Template, "spec.jobTemplate.spec.template")
		w.Meta = o.ObjectMeta
	default:
		return decodeCustom(src, f)
	}
	return w, "", nil
}

// decodeCustom reads a custom kind: a workload when it has a pod template at
// spec.template, opaque when whether it has one (or what it holds) is not known yet.
func decodeCustom(src *source, f *Fields) (*Workload, string, error) {
	if f.Unknown("spec.template.spec.containers") {
		return nil, "its pod template (spec.template) is not known until apply", nil
	}
	t, n := src.t, src.n
	spec := t.member(n, "spec")
	tmpl := t.member(spec, "template")
	podSpec := t.member(tmpl, "spec")
	if t.isNull(t.member(podSpec, "containers")) {
		return nil, "", nil // no pod template: not a workload plan-check judges
	}
	for _, p := range []struct {
		n    int32
		path string
	}{{spec, "spec"}, {tmpl, "spec.template"}, {podSpec, "spec.template.spec"}} {
		if t.kind(p.n) != '{' {
			return nil, "", &decodeError{path: p.path, msg: "expected an object, not " + t.describe(p.n)}
		}
	}
	var o struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
		Spec     struct {
			Template corev1.PodTemplateSpec `json:"template"`
		} `json:"spec"`
	}
	if err := unmarshal(src, &o); err != nil {
		return nil, "", err
	}
	return &Workload{Meta: o.Metadata, Template: o.Spec.Template.ObjectMeta, Spec: o.Spec.Template.Spec,
		SpecPath: "spec.template.spec", TemplatePath: "spec.template.metadata"}, "", nil
}

// decodeTyped decodes the non-workload kinds the rules judge; other kinds give nil, nil.
func decodeTyped(kind string, src *source) (any, error) {
	var out any
	switch kind {
	case "ClusterRole":
		out = &rbacv1.ClusterRole{}
	case "Role":
		out = &rbacv1.Role{}
	case "ClusterRoleBinding":
		out = &rbacv1.ClusterRoleBinding{}
	case "RoleBinding":
		out = &rbacv1.RoleBinding{}
	case "Namespace":
		out = &corev1.Namespace{}
	case "LimitRange":
		out = &corev1.LimitRange{}
	case "ResourceQuota":
		out = &corev1.ResourceQuota{}
	case "ServiceAccount":
		out = &corev1.ServiceAccount{}
	case psp.Kind:
		out = &psp.PodSecurityPolicy{}
	default:
		typed, _, err := decodeNewTyped(kind, src)
		return typed, err
	}
	if err := unmarshal(src, out); err != nil {
		return nil, err
	}
	return out, nil
}
