package helm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/helmpath"
	"sigs.k8s.io/yaml"
)

// sourceKind is where a chart comes from.
type sourceKind int

const (
	sourceLocal sourceKind = iota // a directory or archive on disk
	sourceRepo                    // an HTTP(S) chart repository (index.yaml)
	sourceURL                     // the URL of a chart archive
	sourceOCI                     // an OCI registry
)

// chartRef says where a release's chart is, as the provider's chartPathOptions and
// Helm's LocateChart work it out.
type chartRef struct {
	kind    sourceKind
	path    string // local: the resolved path
	repoURL string // repo: the repository URL
	name    string // repo, oci: the chart name
	url     string // url: the archive URL
	oci     string // oci: host/path/name, without oci://
	version string
}

func (c chartRef) key() string {
	switch c.kind {
	case sourceLocal:
		return "local\x00" + c.path
	case sourceRepo:
		return "repo\x00" + c.repoURL + "\x00" + c.name + "\x00" + c.version
	case sourceURL:
		return "url\x00" + c.url + "\x00" + c.version
	}
	return "oci\x00" + c.oci + "\x00" + c.version
}

// where names the source in messages, without credentials.
func (c chartRef) where() string {
	switch c.kind {
	case sourceLocal:
		return c.path
	case sourceRepo:
		return fmt.Sprintf("chart %q in %s", c.name, redactURL(c.repoURL))
	case sourceURL:
		return redactURL(c.url)
	}
	return "oci://" + c.oci
}

func isOCI(s string) bool { return strings.HasPrefix(s, "oci://") }

func isHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// locate works out where the chart of r is. It touches the file system only.
func locate(r *Release, opts *Options) (chartRef, error) {
	name := strings.TrimSpace(r.Chart)
	repository := strings.TrimSpace(r.Repository)
	version := strings.TrimSpace(r.Version)
	if version == "" && r.Devel {
		version = ">0.0.0-0"
	}
	if name == "" {
		return chartRef{}, newError(ReasonChartNotFound, nil, "chart is empty")
	}
	switch {
	case isOCI(repository):
		u, err := url.Parse(repository)
		if err != nil || u.Host == "" {
			return chartRef{}, newError(ReasonChartNotFound, nil, "repository %q is not an OCI reference", redactURL(repository))
		}
		return chartRef{kind: sourceOCI, oci: u.Host + path.Join("/", u.Path, name), name: path.Base(name), version: version}, nil
	case isOCI(name):
		u, err := url.Parse(name)
		if err != nil || u.Host == "" {
			return chartRef{}, newError(ReasonChartNotFound, nil, "chart %q is not an OCI reference", redactURL(name))
		}
		p := path.Clean("/" + u.Path)
		// A tag in the reference (oci://host/charts/web:1.2.3) is the version when none is set.
		if base := path.Base(p); strings.Contains(base, ":") {
			i := strings.LastIndexByte(p, ':')
			tag := p[i+1:]
			p = p[:i]
			if version == "" {
				version = strings.ReplaceAll(tag, "_", "+")
			} else if version != tag && version != strings.ReplaceAll(tag, "_", "+") {
				return chartRef{}, newError(ReasonVersionNotFound, nil, "chart %q names tag %s but version is %s", redactURL(name), tag, version)
			}
		}
		return chartRef{kind: sourceOCI, oci: u.Host + p, name: path.Base(p), version: version}, nil
	case isHTTP(name):
		return chartRef{kind: sourceURL, url: name, version: version}, nil
	case repository != "" && isHTTP(repository):
		return chartRef{kind: sourceRepo, repoURL: repository, name: name, version: version}, nil
	case repository != "" && strings.Contains(repository, "://"):
		return chartRef{}, newError(ReasonChartNotFound, nil, "repository %q has a scheme Helm cannot fetch from (http, https and oci are supported)", redactURL(repository))
	case repository != "" && !strings.Contains(name, "/"):
		// The provider's buildChartNameWithRepository: a non-URL repository prefixes the
		// chart, which makes a local path ("./charts" + "web") or a `helm repo add` alias.
		name = repository + "/" + name
	}
	if p, ok := findLocal(name, opts.SearchDirs); ok {
		return chartRef{kind: sourceLocal, path: p, version: version}, nil
	}
	if filepath.IsAbs(name) || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tgz") {
		return chartRef{}, newError(ReasonChartNotFound, nil, "chart path %q does not exist (looked in %s)", name, strings.Join(searchDirs(opts.SearchDirs), ", "))
	}
	if strings.Contains(name, "/") {
		return chartRef{}, newError(ReasonRepositoryAlias, nil,
			"chart %q names a repository added with `helm repo add` (%q), which plan-check cannot resolve: give the repository URL in `repository`", name, strings.SplitN(name, "/", 2)[0])
	}
	return chartRef{}, newError(ReasonChartNotFound, nil, "chart %q is neither a local path (looked in %s) nor in a repository (no repository is set)", name, strings.Join(searchDirs(opts.SearchDirs), ", "))
}

