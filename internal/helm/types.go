package helm

import (
	"net/http"
	"time"
)

// Value is one string input of a release as the plan holds it: known or not until apply,
// sensitive or not. The zero Value is unknown, so that an input a caller forgot to fill in
// can never make a release look compliant.
type Value struct {
	Value     string
	Known     bool
	Sensitive bool
}

// Known returns a known, non-sensitive value.
func Known(s string) Value { return Value{Value: s, Known: true} }

// Secret returns a known, sensitive value.
func Secret(s string) Value { return Value{Value: s, Known: true, Sensitive: true} }

// Unknown returns a value that is not known until apply.
func Unknown() Value { return Value{} }

// Set is one `set` or `set_sensitive` entry (hashicorp/helm v3 attribute or v2 block):
// Helm's --set name=value. Type is "" or "auto" (--set), "string" (--set-string) or
// "literal" (the value is parsed as YAML and stored under the top-level key Name).
type Set struct {
	Name  string
	Value Value
	Type  string
}

// SetList is one `set_list` entry: Helm's --set name={v1,v2}. Known is false when the
// list as a whole (its length) is not known until apply; each element carries its own
// flags otherwise.
type SetList struct {
	Name   string
	Values []Value
	Known  bool
}

// RepoAuth is what a release gives to reach its repository. Every field is treated as a
// secret: none is ever printed. CAFile, CertFile and KeyFile are paths (relative ones are
// resolved like local chart paths).
type RepoAuth struct {
	Username, Password        string
	CAFile, CertFile, KeyFile string
	// InsecureSkipTLSVerify skips the server certificate check (no helm_release attribute
	// sets it; a caller may, for a registry it trusts).
	InsecureSkipTLSVerify bool
	// PassCredentials sends the credentials to every host (pass_credentials); otherwise
	// only to the repository's own scheme and host.
	PassCredentials bool
}

// Release is one helm_release of a plan: what the hashicorp/helm provider needs to
// install it.
type Release struct {
	// Address is the Terraform address, used in messages only.
	Address   string
	Name      Value
	Namespace Value
	// Chart, Repository and Version as the plan holds them (version: the planned version;
	// "" means the newest stable one, a constraint is resolved as Helm does).
	Chart      string
	Repository string
	Version    string
	Devel      bool
	Auth       RepoAuth

	// Values are the `values` documents in order; Set, SetList and SetSensitive are
	// applied after them, in that order, as the provider does.
	Values       []Value
	Set          []Set
	SetList      []SetList
	SetSensitive []Set

	CreateNamespace bool
	SkipCRDs        bool
	// DependencyUpdate is dependency_update: the provider fetches the dependencies that
	// charts/ lacks. They are fetched either way (a checkout may lack what the machine that
	// planned had); without it, Rendered.Warnings says so.
	DependencyUpdate bool
	// DisableHooks is disable_webhooks: the provider installs without running hooks.
	DisableHooks bool
	// Upgrade renders as an upgrade of an installed release (an update plan):
	// .Release.IsUpgrade instead of .Release.IsInstall.
	Upgrade bool
	// PostRender is set when the release runs a post-renderer binary at apply: what is
	// installed may differ from what the chart renders (reported in Rendered.Warnings).
	PostRender bool

	// KubeVersion is .Capabilities.KubeVersion ("1.31", "v1.31.2"); "" is
	// DefaultKubeVersion. APIVersions are added to .Capabilities.APIVersions.
	KubeVersion string
	APIVersions []string
}

// DefaultKubeVersion is the Kubernetes version charts see when the caller knows none.
const DefaultKubeVersion = "v1.35.0"

