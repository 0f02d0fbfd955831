// Package helm renders what a helm_release of a Terraform plan installs: it finds the
// chart as the hashicorp/helm provider does (a local directory or archive, an HTTP(S)
// chart repository, the URL of an archive, an OCI registry), computes the values as the
// provider does and renders the chart client-side with the Helm SDK, as `helm template`
// (and the provider's install) would. The result is one Document per Kubernetes object,
// with the paths whose value is unknown until apply and the paths that carry sensitive
// values; a release that cannot be rendered is an *Error with a Reason.
//
// # SDK: helm.sh/helm/v3
//
// v3 (v3.22.0) rather than v4: the provider this must agree with (hashicorp/helm 3.x)
// embeds Helm v3 (3.1.2 embeds v3.18.5), so v3's template engine, value coalescing,
// dependency conditions, hook sorting and --set parser are the ones whose output apply
// installs; v4 changes chart and values handling (a new chart API, different coalescing
// and --set details) and brings a plugin runtime (wazero, extism), controller-runtime and
// kustomize that a scanner does not need. Only the SDK's leaf packages are used
// (chart/loader, chartutil, engine, releaseutil, strvals, registry): pkg/action, pkg/repo,
// pkg/getter and pkg/cli would pull in cli-runtime, kubectl and kustomize (some 330 more
// packages) and the release storage drivers (SQL). The index.yaml protocol (read the
// index, pick the version as repo.IndexFile.Get does, resolve relative URLs as
// repo.ResolveReferenceURL, check the digest) is therefore done here; OCI pulls use the
// SDK's registry client (oras-go) unchanged. The provider's --set parser is Helm v2's
// (k8s.io/helm/pkg/strvals); v3's has the same grammar and typing and also refuses
// indexes above 65536 and nesting deeper than 30, where v2 would allocate or panic.
//
// # Values
//
// As the provider's getValues: the values documents deep-merged in order (maps key by
// key, anything else replaced; null and "" documents skipped), then each set as
// strvals.ParseInto("name=value") (type "string": ParseIntoString; "literal": parsed as
// YAML and stored under the top-level key name), each set_list as name={v1,v2} (null
// elements dropped), each set_sensitive as set. Helm then coalesces them over the chart's
// values (a user null deletes a default), gives subcharts their section and global:,
// enables subcharts by condition and tags, imports values and checks values.schema.json.
// Rendering is an install (.Release.IsInstall, revision 1) or, for an update plan, an
// upgrade (.Release.IsUpgrade, revision 2); `lookup` sees an empty cluster; the
// Capabilities are Release.KubeVersion (DefaultKubeVersion when unknown) and the SDK's
// default API versions plus Release.APIVersions. NOTES.txt is dropped; CRDs in crds/ are
// documents (unless skip_crds); hooks that install or upgrade run (pre/post-install,
// pre/post-upgrade) are documents with their events, unless disable_webhooks; test,
// delete and rollback hooks are left out.
//
// # Unknown values: stand-in renders
//
// An input unknown at plan time (a set or set_sensitive value, a set_list element or
// whole list, the release name or namespace) gets stand-ins, and the chart is rendered
// once per variant: every unknown input set to the same stand-in, for each stand-in in
// turn (two distinct strings that no template expects, "true", "false", "null", "0",
// "1" and ""), then, with several unknown inputs, each one alone switched to the
// second string, false, null and "" while the others keep the first string (Options.
// MaxRenders, default 32, bounds the count; the all-the-same variants always run). The
// renders are compared object by object (matched per template and kind, by position or
// else by name): a field that differs between renders is unknown and is removed from the
// object; a map key present in some renders only is unknown; a list whose elements differ
// in number or order is unknown as a whole and keeps only the elements every render has
// (so a known privileged container stays visible next to a sidecar that depends on an
// unknown); an object present in some renders only is Conditional (it may not be installed
// at all), its fields compared among the renders that have it.
// Anything still holding a stand-in string afterwards is unknown too. A stand-in a chart
// refuses (a `required` value left empty, a schema type, a `fail`) only drops that render;
// when every render fails, the release cannot be rendered (ReasonUnknownInput, with
// Helm's message). A whole values document that is unknown, or a set name, chart,
// repository or version the plan does not know, makes the release impossible to render.
//
// Limits: the stand-ins explore values by kind, not every value: a template that compares
// an unknown with one specific string (`if eq .Values.mode "privileged"`) takes the same
// branch for every stand-in, and that branch is then taken as known; two unknowns that
// only matter in a combination none of the variants has (one true and another one a
// specific number) are missed the same way. An unknown's type is what the plan says
// (set values are strings that --set types), so structured values (a list or map given
// as a literal) are explored as scalars only.
//
// # Sensitive values: an altered render
//
// When an input is sensitive (set_sensitive, a sensitive set value or set_list element,
// a sensitive values document), one more render replaces every sensitive input by a
// different value of the same kind (true/false swapped, integers changed, every letter
// and digit of a string changed, same length; in a document every leaf, keys kept).
// Every field that differs from the real render is Sensitive (a whole object when it is
// missing from either). The real values are kept in the objects, so rules judge them;
// reports must not print them. Errors never quote Helm's message for a release with
// sensitive inputs (it may quote a value): only where the chart failed. The Helm SDK logs
// warnings that quote values through the standard library logger, so Render discards that
// logger's output for the process.
//
// # Sources, cache and network
//
// Local chart paths are tried relative to each of Options.SearchDirs in order (cleaned
// lexically); a repository that is not a URL prefixes the chart as the provider does
// (a local directory, or a `helm repo add` alias, which cannot be resolved:
// ReasonRepositoryAlias). Remote charts are looked up first in Options.CacheDir as
// NAME-VERSION.tgz (the archive's own name for a chart URL), checked against the name and
// version asked for; the network is used only when the cache lacks the chart and
// Options.Offline is off. Each request has a timeout and retries on network errors, 429
// and 5xx; repository credentials go only to the repository's scheme and host (every host
// with pass_credentials); OCI registries are reached over HTTPS with Helm v3's fallback
// to plain HTTP for a registry that answers HTTPS in plain HTTP (as the provider reached
// the fixtures' registry on 127.0.0.1:5001). Downloads are written to the cache when it
// is writable. Dependencies that Chart.yaml declares and charts/ lacks are fetched the
// same way (the Chart.lock version, else the Chart.yaml constraint; http(s), oci:// and
// file:// repositories), as the provider's dependency_update does; a Warning says so when
// the release does not set it. Provenance (verify, keyring) is not checked. A Memo shares
// charts, repository indexes and renders between the releases of one run.
//
// # Origins
//
// With Options.TraceOrigins, one more render per known input entry changes only that
// entry (as the sensitive render does): the fields that change come from it
// (Document.Origins), so a finding can point at the set entry or values document that
// made a field what it is. An entry overridden by a later one is nobody's origin.
package helm