func searchDirs(dirs []string) []string {
	if len(dirs) == 0 {
		return []string{"."}
	}
	return dirs
}

// findLocal finds a chart path relative to the first search directory that has it,
// cleaned lexically (modules/x/../../charts/web is charts/web, whatever the links).
func findLocal(name string, dirs []string) (string, bool) {
	if filepath.IsAbs(name) {
		p := filepath.Clean(name)
		_, err := os.Stat(p)
		return p, err == nil
	}
	for _, d := range searchDirs(dirs) {
		p := filepath.Join(d, filepath.FromSlash(name))
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

// exactVersion reports whether v names one version (a cache file can be looked up).
func exactVersion(v string) bool {
	_, err := semver.StrictNewVersion(v)
	return err == nil
}

// DefaultCacheDir is Helm's repository cache ($HELM_CACHE_HOME/repository, by default
// ~/.cache/helm/repository), where `helm pull` and `helm install` leave chart archives.
func DefaultCacheDir() string { return helmpath.CachePath("repository") }

func (o *Options) cacheDir() string {
	if o.CacheDir != "" {
		return o.CacheDir
	}
	return DefaultCacheDir()
}

// loaded is a chart as fetched, shared (read-only) by the renders of a run.
type loaded struct {
	chart    *chart.Chart
	source   string
	warnings []string
}

// loadComplete loads a release's chart and fetches the dependencies its charts/
// directory lacks (a checkout without the `helm dependency build` output, or
// dependency_update), at the versions Chart.lock pins, else as Chart.yaml constrains.
func loadComplete(ctx context.Context, ref chartRef, r *Release, opts *Options) (*loaded, error) {
	ld, err := load(ctx, ref, r, opts)
	if err != nil || ld.chart.Metadata == nil {
		return ld, err
	}
	var fetched []string
	for _, req := range missingDependencies(ld.chart) {
		dep, err := loadDependency(ctx, ld, ref, req, opts)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				c := *e
				c.Detail = fmt.Sprintf("dependency %q of chart %s is missing from its charts/ directory and cannot be fetched: %s", req.Name, ld.chart.Metadata.Name, e.Detail)
				return nil, &c
			}
			return nil, err
		}
		ld.chart.AddDependency(dep.chart)
		fetched = append(fetched, req.Name+" "+dep.chart.Metadata.Version)
	}
	if len(fetched) > 0 && !r.DependencyUpdate {
		ld.warnings = append(ld.warnings, fmt.Sprintf("chart %s lacks dependencies in its charts/ directory (the provider needs them there, or dependency_update); fetched from their repositories: %s",
			ld.chart.Metadata.Name, strings.Join(fetched, ", ")))
	}
	return ld, nil
}

// missingDependencies are the dependencies Chart.yaml declares that charts/ lacks (the
// provider's action.CheckDependencies).
func missingDependencies(ch *chart.Chart) []*chart.Dependency {
	var missing []*chart.Dependency
outer:
	for _, req := range ch.Metadata.Dependencies {
		if req == nil {
			continue
		}
		for _, d := range ch.Dependencies() {
			if d.Name() == req.Name {
				continue outer
			}
		}
		missing = append(missing, req)
	}
	return missing
}