// Options say where charts come from and how hard to try.
type Options struct {
	// SearchDirs are tried in order for a local chart path that is not absolute (plan-check:
	// --source, the working directory, the plan file's directory); the first directory in
	// which the path exists wins. Paths are cleaned lexically. Empty means the working
	// directory.
	SearchDirs []string
	// CacheDir holds chart archives named NAME-VERSION.tgz (what `helm pull -d DIR` and
	// Helm's repository cache hold). "" is DefaultCacheDir(). Charts fetched over the network
	// are written there when it is writable.
	CacheDir string
	// Offline forbids any network access: a chart not in the cache fails the release.
	Offline bool
	// Timeout bounds each network request (default 20s); Retries is how many times a
	// failed request is tried again (default 2; -1 for none).
	Timeout time.Duration
	Retries int
	// RetryWait is the pause before the first retry, doubled each time (default 250ms).
	RetryWait time.Duration
	// RegistryConfig is the OCI credentials file ("" is Helm's default,
	// $HELM_REGISTRY_CONFIG or ~/.config/helm/registry/config.json, with Docker's as fallback).
	RegistryConfig string
	// Memo shares fetched charts and renders between the releases of one run; nil renders
	// every release from scratch.
	Memo *Memo
	// MaxRenders bounds the renders spent on one release to trace unknown inputs
	// (default 32). Past it, fewer stand-ins are tried (see the package documentation).
	MaxRenders int
	// Transport replaces the HTTP transport (tests); nil is a default transport with the
	// release's TLS settings.
	Transport http.RoundTripper
	// TraceOrigins finds which input entry each field comes from (Document.Origins), at
	// the cost of one more render per values document, set, set_list and set_sensitive
	// entry.
	TraceOrigins bool
}

// Rendered is what one release installs.
type Rendered struct {
	// Chart and Version are the chart's own name and version (Chart.yaml), AppVersion its
	// appVersion; Source says where it came from (a local path, a URL or an OCI reference;
	// never credentials).
	Chart      string
	Version    string
	AppVersion string
	Source     string
	// Namespace is the release namespace, where Helm puts the objects that do not name one;
	// NamespaceKnown is false when it is not known until apply.
	Namespace      string
	NamespaceKnown bool
	// CreateNamespace is set when Helm creates Namespace itself (create_namespace).
	CreateNamespace bool
	// Documents are the objects, in Helm's install order: manifests, then hooks.
	Documents []Document
	// Warnings say what may make the installed objects differ from these (a post-renderer,
	// a local chart whose version is not the planned one, stand-in renders that failed).
	// They never hold secrets.
	Warnings []string
	// Renders is how many times the chart was rendered for this release (1 when every
	// input is known and nothing is sensitive).
	Renders int

	secrets []string
}

// Secrets returns the string forms of the release's sensitive inputs (set_sensitive and
// sensitive set values, every string in a sensitive values document), longest first,
// for a last check that none is printed. Redaction itself is by path: Document.Sensitive.
func (r *Rendered) Secrets() []string { return append([]string(nil), r.secrets...) }

// Document is one Kubernetes object the release installs.
type Document struct {
	// Template is the file that rendered it, relative to the chart's root:
	// "templates/daemonset.yaml", "charts/cache/templates/statefulset.yaml", "crds/x.yaml".
	Template string
	// Hook holds the helm.sh/hook events of a hook ("pre-install", "post-upgrade"); nil
	// for the release's manifest objects. Test hooks and hooks that install and upgrade
	// never run are left out.
	Hook []string
	// Object is the object as Helm renders it (YAML decoded as JSON: numbers are float64),
	// without the values at Unknown paths: a map key whose value is unknown is absent; a
	// list whose elements vary keeps only the elements that are the same in every render.
	Object map[string]any
	// Unknown are the paths (Kubernetes JSON paths: spec.template.spec.containers[0].image,
	// metadata.annotations["a.b/c"]) whose value depends on an input unknown until apply;
	// "" is the whole object. Sorted, none below another.
	Unknown []string
	// Sensitive are the paths whose value is derived from a sensitive input; "" is the
	// whole object. Judge them, never print them.
	Sensitive []string
	// Conditional says the object exists only for some values of the unknown inputs: it
	// may not be installed at all. Object and Unknown then describe it as the renders
	// that have it agree on it (what it is when it is installed).
	Conditional bool
	// Origins say which input entry the value at a path comes from (with
	// Options.TraceOrigins): the path's value changes when that entry changes. Sorted by
	// path; "" is the whole object (it exists because of that entry).
	Origins []Origin
}

// Origin ties a field to the input entry it comes from: Input is "values[0]", "set[2]",
// "set_list[1]" or "set_sensitive[0]", indexes into the Release's lists (and the plan's).
type Origin struct {
	Path  string
	Input string
}

// Kind, APIVersion, Name and Namespace read the object's identity ("" when absent or unknown).
func (d *Document) Kind() string       { return str(d.Object, "kind") }
func (d *Document) APIVersion() string { return str(d.Object, "apiVersion") }
func (d *Document) Name() string       { return str(meta(d.Object), "name") }
func (d *Document) Namespace() string  { return str(meta(d.Object), "namespace") }

func meta(m map[string]any) map[string]any {
	md, _ := m["metadata"].(map[string]any)
	return md
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
