package advise

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/crash"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8s/object"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/k8sversion"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plan"
	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/plancheck"
)

// IsPlan reports whether data looks like `terraform show -json` output: a JSON object whose
// first member is format_version (Terraform writes it first), or one that has
// terraform_version and planned_values or resource_changes among its first members.
func IsPlan(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for i := 0; i < 8 && dec.More(); i++ {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		switch t {
		case "format_version", "terraform_version", "planned_values", "resource_changes", "prior_state", "configuration":
			return true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}

// FromPlan reads the objects of a `terraform show -json` plan, through plan-check's reader
// and its conversion to typed objects. name names the plan in errors.
func FromPlan(ctx context.Context, data []byte, name string) (in *Input, err error) {
	defer crash.Recover(name, &err)
	p, err := plan.Parse(data)
	if err != nil {
		return nil, err
	}
	inv, pending, err := plan.NewReader().ReadContext(p)
	if err != nil {
		return nil, err
	}
	in = &Input{Source: name}
	for _, o := range inv.Objects {
		in.Objects = append(in.Objects, plancheck.Subject(o))
	}
	err = pending.Each(func(o *plan.Object) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		in.Objects = append(in.Objects, plancheck.Subject(o))
		return nil
	})
	if err != nil {
		return nil, err
	}
	var versions []string
	for _, c := range inv.Clusters {
		switch {
		case c.Version == "":
		case c.VersionSensitive:
			in.Notes = append(in.Notes, fmt.Sprintf("%s: the cluster's version is sensitive: it is not used (give --kubernetes-version)", c.Source))
		default:
			versions = append(versions, c.Version+" ("+c.Source+")")
			if v, err := k8sversion.Parse(c.Version); err == nil {
				if in.KubernetesVersion == "" || !v.AtLeast(mustVersion(in.KubernetesVersion)) {
					in.KubernetesVersion, in.VersionSource = v.String(), c.Source
				}
			}
		}
	}
	if len(versions) > 1 {
		in.Notes = append(in.Notes, "the plan has clusters of several versions ("+strings.Join(versions, ", ")+"): the advice is for the oldest, "+in.KubernetesVersion)
	}
	if inv.Errored {
		in.Notes = append(in.Notes, "Terraform reported errors while planning: the plan is incomplete, and so is this advice")
	}
	return in, nil
}

func mustVersion(s string) k8sversion.Version {
	v, _ := k8sversion.Parse(s)
	return v
}

// ManifestError is a manifest file that cannot be read as Kubernetes objects.
type ManifestError struct {
	File string
	// Doc is the document's position in the file (1-based), 0 for the whole file.
	Doc int
	Err error
}

func (e *ManifestError) Error() string {
	where := e.File
	if e.Doc > 0 {
		where = fmt.Sprintf("%s (document %d)", e.File, e.Doc)
	}
	return where + ": " + e.Err.Error()
}

func (e *ManifestError) Unwrap() error { return e.Err }

// manifestExtensions are the files read from a directory.
func manifestFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// ReadFile reads one file of at most max bytes (a regular file: a FIFO or a device is
// refused by the caller's reader).
type ReadFile func(path string, max int64) ([]byte, error)

// FromManifests reads Kubernetes objects from YAML or JSON files and directories (their
// .yaml, .yml and .json files, recursively, in lexical order): multi-document streams,
// and List kinds item by item. Together the files may be at most max bytes. Objects of
// kinds advise does not read (Services, ConfigMaps...) are skipped; a document that is
// not a Kubernetes object is an error naming the file and the document.
func FromManifests(ctx context.Context, paths []string, max int64, read ReadFile) (*Input, error) {
	in := &Input{}
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s: no such file or directory", p)
			}
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() && manifestFile(d.Name()) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: the directory has no .yaml, .yml or .json files", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	left := max
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := read(f, left)
		if err != nil {
			return nil, err
		}
		left -= int64(len(data))
		objs, err := DecodeManifests(data, f)
		if err != nil {
			return nil, err
		}
		in.Objects = append(in.Objects, objs...)
	}
	in.Source = strings.Join(paths, ", ")
	return in, nil
}