func loadDependency(ctx context.Context, parent *loaded, ref chartRef, req *chart.Dependency, opts *Options) (*loaded, error) {
	version := req.Version
	if lock := parent.chart.Lock; lock != nil {
		for _, l := range lock.Dependencies {
			if l != nil && l.Name == req.Name && l.Repository == req.Repository && l.Version != "" {
				version = l.Version
			}
		}
	}
	repository := strings.TrimSpace(req.Repository)
	var dr chartRef
	switch {
	case strings.HasPrefix(repository, "file://"):
		st, err := os.Stat(ref.path)
		if ref.kind != sourceLocal || err != nil || !st.IsDir() {
			return nil, newError(ReasonInvalidChart, nil, "its repository %s is a path, and the chart is not a directory", repository)
		}
		p := filepath.FromSlash(strings.TrimPrefix(repository, "file://"))
		if !filepath.IsAbs(p) {
			p = filepath.Join(ref.path, p)
		}
		dr = chartRef{kind: sourceLocal, path: filepath.Clean(p)}
	case isOCI(repository):
		u, err := url.Parse(repository)
		if err != nil || u.Host == "" {
			return nil, newError(ReasonChartNotFound, nil, "its repository %q is not an OCI reference", redactURL(repository))
		}
		dr = chartRef{kind: sourceOCI, oci: u.Host + path.Join("/", u.Path, req.Name), name: req.Name, version: version}
	case isHTTP(repository):
		dr = chartRef{kind: sourceRepo, repoURL: repository, name: req.Name, version: version}
	case repository == "":
		return nil, newError(ReasonInvalidChart, nil, "it names no repository")
	default:
		return nil, newError(ReasonRepositoryAlias, nil, "its repository %q is a `helm repo add` name, which plan-check cannot resolve", repository)
	}
	return opts.Memo.chart(dr.key(), func() (*loaded, error) { return load(ctx, dr, &Release{}, opts) })
}

// load fetches (or finds in the cache) and loads a release's chart.
func load(ctx context.Context, ref chartRef, r *Release, opts *Options) (*loaded, error) {
	if ref.kind == sourceLocal {
		ch, err := loader.Load(ref.path)
		if err != nil {
			return nil, newError(ReasonInvalidChart, err, "%s is not a chart Helm can load: %s", ref.path, err)
		}
		return &loaded{chart: ch, source: ref.path}, nil
	}
	if data, file, ok := fromCache(ref, opts); ok {
		if ch, err := loader.LoadArchive(bytes.NewReader(data)); err == nil && cacheMatches(ch, ref) {
			return &loaded{chart: ch, source: ref.where() + " (cached " + file + ")"}, nil
		}
	}
	if opts.Offline {
		what := "version " + ref.version
		if !exactVersion(ref.version) {
			what = "a version resolved from the repository (the plan names none exactly)"
		}
		return nil, newError(ReasonOffline, nil, "%s, %s, is not in the chart cache %s and network access is off (--helm-offline)", ref.where(), what, opts.cacheDir())
	}
	f, err := newFetcher(r, opts)
	if err != nil {
		return nil, err
	}
	var data []byte
	var file string
	switch ref.kind {
	case sourceRepo:
		data, file, err = fetchFromRepo(ctx, f, ref, opts)
	case sourceURL:
		data, err = f.get(ctx, ref.url)
		file = path.Base(mustPath(ref.url))
	case sourceOCI:
		data, file, err = fetchOCI(ctx, f, ref, r, opts)
	}
	if err != nil {
		return nil, err
	}
	ch, err := loader.LoadArchive(bytes.NewReader(data))
	if err != nil {
		return nil, newError(ReasonInvalidChart, err, "%s is not a chart archive Helm can load: %s", ref.where(), err)
	}
	if ref.version != "" && exactVersion(ref.version) && ch.Metadata.Version != ref.version {
		return nil, newError(ReasonVersionNotFound, nil, "%s holds version %s, not the planned %s", ref.where(), ch.Metadata.Version, ref.version)
	}
	writeCache(opts.cacheDir(), file, data)
	return &loaded{chart: ch, source: ref.where()}, nil
}

