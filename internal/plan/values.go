package plan

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/fieldpath"
)

// This file reads single Terraform values instead of a whole plan, for the provider's
// functions: a Kubernetes object as kubernetes_manifest's `manifest` holds it, and the
// attributes of a typed kubernetes_* resource. Both go through the very code that reads
// those resources in a plan, so that a function and plan-check judge the same object.
// A value has no configuration and no sensitivity marks: Terraform does not give a
// provider function either.

// TypedObject is the Kubernetes object converted from the attributes of a typed resource.
type TypedObject struct {
	APIVersion, Kind string
	// Value is the Kubernetes object (camelCase) with the fields the schema table reads, as
	// encoding/json decodes it with UseNumber (map[string]any, []any, string, bool,
	// json.Number), with UnknownValue where a value is not known until apply: as the
	// member of its object, or as the element of its list (so indexes are the
	// attributes').
	Value map[string]any
	// Unknown are the Kubernetes paths of the values not known until apply, sorted.
	Unknown []string
}

// UnknownValue stands for a value not known until apply in a TypedObject's Value. It
// encodes to JSON as null.
type UnknownValue struct{}

// MarshalJSON writes null.
func (UnknownValue) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// TypedResourceTypes lists the typed resource types ConvertTyped converts, sorted.
func (r *Reader) TypedResourceTypes() []string {
	out := make([]string, 0, len(r.families))
	for t, fam := range r.families {
		if fam.kind != labelsKind && fam.apiVersion != "" {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// ConvertTyped turns the attributes of a resource of a typed resource type of the
// kubernetes provider (kubernetes_deployment_v1, ...), as Terraform holds them (JSON:
// snake_case names, nested blocks as lists), into the Kubernetes object the provider sends,
// through the schema table plan-check reads plans with. unknown marks the values not known
// until apply, in the shape of a plan's after_unknown (nil when every value is known).
//
// There is no configuration to consult, so it decides as plan-check does for a block it
// cannot match to the configuration: a computed block that is wholly unknown was not
// written (a written block is a known list), and attributes the provider defaults
// (allow_privilege_escalation, automount_service_account_token) count as written. ok is
// false when resourceType is not one of TypedResourceTypes. A null value gives no JSON.
// Errors name the attribute and what is wrong, never the value.
func (r *Reader) ConvertTyped(resourceType string, attrs, unknown []byte) (obj TypedObject, ok bool, err error) {
	fam, found := r.families[resourceType]
	if !found || fam.kind == labelsKind || fam.apiVersion == "" {
		// kubernetes_labels and the like change an object they do not hold; an AWS
		// resource is no Kubernetes object.
		return TypedObject{}, false, nil
	}
	if unknown == nil {
		unknown = []byte("false")
	}
	ta, tu, ts := &tape{}, &tape{}, &tape{}
	if err := ta.parse(attrs); err != nil {
		return TypedObject{}, true, valueProblem(err)
	}
	if err := tu.parse(unknown); err != nil {
		return TypedObject{}, true, fmt.Errorf("the unknown marks: %w", valueProblem(err))
	}
	if err := ts.parse([]byte("false")); err != nil {
		return TypedObject{}, true, err
	}
	if k := ta.kind(0); k != '{' && k != 'n' {
		return TypedObject{}, true, fmt.Errorf("the attributes of a %s are an object, not %s", resourceType, ta.describe(0))
	}
	f := newFields(fam.root, "")
	// A function cannot tell which values are sensitive: errors never quote one.
	f.markSensitive("")
	c := converter{f: f, ta: ta, tu: tu, ts: ts, computed: fam.computed}
	data, err := c.root(0, 0, 0, cfgBlock{}, fam.root)
	if err != nil {
		return TypedObject{}, true, unshownError{err}
	}
	if data == nil {
		return TypedObject{}, true, nil
	}
	obj = TypedObject{APIVersion: fam.apiVersion, Kind: fam.kind, Unknown: f.UnknownPaths()}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&obj.Value); err != nil {
		return TypedObject{}, true, fmt.Errorf("the converted object does not decode: %w", err)
	}
	sendRunAsNonRootFalse(obj.Value, "", obj.Unknown)
	paths := slices.Clone(obj.Unknown)
	slices.SortFunc(paths, comparePaths)
	for _, p := range paths {
		var v any = obj.Value
		placeUnknown(&v, fam.root, fieldpath.Parse(p))
	}
	return obj, true, nil
}

// sendRunAsNonRootFalse writes runAsNonRoot: false into each container's (and init
// container's) securityContext that does not set it, below v (at Kubernetes path at): the
// kubernetes provider sends false for a container security_context block without
// run_as_non_root although Terraform holds null. Written where the pod sets runAsNonRoot:
// true, the one place the false changes what the kubelet and Pod Security Admission decide
// (object.ApplyProviderDefaults does the same for plan-check). A value unknown until apply
// is left unknown.
func sendRunAsNonRootFalse(v any, at string, unknown []string) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	podSC, _ := m["securityContext"].(map[string]any)
	podAsks := podSC["runAsNonRoot"] == true
	for k, child := range m {
		p := fieldpath.Join(at, k)
		list, isList := child.([]any)
		if !isList || (k != "containers" && k != "initContainers") {
			sendRunAsNonRootFalse(child, p, unknown)
			continue
		}
		for i, c := range list {
			if !podAsks {
				break
			}
			cm, _ := c.(map[string]any)
			sc, ok := cm["securityContext"].(map[string]any)
			if !ok {
				continue
			}
			if _, set := sc["runAsNonRoot"]; !set && !slices.Contains(unknown, fieldpath.Index(p, i)+".securityContext.runAsNonRoot") {
				sc["runAsNonRoot"] = false
			}
		}
	}
}

// unshownError is a converter error about a value whose sensitivity is not known: the
// converter writes "(sensitive value)" in its place, which here reads "the value".
type unshownError struct{ err error }

func (e unshownError) Error() string {
	return strings.ReplaceAll(e.err.Error(), "(sensitive value) ", "the value ")
}

func (e unshownError) Unwrap() error { return e.err }

// comparePaths orders paths segment by segment, list indexes by number, so that the unknown
// elements of one list are placed lowest index first.
func comparePaths(a, b string) int {
	ta, tb := fieldpath.Parse(a), fieldpath.Parse(b)
	for i := 0; i < len(ta) && i < len(tb); i++ {
		x, y := ta[i], tb[i]
		switch {
		case x.IsIndex && y.IsIndex:
			if c := cmp.Compare(x.Index, y.Index); c != 0 {
				return c
			}
		case x.IsIndex != y.IsIndex:
			if x.IsIndex {
				return -1
			}
			return 1
		default:
			if c := strings.Compare(x.Name, y.Name); c != 0 {
				return c
			}
		}
	}
	return cmp.Compare(len(ta), len(tb))
}

// placeUnknown writes UnknownValue at path (tokens) below *v, which spec s describes. The
// converter leaves an unknown value out of its object, writes {} for an unknown block of a
// list (so indexes hold) and leaves an unknown element of an attribute list out (so the
// known elements after it moved down one): the element is put back at its index.
func placeUnknown(v *any, s *spec, path []fieldpath.Segment) {
	if len(path) == 0 {
		*v = UnknownValue{}
		return
	}
	t := path[0]
	var child *spec
	if s != nil && s.fields != nil && !t.IsIndex {
		_, child = s.byK8s(t.Name)
	}
	switch cur := (*v).(type) {
	case map[string]any:
		if t.IsIndex {
			return
		}
		if len(path) == 1 {
			cur[t.Name] = UnknownValue{}
			return
		}
		next, ok := cur[t.Name]
		if !ok {
			return // below a value that was not written: nothing to mark
		}
		placeUnknown(&next, child, path[1:])
		cur[t.Name] = next
	case []any:
		if !t.IsIndex || t.Index < 0 {
			return
		}
		if len(path) == 1 && s != nil && s.shape == attrSeq {
			if t.Index > len(cur) {
				return
			}
			cur = append(cur, nil)
			copy(cur[t.Index+1:], cur[t.Index:])
			cur[t.Index] = UnknownValue{}
			*v = cur
			return
		}
		if t.Index >= len(cur) {
			return
		}
		placeUnknown(&cur[t.Index], s, path[1:])
	}
}

// ManifestObjects reads a Kubernetes object as kubernetes_manifest's `manifest` holds it
// (camelCase JSON; each item of a List its own object), with unknown marking the values not
// known until apply in the shape of a plan's after_unknown (nil when every value is known),
// exactly as plan-check reads a kubernetes_manifest: the objects of the kinds the rules
// judge, typed, with their marks; an object whose kind is unknown is opaque. Objects are
// returned context kinds first (roles, namespaces, policies), as plan-check reads them.
// name names the value in messages ("object"); the objects' Address is name too.
func (r *Reader) ManifestObjects(name string, value, unknown []byte) ([]*Object, error) {
	if unknown == nil {
		unknown = []byte("false")
	}
	t := &tape{}
	// One tape holds the value and its marks, as a resource change does.
	doc := make([]byte, 0, len(value)+len(unknown)+16)
	doc = append(doc, `{"a":`...)
	doc = append(doc, value...)
	doc = append(doc, `,"u":`...)
	doc = append(doc, unknown...)
	doc = append(doc, '}')
	if err := t.parse(doc); err != nil {
		return nil, valueProblem(err)
	}
	a, u := t.member(0, "a"), t.member(0, "u")
	base := Object{Address: name, ResourceType: "kubernetes_manifest"}
	state := &readState{Reader: r}
	var out []*Object
	emit := func(o *Object) error {
		out = append(out, o)
		return nil
	}
	for _, p := range []pass{firstPass, secondPass} {
		m := &manifest{readState: state, t: t, tfPrefix: name, pass: p, emit: emit}
		if t.isTrue(u) {
			if _, err := m.opaqueObject(base, "its value is not known until apply"); err != nil {
				return nil, err
			}
			continue
		}
		if t.isNull(a) {
			return nil, fmt.Errorf("%s is null, not a Kubernetes object", name)
		}
		if err := m.at(a, u, absent, base, "", ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// valueProblem describes a tape error of a value: nesting too deep, or a duplicate name.
func valueProblem(err error) error {
	var de *depthError
	if errors.As(err, &de) {
		return fmt.Errorf("nested deeper than %d levels (plan-check's limit, plan.MaxDepth)", de.limit)
	}
	var dup *duplicateError
	if errors.As(err, &dup) {
		return errors.New("an object has a duplicate member name")
	}
	return err
}
