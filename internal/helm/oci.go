package helm

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"helm.sh/helm/v3/pkg/registry"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// fetchOCI pulls a chart with the Helm SDK's registry client: the tag is the version
// (Helm writes + as _), or the newest tag that meets a constraint.
func fetchOCI(ctx context.Context, f *fetcher, ref chartRef, r *Release, opts *Options) ([]byte, string, error) {
	hc := &http.Client{Transport: &ociTransport{ctx: ctx, base: f.client.Transport, timeout: f.timeout, retries: f.retries, wait: f.retryWait}}
	copts := []registry.ClientOption{registry.ClientOptHTTPClient(hc), registry.ClientOptWriter(io.Discard)}
	if r.Auth.Username != "" || r.Auth.Password != "" {
		copts = append(copts, registry.ClientOptBasicAuth(r.Auth.Username, r.Auth.Password))
	}
	if opts.RegistryConfig != "" {
		copts = append(copts, registry.ClientOptCredentialsFile(opts.RegistryConfig))
	}
	client, err := registry.NewClient(copts...)
	if err != nil {
		return nil, "", newError(ReasonUnreachable, nil, "the OCI registry client cannot start: %s", err)
	}
	tag := ref.version
	if !exactVersion(tag) {
		tags, err := client.Tags(ref.oci)
		if err != nil {
			return nil, "", ociError(err, ref)
		}
		if len(tags) == 0 {
			return nil, "", newError(ReasonChartNotFound, nil, "%s has no tags", ref.where())
		}
		tag, err = registry.GetTagMatchingVersionOrConstraint(tags, ref.version)
		if err != nil {
			return nil, "", newError(ReasonVersionNotFound, nil, "%s has no version %q", ref.where(), orNewest(ref.version))
		}
	}
	res, err := client.Pull(ref.oci+":"+strings.ReplaceAll(tag, "+", "_"), registry.PullOptWithChart(true))
	if err != nil {
		return nil, "", ociError(err, ref)
	}
	if res.Chart == nil || len(res.Chart.Data) == 0 {
		return nil, "", newError(ReasonInvalidChart, nil, "%s:%s holds no chart layer", ref.where(), tag)
	}
	return res.Chart.Data, ref.name + "-" + tag + ".tgz", nil
}

func ociError(err error, ref chartRef) error {
	var er *errcode.ErrorResponse
	switch {
	case errors.As(err, &er) && (er.StatusCode == http.StatusUnauthorized || er.StatusCode == http.StatusForbidden):
		return newError(ReasonUnauthorized, err, "%s refused the request (%d): the credentials are missing or wrong", ref.where(), er.StatusCode)
	case errors.Is(err, errdef.ErrNotFound), errors.As(err, &er) && er.StatusCode == http.StatusNotFound:
		if ref.version != "" {
			return newError(ReasonVersionNotFound, err, "%s has no version %s", ref.where(), ref.version)
		}
		return newError(ReasonChartNotFound, err, "%s does not exist", ref.where())
	case errors.As(err, &er):
		return newError(ReasonUnreachable, err, "%s answered %d %s", ref.where(), er.StatusCode, http.StatusText(er.StatusCode))
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return newError(ReasonUnreachable, err, "%s did not answer in time", ref.where())
	case errors.Is(err, context.Canceled):
		return newError(ReasonUnreachable, err, "fetching %s was cancelled", ref.where())
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return newError(ReasonUnreachable, err, "%s cannot be reached: %s", ref.where(), netReason(err))
	}
	return newError(ReasonUnreachable, err, "%s cannot be pulled: %s", ref.where(), err)
}

// ociTransport gives the registry client (which has no context of its own) the run's
// context, a timeout per request, retries of idempotent requests on network errors, 429
// and 5xx, and Helm v3's fallback to plain HTTP for a registry that answers HTTPS with
// HTTP.
type ociTransport struct {
	ctx     context.Context
	base    http.RoundTripper
	timeout time.Duration
	retries int
	wait    time.Duration
	// plain is set once the registry answered HTTPS in plain HTTP: later requests go
	// straight to HTTP, as Helm v3's client does.
	plain atomic.Bool
}

func (t *ociTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead
	wait := t.wait
	var resp *http.Response
	var err error
	for attempt := 0; ; attempt++ {
		resp, err = t.once(req)
		retry := idempotent && attempt < t.retries && t.ctx.Err() == nil &&
			(err != nil || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500)
		if !retry {
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
		}
		select {
		case <-t.ctx.Done():
			return nil, t.ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (t *ociTransport) once(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout)
	r := req.Clone(ctx)
	if t.plain.Load() && r.URL.Scheme == "https" {
		r.URL.Scheme = "http"
	}
	resp, err := t.base.RoundTrip(r)
	var rh tls.RecordHeaderError
	if err != nil && r.URL.Scheme == "https" && errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/" {
		t.plain.Store(true)
		r = r.Clone(ctx)
		r.URL.Scheme = "http"
		resp, err = t.base.RoundTrip(r)
	}
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	// The answer is to the request as the client made it (oras sends credentials only
	// when the challenge comes from the origin it asked).
	resp.Request = req
	return resp, nil
}

// cancelBody releases the request's timeout once the body is read and closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