func mustPath(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Path
}

func newFetcher(r *Release, opts *Options) (*fetcher, error) {
	resolve := func(p string) string {
		if q, ok := findLocal(p, opts.SearchDirs); ok {
			return q
		}
		return p
	}
	cfg, err := tlsConfig(r.Auth, resolve)
	if err != nil {
		return nil, err
	}
	rt := opts.Transport
	if rt == nil {
		rt = newTransport(cfg, opts.timeout())
	}
	f := &fetcher{
		client:    &http.Client{Transport: rt},
		auth:      r.Auth,
		timeout:   opts.timeout(),
		retries:   opts.retries(),
		retryWait: opts.retryWait(),
	}
	if u, err := url.Parse(strings.TrimSpace(r.Repository)); err == nil && u.Host != "" {
		f.authURL = u
	}
	return f, nil
}

// cacheFile is the archive name a chart has in the cache ("" when the version is not exact).
func cacheFile(ref chartRef) string {
	switch ref.kind {
	case sourceURL:
		return path.Base(mustPath(ref.url))
	case sourceRepo, sourceOCI:
		if exactVersion(ref.version) {
			return ref.name + "-" + ref.version + ".tgz"
		}
	}
	return ""
}

func fromCache(ref chartRef, opts *Options) ([]byte, string, bool) {
	name := cacheFile(ref)
	if name == "" || name == "." || name == "/" {
		return nil, "", false
	}
	p := filepath.Join(opts.cacheDir(), name)
	data, err := os.ReadFile(p)
	if err != nil || len(data) > maxDownload {
		return nil, "", false
	}
	return data, p, true
}

// cacheMatches checks that a cached archive is the chart asked for.
func cacheMatches(ch *chart.Chart, ref chartRef) bool {
	if ch.Metadata == nil {
		return false
	}
	if ref.version != "" && exactVersion(ref.version) && ch.Metadata.Version != ref.version {
		return false
	}
	return ref.kind == sourceURL || ch.Metadata.Name == ref.name
}

// writeCache stores a downloaded archive; a cache that cannot be written costs nothing.
func writeCache(dir, name string, data []byte) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), filepath.Join(dir, name)) != nil {
		_ = os.Remove(tmp.Name())
	}
}

// indexFile is what plan-check reads of a repository's index.yaml.
type indexFile struct {
	APIVersion string                     `json:"apiVersion"`
	Entries    map[string][]*chartVersion `json:"entries"`
}

type chartVersion struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	URLs    []string `json:"urls"`
	Digest  string   `json:"digest"`
}

func parseIndex(data []byte) (*indexFile, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("index.yaml is empty")
	}
	var idx indexFile
	if err := yaml.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("index.yaml does not parse: %w", err)
	}
	if idx.APIVersion == "" {
		return nil, errors.New("index.yaml has no apiVersion")
	}
	for name, vs := range idx.Entries {
		kept := vs[:0]
		for _, v := range vs {
			if v != nil && v.Version != "" {
				kept = append(kept, v)
			}
		}
		// Newest first; versions that are not semver go last (Helm's SortEntries).
		sort.SliceStable(kept, func(a, b int) bool {
			va, ea := semver.NewVersion(kept[a].Version)
			vb, eb := semver.NewVersion(kept[b].Version)
			switch {
			case ea != nil:
				return false
			case eb != nil:
				return true
			}
			return vb.LessThan(va)
		})
		idx.Entries[name] = kept
	}
	return &idx, nil
}