// DecodeManifests decodes a YAML or JSON stream of Kubernetes objects; file names it in
// errors and in the objects' Origin.
func DecodeManifests(data []byte, file string) (objs []*object.Object, err error) {
	defer crash.Recover(file, &err)
	if IsPlan(data) {
		return nil, &ManifestError{File: file, Err: errors.New("this is a Terraform plan, not Kubernetes manifests: give it to advise alone")}
	}
	docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for n := 1; ; n++ {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &ManifestError{File: file, Doc: n, Err: errors.New("not YAML or JSON: " + yamlProblem(err))}
		}
		if emptyDocument(doc) {
			n--
			continue
		}
		js, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, &ManifestError{File: file, Doc: n, Err: errors.New("not YAML or JSON: " + yamlProblem(err))}
		}
		origin := file
		if n > 1 {
			origin = fmt.Sprintf("%s (document %d)", file, n)
		}
		got, err := decodeDocument(js, origin, "", "", "")
		if err != nil {
			return nil, &ManifestError{File: file, Doc: n, Err: err}
		}
		objs = append(objs, got...)
	}
	return objs, nil
}

// emptyDocument: only white space and comments.
func emptyDocument(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		l := bytes.TrimSpace(line)
		if len(l) > 0 && l[0] != '#' && !bytes.Equal(l, []byte("---")) {
			return false
		}
	}
	return true
}

// yamlProblem describes a YAML error without quoting the input (which may hold secrets):
// the YAML libraries' messages name lines and types, not values, except for the
// unmarshal errors that quote a value; those keep their line only.
func yamlProblem(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "cannot unmarshal"); i >= 0 {
		msg = strings.TrimSpace(msg[:i]) + " a value has the wrong type"
	}
	return msg
}

// decodeDocument decodes one JSON object (a List's items one by one); where names it.
func decodeDocument(js []byte, origin, item, defKind, defAPIVersion string) ([]*object.Object, error) {
	var head struct {
		APIVersion *string          `json:"apiVersion"`
		Kind       *string          `json:"kind"`
		Items      *json.RawMessage `json:"items"`
	}
	trimmed := bytes.TrimSpace(js)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New(at(item) + "not a Kubernetes object: a Kubernetes object is a mapping with apiVersion and kind")
	}
	if err := json.Unmarshal(js, &head); err != nil {
		return nil, errors.New(at(item) + "not a Kubernetes object: apiVersion and kind must be strings")
	}
	kind, apiVersion := defKind, defAPIVersion
	if head.Kind != nil {
		kind = *head.Kind
	}
	if head.APIVersion != nil {
		apiVersion = *head.APIVersion
	}
	if kind == "" || apiVersion == "" {
		return nil, errors.New(at(item) + "not a Kubernetes object: it has no apiVersion and kind")
	}
	if kind == "List" || (strings.HasSuffix(kind, "List") && head.Items != nil) {
		var items []json.RawMessage
		if head.Items != nil {
			if err := json.Unmarshal(*head.Items, &items); err != nil {
				return nil, errors.New(at(item) + "the items of a " + kind + " must be a list of objects")
			}
		}
		itemKind, itemVersion := "", ""
		if kind != "List" {
			itemKind, itemVersion = strings.TrimSuffix(kind, "List"), apiVersion
		}
		var out []*object.Object
		for i, it := range items {
			path := fmt.Sprintf("items[%d]", i)
			if item != "" {
				path = item + "." + path
			}
			got, err := decodeDocument(it, origin, path, itemKind, itemVersion)
			if err != nil {
				return nil, err
			}
			out = append(out, got...)
		}
		return out, nil
	}
	if !readsKind(kind) {
		return nil, nil
	}
	o, err := object.Decode(apiVersion, kind, js)
	if err != nil {
		return nil, errors.New(at(item) + err.Error())
	}
	if o == nil {
		return nil, nil
	}
	if o.Namespace == "" && object.Namespaced(kind) {
		o.Namespace = "default"
	}
	o.Origin = origin
	if item != "" {
		o.Origin += " " + item
	}
	return []*object.Object{o}, nil
}

// contextKinds are the kinds without a pod template that advise reads: namespaces and
// their limits, service accounts, the RBAC that reaches them and PodSecurityPolicies.
var contextKinds = map[string]bool{
	"Namespace": true, "LimitRange": true, "ResourceQuota": true, "ServiceAccount": true,
	"ClusterRole": true, "Role": true, "ClusterRoleBinding": true, "RoleBinding": true,
	"PodSecurityPolicy": true,
}

// readsKind reports whether advise reads objects of kind: workloads (any kind package
// object decodes with a pod template, and kinds it does not know, which it reads when they
// have one) and contextKinds. Other kinds package object decodes for plan-check (Secrets,
// ConfigMaps, claims, classes, access policy associations) are skipped like a Service:
// advise does not read them, so a malformed one is no reason to refuse the input.
func readsKind(kind string) bool {
	k, known := object.Lookup(kind)
	return !known || k.Workload || contextKinds[kind]
}

func at(item string) string {
	if item == "" {
		return ""
	}
	return item + ": "
}