// get is Helm's IndexFile.Get: an exact match first, else the newest version that meets
// the constraint ("" is the newest stable one).
func (idx *indexFile) get(name, version string) (*chartVersion, error) {
	vs, ok := idx.Entries[name]
	if !ok || len(vs) == 0 {
		return nil, newError(ReasonChartNotFound, nil, "the repository has no chart %q", name)
	}
	c := "*"
	if version != "" {
		c = version
	}
	constraint, err := semver.NewConstraint(c)
	if err != nil {
		return nil, newError(ReasonVersionNotFound, nil, "version %q is not a version or a constraint: %s", version, err)
	}
	if version != "" {
		for _, v := range vs {
			if v.Version == version {
				return v, nil
			}
		}
	}
	for _, v := range vs {
		sv, err := semver.NewVersion(v.Version)
		if err == nil && constraint.Check(sv) {
			return v, nil
		}
	}
	var have []string
	for i, v := range vs {
		if i == 8 {
			have = append(have, "…")
			break
		}
		have = append(have, v.Version)
	}
	return nil, newError(ReasonVersionNotFound, nil, "the repository has no version %q of chart %q (it has %s)", orNewest(version), name, strings.Join(have, ", "))
}

func orNewest(v string) string {
	if v == "" {
		return "newest stable"
	}
	return v
}

// resolveReference is Helm's ResolveReferenceURL: a relative chart URL is relative to the
// repository URL (with a trailing slash), whose query is kept.
func resolveReference(base, ref string) (string, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	if r.IsAbs() {
		return ref, nil
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	b.RawPath = strings.TrimSuffix(b.RawPath, "/") + "/"
	b.Path = strings.TrimSuffix(b.Path, "/") + "/"
	out := b.ResolveReference(r)
	out.RawQuery = b.RawQuery
	return out.String(), nil
}

// fetchFromRepo reads the repository's index (once per run), finds the version and
// downloads the archive, checking its digest.
func fetchFromRepo(ctx context.Context, f *fetcher, ref chartRef, opts *Options) ([]byte, string, error) {
	indexURL, err := resolveReference(ref.repoURL, "index.yaml")
	if err != nil {
		return nil, "", newError(ReasonChartNotFound, nil, "repository %q is not a URL", redactURL(ref.repoURL))
	}
	idx, err := opts.Memo.index(indexURL, f.auth, func() (*indexFile, error) {
		data, err := f.get(ctx, indexURL)
		if err != nil {
			return nil, err
		}
		idx, err := parseIndex(data)
		if err != nil {
			return nil, newError(ReasonInvalidChart, nil, "%s: %s", redactURL(indexURL), err)
		}
		return idx, nil
	})
	if err != nil {
		return nil, "", err
	}
	cv, err := idx.get(ref.name, ref.version)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Detail = redactURL(ref.repoURL) + ": " + e.Detail
		}
		return nil, "", err
	}
	if len(cv.URLs) == 0 {
		return nil, "", newError(ReasonChartNotFound, nil, "%s: chart %q %s has no download URL in index.yaml", redactURL(ref.repoURL), ref.name, cv.Version)
	}
	chartURL, err := resolveReference(ref.repoURL, cv.URLs[0])
	if err != nil {
		return nil, "", newError(ReasonChartNotFound, nil, "%s: chart %q %s has an invalid URL in index.yaml", redactURL(ref.repoURL), ref.name, cv.Version)
	}
	name := ref.name + "-" + cv.Version + ".tgz"
	if data, _, ok := fromCache(chartRef{kind: sourceRepo, name: ref.name, version: cv.Version}, opts); ok {
		if d := strings.TrimPrefix(cv.Digest, "sha256:"); d == "" || digestOK(data, d) {
			return data, name, nil
		}
	}
	data, err := f.get(ctx, chartURL)
	if err != nil {
		return nil, "", err
	}
	if d := strings.TrimPrefix(cv.Digest, "sha256:"); d != "" && !digestOK(data, d) {
		return nil, "", newError(ReasonInvalidChart, nil, "%s: the archive of chart %q %s does not match the digest in index.yaml", redactURL(ref.repoURL), ref.name, cv.Version)
	}
	return data, name, nil
}

func digestOK(data []byte, hexDigest string) bool {
	sum := sha256.Sum256(data)
	return strings.EqualFold(hex.EncodeToString(sum[:]), hexDigest)
}

// helmSDKVersion is the version of the Helm SDK this binary is built with.
var helmSDKVersion = sdkVersion()

func sdkVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "helm.sh/helm/v3" {
				return m.Version
			}
		}
	}
	return "v3"
}
